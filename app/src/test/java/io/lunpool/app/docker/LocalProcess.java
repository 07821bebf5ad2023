package io.lunpool.app.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lunpool.app.FreePorts;
import io.lunpool.backend.plugin.Await;
import io.lunpool.core.api.LunpoolClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real jar as a child process, by default its {@code local} command: embedded ZooKeeper, control plane, loop
 * array and the Docker plugin on {@link #SOCKET} (driver {@value #DRIVER}; one fixed name, because dockerd caches
 * every plugin name it has seen). A {@link Setup} names another driver, the {@code scheduler} command (the control
 * plane alone: no plugin socket, no backend), JVM options or configuration overrides. Everything it keeps lives
 * under one root directory (ZooKeeper data, array, mounts, mount table), so it can be killed and started again on
 * the same state. Its output goes to {@code <root>/<command>.log}.
 */
public final class LocalProcess implements AutoCloseable {
    public static final String DRIVER = "lunpooltest";
    public static final Path SOCKET = socketOf(DRIVER);
    public static final String HOST = "local";
    /** The configuration's {@code zookeeper.root}. */
    public static final String ZK_ROOT = "/lunpool";
    private static final String READY = "lunpool local is ready";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A pool the configuration creates at start. */
    public record Pool(String name, String lunSize, int minFree, int maxFree, int maxLuns) {
    }

    /**
     * How the child runs: the jar's {@code command} ({@code local} or {@code scheduler}), the Docker driver whose
     * socket {@code local} serves (null for {@code scheduler}), the backend's host name, the child JVM's options,
     * and configuration overrides passed as Dropwizard's {@code -Ddw.<path>=<value>} (a dot inside a key, as in a
     * logger name, written {@code \.}).
     */
    public record Setup(String command, Path jar, String driver, String host, List<String> javaOptions,
                        Map<String, String> overrides) {
        public Setup {
            javaOptions = List.copyOf(javaOptions);
            overrides = Map.copyOf(overrides);
        }

        /** What the Docker tests run: {@code local}, driver {@value LocalProcess#DRIVER}, the jar Failsafe names, 256 MiB heap. */
        public static Setup dockerTests() {
            return new Setup("local", Path.of(System.getProperty("lunpool.jar",
                    "target/lunpool-app-0.1.0-SNAPSHOT-all.jar")), DRIVER, HOST, List.of("-Xmx256m"), Map.of());
        }

        /** The plugin socket of {@link #driver}, or null when the command serves none. */
        public Path socket() {
            return driver == null ? null : socketOf(driver);
        }
    }

    /** Where dockerd looks for the socket of a plugin driver. */
    public static Path socketOf(String driver) {
        return Path.of("/run/docker/plugins/" + driver + ".sock");
    }

    private final Path root;
    private final Setup setup;
    private final int restPort = FreePorts.next();
    private final int adminPort = FreePorts.next();
    private final int zkPort = FreePorts.next();
    private final Path config;
    private Process process;
    private int starts;
    private boolean stopped;

    public LocalProcess(Path root, String defaultPool, List<Pool> pools) {
        this(root, Setup.dockerTests(), defaultPool, pools);
    }

    /** {@code defaultPool} may be null (creates then name their pool); {@code pools} may be empty. */
    public LocalProcess(Path root, Setup setup, String defaultPool, List<Pool> pools) {
        this.root = root;
        this.setup = setup;
        assertThat(setup.jar()).as("the shaded jar (system property lunpool.jar); run the ITs with mvn verify")
                .isRegularFile();
        assertThat(setup.socket() != null || !setup.command().equals("local"))
                .as("the local command serves a plugin socket: name its driver").isTrue();
        this.config = root.resolve(setup.command() + ".yml");
        write(config, yaml(defaultPool, pools));
    }

    public Path root() {
        return root;
    }

    public Path mountRoot() {
        return root.resolve("mounts");
    }

    public Path arrayDir() {
        return root.resolve("array");
    }

    /** The embedded ZooKeeper's data directory (it serves only while the process runs). */
    public Path zkDataDir() {
        return root.resolve("zk");
    }

