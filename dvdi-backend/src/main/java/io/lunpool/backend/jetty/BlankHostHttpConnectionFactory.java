package io.lunpool.backend.jetty;

import org.eclipse.jetty.http.HostPortHttpField;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.internal.HttpConnection;

/**
 * HTTP/1.1 that accepts the empty {@code Host:} header Docker's Go client sends over unix sockets.
 *
 * <p>Jetty 12.1 answers a request with a present but blank Host header with {@code 400 Blank Host}, and no
 * {@code HttpCompliance} mode turns that off. A unix socket has no host name anyway, so on this connector a blank
 * Host is read as {@code localhost} before Jetty checks it; every other header is parsed as usual.
 */
public class BlankHostHttpConnectionFactory extends HttpConnectionFactory {
    static final HttpField LOCALHOST = new HostPortHttpField("localhost");

    public BlankHostHttpConnectionFactory(HttpConfiguration config) {
        super(config);
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        return configure(new BlankHostHttpConnection(getHttpConfiguration(), connector, endPoint), connector, endPoint);
    }

    static final class BlankHostHttpConnection extends HttpConnection {
        BlankHostHttpConnection(HttpConfiguration config, Connector connector, EndPoint endPoint) {
            super(config, connector, endPoint);
        }

        @Override
        protected RequestHandler newRequestHandler() {
            return new BlankHostRequestHandler();
        }

        final class BlankHostRequestHandler extends RequestHandler {
            @Override
            public void parsedHeader(HttpField field) {
                if (field.getHeader() == HttpHeader.HOST && field.getValue().isBlank()) {
                    super.parsedHeader(LOCALHOST);
                } else {
                    super.parsedHeader(field);
                }
            }
        }
    }
}
