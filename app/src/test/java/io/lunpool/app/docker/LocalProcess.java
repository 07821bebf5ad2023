package io.lunpool.app.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lunpool.backend.plugin.Await;
import io.lunpool.core.api.LunpoolClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real jar's {@code local} command as a child process: embedded ZooKeeper, control plane, loop array and the
 * Docker plugin on {@link #SOCKET} (driver {@value #DRIVER}; one fixed name, because dockerd caches every plugin
 * name it has seen). Everything it keeps lives under one root directory (ZooKeeper data, array, mounts, mount
 * table), so it can be killed and started again on the same state. Its output goes to {@code <root>/local.log}.
 */
final class LocalProcess implements AutoCloseable {
    static final String DRIVER = "lunpooltest";
    static final Path SOCKET = Path.of("/run/docker/plugins/" + DRIVER + ".sock");
    static final String HOST = "local";
    private static final String READY = "lunpool local is ready";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A pool the configuration creates at start. */
    record Pool(String name, String lunSize, int minFree, int maxFree, int maxLuns) {
    }

    private final Path root;
    private final Path jar;
    private final int restPort = freePort();
    private final int adminPort = freePort();
    private final int zkPort = freePort();
    private final Path config;
    private Process process;
    private int starts;

    LocalProcess(Path root, String defaultPool, List<Pool> pools) {
        this.root = root;
        this.jar = Path.of(System.getProperty("lunpool.jar", "target/lunpool-app-0.1.0-SNAPSHOT-all.jar"));
        assertThat(jar).as("the shaded jar (system property lunpool.jar); run the ITs with mvn verify").isRegularFile();
        this.config = root.resolve("local.yml");
        write(config, yaml(defaultPool, pools));
    }

    Path root() {
        return root;
    }

    Path mountRoot() {
        return root.resolve("mounts");
    }

    Path arrayDir() {
        return root.resolve("array");
    }

    Path log() {
        return root.resolve("local.log");
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    LunpoolClient client() {
        return new LunpoolClient(URI.create("http://127.0.0.1:" + restPort), Duration.ofSeconds(30));
    }

    /** Starts the jar on this root and waits until it logs that it is ready. */
    void start() {
        assertThat(isAlive()).as("local process already running").isFalse();
        int before = countReady();
        try {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            process = new ProcessBuilder(java, "-Xmx256m", "-jar", jar.toString(), "local", config.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + jar, e);
        }
        starts++;
        Await.until("lunpool local (pid " + process.pid() + ") logs '" + READY + "' (log: " + log() + ")",
                START_TIMEOUT, () -> {
                    assertThat(process.isAlive()).as("lunpool local exited with %s before it was ready; log: %s",
                            process.isAlive() ? "" : process.exitValue(), tail()).isTrue();
                    return countReady() > before;
                });
    }

    /** SIGKILL by PID, then waits for the exit. */
    void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
    }

    /** SIGTERM by PID, then waits for a clean exit. */
    void stop() {
        process.destroy();
        awaitExit(Duration.ofSeconds(60));
    }

    /** One maintainer pass (refill, wipe, prepare), waiting for its chores. */
    void runMaintainer() {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/tasks/run-maintainer"))
                .timeout(Duration.ofMinutes(5)).POST(HttpRequest.BodyPublishers.noBody()).build();
        try {
            HttpResponse<String> resp = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
            assertThat(resp.statusCode()).as("run-maintainer answered %s", resp.body()).isEqualTo(200);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The backing file of the LUN with this WWN, from the loop array's sidecar files. */
    Path backingOf(String wwn) {
        try (DirectoryStream<Path> sidecars = Files.newDirectoryStream(arrayDir(), "*.json")) {
            for (Path sidecar : sidecars) {
                JsonNode lun = JSON.readTree(sidecar.toFile());
                if (wwn.equals(lun.path("wwn").asText())) {
                    return arrayDir().resolve(lun.path("name").asText() + ".img");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("no LUN " + wwn + " in the loop array " + arrayDir());
    }

    /** The whole log so far. */
    String logText() {
        try {
            return Files.exists(log()) ? Files.readString(log(), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + log() + ": " + e + ")";
        }
    }

    int starts() {
        return starts;
    }

    /**
     * Stops the process (SIGTERM, then SIGKILL if it hangs) and removes a socket file a killed process left: dockerd
     * activates every socket in /run/docker/plugins for {@code docker volume ls}, and waits ~15 s on a dead one.
     */
    @Override
    public void close() {
        if (isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    kill();
                }
            } catch (InterruptedException e) {
                kill();
                Thread.currentThread().interrupt();
            }
        }
        try {
            Files.deleteIfExists(SOCKET);
        } catch (IOException e) {
            throw new UncheckedIOException("removing the plugin socket " + SOCKET + " failed", e);
        }
    }

    private void awaitExit(Duration timeout) {
        try {
            assertThat(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
                    .as("lunpool local (pid %s) did not exit within %s", process.pid(), timeout).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private int countReady() {
        String text = logText();
        int n = 0;
        for (int at = text.indexOf(READY); at >= 0; at = text.indexOf(READY, at + 1)) {
            n++;
        }
        return n;
    }

    private String tail() {
        String text = logText();
        return text.substring(Math.max(0, text.length() - 4000));
    }

    private String yaml(String defaultPool, List<Pool> pools) {
        StringBuilder pool = new StringBuilder();
        for (Pool p : pools) {
            pool.append("    ").append(p.name()).append(":\n")
                    .append("      lunSize: ").append(p.lunSize()).append('\n')
                    .append("      minFree: ").append(p.minFree()).append('\n')
                    .append("      maxFree: ").append(p.maxFree()).append('\n')
                    .append("      fsType: ext4\n")
                    .append("      maxLuns: ").append(p.maxLuns()).append('\n');
        }
        return """
                server:
                  type: default
                  applicationConnectors:
                    - type: http
                      bindHost: 127.0.0.1
                      port: %d
                    - type: unix
                      path: %s
                      mode: "0660"
                      deleteStaleSocket: true
                  adminConnectors:
                    - type: http
                      bindHost: 127.0.0.1
                      port: %d
                  requestLog:
                    appenders: []
                zookeeper:
                  connect: ""
                  root: /lunpool
                  sessionTimeout: 10s
                  embeddedDataDir: %s
                  embeddedHost: 127.0.0.1
                  embeddedPort: %d
                controlPlane:
                  advertiseUrl: http://127.0.0.1:%d
                  defaultPool: %s
                  maintainerInterval: 0s
                  parallelChores: 2
                  arrayDirectory: %s
                  pools:
                %s
                backend:
                  host: %s
                  initiators: []
                  mountRoot: %s
                  stateDir: %s
                logging:
                  level: INFO
                  loggers:
                    org.apache.zookeeper: WARN
                    org.apache.curator: WARN
                """.formatted(restPort, SOCKET, adminPort, root.resolve("zk"), zkPort, restPort, defaultPool,
                arrayDir(), pool, HOST, mountRoot(), root.resolve("backend"));
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