    public Path log() {
        return root.resolve(setup.command() + ".log");
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The REST API's base URL. */
    public String url() {
        return "http://127.0.0.1:" + restPort;
    }

    /** The admin port's base URL (metrics, tasks). */
    public String adminUrl() {
        return "http://127.0.0.1:" + adminPort;
    }

    public LunpoolClient client() {
        return new LunpoolClient(URI.create(url()), Duration.ofSeconds(30));
    }

    /**
     * Starts the jar on this root and waits until it is ready: {@code local} until it logs so, {@code scheduler}
     * until its REST API says it leads.
     */
    public void start() {
        start(setup.command().equals("local") ? "logs '" + READY + "'" : "leads");
    }

    /** Starts the jar as {@link #start()} does but waits only until its REST API answers: a follower is ready then. */
    public void startServing() {
        start("serves its REST API");
    }

    private void start(String what) {
        assertThat(isAlive()).as("local process already running").isFalse();
        int before = countReady();
        try {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(setup.javaOptions());
            setup.overrides().forEach((path, value) -> command.add("-Ddw." + path + "=" + value));
            command.addAll(List.of("-jar", setup.jar().toString(), setup.command(), config.toString()));
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + setup.jar(), e);
        }
        starts++;
        Await.until("lunpool " + setup.command() + " (pid " + process.pid() + ") " + what + " (log: " + log() + ")",
                START_TIMEOUT, () -> {
                    assertThat(process.isAlive()).as("lunpool %s exited with %s before it was ready; log: %s",
                            setup.command(), process.isAlive() ? "" : process.exitValue(), tail()).isTrue();
                    return switch (what) {
                        case "leads" -> leads();
                        case "serves its REST API" -> serves();
                        default -> countReady() > before;
                    };
                });
    }

    private boolean serves() {
        try {
            client().leader();
            return true;
        } catch (RuntimeException notServingYet) {
            return false;
        }
    }

    /** SIGSTOP by PID: the process (not its children) stops where it is, keeping its files, locks and sockets. */
    public void pause() {
        signal("STOP");
        stopped = true;
    }

    /** SIGCONT by PID after {@link #pause()}. */
    public void resume() {
        signal("CONT");
        stopped = false;
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
            assertThat(kill.waitFor(30, TimeUnit.SECONDS) && kill.exitValue() == 0)
                    .as("kill -%s %d", name, process.pid()).isTrue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private boolean leads() {
        try {
            return client().leader().isLeader();
        } catch (RuntimeException notServingYet) {
            return false;
        }
    }

    /** SIGKILL by PID, then waits for the exit. */
    public void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
    }

    /** SIGTERM by PID, then waits for a clean exit. */
    public void stop() {
        process.destroy();
        awaitExit(Duration.ofSeconds(60));
    }

    /** One maintainer pass (refill, wipe, prepare), waiting for its chores. */
    public void runMaintainer() {
        HttpRequest req = HttpRequest.newBuilder(URI.create(adminUrl() + "/tasks/run-maintainer"))
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
    public Path backingOf(String wwn) {
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
    public String logText() {
        try {
            return Files.exists(log()) ? Files.readString(log(), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + log() + ": " + e + ")";
        }
    }

    public int starts() {
        return starts;
    }

    /**
     * Stops the process (SIGTERM, then SIGKILL if it hangs) and removes a socket file a killed process left: dockerd
     * activates every socket in /run/docker/plugins for {@code docker volume ls}, and waits ~15 s on a dead one.
     */
    @Override
    public void close() {
        if (isAlive() && stopped) {
            resume(); // a stopped process would not act on SIGTERM
        }
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
        Path socket = setup.socket();
        if (socket == null) {
            return;
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            throw new UncheckedIOException("removing the plugin socket " + socket + " failed", e);
        }
    }

    private void awaitExit(Duration timeout) {
        try {
            assertThat(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
                    .as("lunpool %s (pid %s) did not exit within %s", setup.command(), process.pid(), timeout).isTrue();
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
        String socketConnector = setup.socket() == null ? "" : """
                    - type: unix
                      path: %s
                      mode: "0660"
                      deleteStaleSocket: true
                """.formatted(setup.socket());
        String backend = setup.socket() == null ? "" : """
                backend:
                  host: %s
                  initiators: []
                  mountRoot: %s
                  stateDir: %s
                """.formatted(setup.host(), mountRoot(), root.resolve("backend"));
        return """
                server:
                  type: default
                  applicationConnectors:
                    - type: http
                      bindHost: 127.0.0.1
                      port: %d
                %s  adminConnectors:
                    - type: http
                      bindHost: 127.0.0.1
                      port: %d
                  requestLog:
                    appenders: []
                zookeeper:
                  connect: ""
                  root: %s
                  sessionTimeout: 10s
                  embeddedDataDir: %s
                  embeddedHost: 127.0.0.1
                  embeddedPort: %d
                controlPlane:
                  advertiseUrl: %s
                  stateDir: %s
                %s  maintainerInterval: 0s
                  parallelChores: 2
                  arrayDirectory: %s
                  pools:%s
                %slogging:
                  level: INFO
                  loggers:
                    org.apache.zookeeper: WARN
                    org.apache.curator: WARN
                """.formatted(restPort, socketConnector, adminPort, ZK_ROOT, zkDataDir(), zkPort, url(),
                root.resolve("control-plane"), defaultPool == null ? "" : "  defaultPool: " + defaultPool + "\n", arrayDir(),
                pools.isEmpty() ? " {}" : "\n" + pool.toString().stripTrailing(), backend);
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
