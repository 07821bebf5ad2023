package io.lunpool.backend.plugin;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;

/**
 * Plugin clients send {@code Accept: application/vnd.docker.plugins.v1.2+json}, older ones {@code v1+json} or
 * {@code v1.1+json}, and ignore the answer's Content-Type. So that no version ever gets 406, the Accept header of
 * plugin calls is ignored (made {@code * / *}) before Jersey matches the request.
 */
@PreMatching
public final class PluginAcceptFilter implements ContainerRequestFilter {
    @Override
    public void filter(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (path.startsWith("Plugin.") || path.startsWith("VolumeDriver.")
                || path.startsWith("/Plugin.") || path.startsWith("/VolumeDriver.")) {
            request.getHeaders().putSingle(HttpHeaders.ACCEPT, "*/*");
        }
    }
}
