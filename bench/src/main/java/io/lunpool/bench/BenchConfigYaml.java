package io.lunpool.bench;

import java.nio.file.Path;

/** The {@code local} configuration the bench runs: everything under one temp directory, no timed maintainer. */
final class BenchConfigYaml {
    static final String POOL = "bench";

    private BenchConfigYaml() {
    }

    static String render(Path dir, Path socket, int restPort, int adminPort, int zkPort, int minFree) {
        return """
                server:
                  type: default
                  applicationConnectors:
                    - type: http
                      bindHost: 127.0.0.1
                      port: %2$d
                    - type: unix
                      path: %5$s
                      mode: "0660"
                      deleteStaleSocket: true
                  adminConnectors:
                    - type: http
                      bindHost: 127.0.0.1
                      port: %3$d
                  requestLog:
                    appenders: []
                zookeeper:
                  connect: ""
                  root: /lunpool
                  embeddedDataDir: %1$s/zk
                  embeddedHost: 127.0.0.1
                  embeddedPort: %4$d
                controlPlane:
                  advertiseUrl: http://127.0.0.1:%2$d
                  defaultPool: %7$s
                  maintainerInterval: 0s
                  parallelChores: 2
                  arrayDirectory: %1$s/array
                  pools:
                    %7$s:
                      lunSize: 64M
                      minFree: %6$d
                      maxFree: %6$d
                      fsType: ext4
                      maxLuns: 0
                backend:
                  host: bench
                  defaultPool: %7$s
                  mountRoot: %1$s/mounts
                  stateDir: %1$s/state
                logging:
                  level: WARN
                  loggers:
                    io.lunpool: INFO
                    "org.glassfish.jersey.server.ServerRuntime$Responder": "OFF"
                """.formatted(dir, restPort, adminPort, zkPort, socket, minFree, POOL);
    }
}
