package io.lunpool.app;

import io.dropwizard.core.server.DefaultServerFactory;
import io.lunpool.backend.jetty.UnixSocketConnectorFactory;
import java.util.stream.Collectors;

/** Names the plugin socket(s) a configuration serves, for the ready log line. */
final class PluginSockets {
    private PluginSockets() {
    }

    static String describe(LunpoolConfiguration cfg) {
        if (cfg.getServerFactory() instanceof DefaultServerFactory f) {
            String paths = f.getApplicationConnectors().stream()
                    .filter(UnixSocketConnectorFactory.class::isInstance)
                    .map(c -> ((UnixSocketConnectorFactory) c).getPath().toString())
                    .collect(Collectors.joining(", "));
            if (!paths.isEmpty()) {
                return paths;
            }
        }
        return "(none configured: add a 'type: unix' application connector)";
    }
}
