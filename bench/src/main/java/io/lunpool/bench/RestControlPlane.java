package io.lunpool.bench;

import io.lunpool.scheduler.batch.Inventory;
import io.lunpool.scheduler.store.ZkPaths;
import io.lunpool.scheduler.store.ZkStateStore;
import io.lunpool.scheduler.zk.CuratorClients;
import io.lunpool.scheduler.zk.EmbeddedZooKeeper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;

/**
 * The real control plane as a child process: the shaded jar's {@code scheduler} command with a generated
 * YAML, its own embedded ZooKeeper (fsync on) in a temp dir, an empty loop-array folder, the maintainer
 * timer off. Before it starts, this process opens the same ZooKeeper data dir and records one pool of
 * FREE LUNs per round (LUN records only: creates and deletes never touch the array, and no maintainer
 * runs to wipe them). {@link #close()} stops the child by its PID and removes the temp dir.
 */
final class RestControlPlane implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Path dir;
    private final int apiPort;
    private final int adminPort;
    private Process child;
    private Thread hook;
    double seedSeconds;

    RestControlPlane() throws IOException {
        this.dir = Files.createTempDirectory("lunpool-bench-");
        this.apiPort = freePort();
        this.adminPort = freePort();
    }

    static String pool(int round) {
        return "rest" + round;
    }

    String api() {
        return "http://127.0.0.1:" + apiPort;
    }

    String admin() {
        return "http://127.0.0.1:" + adminPort;
    }

    long pid() {
        return child == null ? -1 : child.pid();
    }

    /** Records {@code rounds} pools of {@code luns} FREE LUNs, then starts the child and waits until it leads. */
    void start(Path jar, int rounds, int luns) throws Exception {
        int zkPort = freePort();
        long t0 = System.nanoTime();
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir.resolve("zk"), "127.0.0.1", zkPort)) {
            CuratorFramework client = CuratorClients.start(zk.connectString(), Duration.ofSeconds(10));
            try (ZkStateStore store = ZkStateStore.create(client, new ZkPaths(ZkPaths.DEFAULT_ROOT))) {
                Inventory inventory = new Inventory();
                for (int r = 0; r < rounds; r++) {
                    InProcessMode.seed(store, inventory, null, pool(r), r * luns, luns);
                }
            } finally {
                client.close();
            }
        }
        seedSeconds = (System.nanoTime() - t0) / 1e9;
        Files.createDirectories(dir.resolve("array"));
        Path config = dir.resolve("scheduler.yml");
        Files.writeString(config, yaml(zkPort));
        List<String> command = new ArrayList<>(List.of(javaBin(), "-Xms1g", "-Xmx1g"));
        String extra = System.getenv("BENCH_CHILD_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.addAll(List.of("-cp", jar.toString(), "io.lunpool.app.LunpoolApplication", "scheduler",
                config.toString()));
        child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("scheduler.log").toFile()).start();
        hook = new Thread(this::stopChild, "lunpool-bench-stop-child");
        Runtime.getRuntime().addShutdownHook(hook);
        awaitLeader();
    }

    private String yaml(int zkPort) {
        return """
                server:
                  applicationConnectors:
                    - type: http
                      bindHost: 127.0.0.1
                      port: %d
                  adminConnectors:
                    - type: http
                      bindHost: 127.0.0.1
                      port: %d
                  requestLog:
                    appenders: []
                logging:
                  level: WARN
                zookeeper:
                  connect: ""
                  embeddedDataDir: %s
                  embeddedHost: 127.0.0.1
                  embeddedPort: %d
                controlPlane:
                  advertiseUrl: %s
                  maxBatch: 200
                  maxWait: 1ms
                  maintainerInterval: 0s
                  arrayDirectory: %s
                """.formatted(apiPort, adminPort, dir.resolve("zk"), zkPort, api(), dir.resolve("array"));
    }

    private void awaitLeader() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest leader = HttpRequest.newBuilder(URI.create(api() + "/v1/leader"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!child.isAlive()) {
                throw new IllegalStateException("the control plane exited with " + child.exitValue() + "; see "
                        + dir.resolve("scheduler.log") + ":\n" + tail());
            }
            try {
                HttpResponse<String> r = http.send(leader, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"isLeader\":true")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the control plane did not lead within " + START_TIMEOUT + ":\n" + tail());
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("scheduler.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private void stopChild() {
        if (child == null || !child.isAlive()) {
            return;
        }
        child.destroy();
        try {
            if (!child.waitFor(20, TimeUnit.SECONDS)) {
                child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            child.destroyForcibly();
        }
    }

    @Override
    public void close() {
        stopChild();
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
        }
        new HostCleanup().run(dir);
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
