package io.lunpool.backend.plugin;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;

/**
 * Plugin calls mount block devices as root and chore calls make filesystems and wipe LUNs, so both are served only
 * on the unix socket (mode 0660, owner root), never on a TCP connector that shares the Jersey application (local
 * mode's REST API).
 */
final class PluginSocketOnlyFilter implements Filter {
    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request instanceof HttpServletRequest http && isPluginPath(http.getRequestURI()) && !viaUnixSocket(request)) {
            ((HttpServletResponse) response).sendError(404, "plugin endpoints are served on the plugin socket only");
            return;
        }
        chain.doFilter(request, response);
    }

    static boolean isPluginPath(String uri) {
        return uri != null && (uri.startsWith("/Plugin.") || uri.startsWith("/VolumeDriver.") || uri.startsWith("/Chores."));
    }

    private static boolean viaUnixSocket(ServletRequest request) {
        ServletContextRequest jetty = ServletContextRequest.getServletContextRequest(request);
        return jetty != null && jetty.getConnectionMetaData().getConnector() instanceof UnixDomainServerConnector;
    }
}
