package io.lunpool.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real application jar's {@code local} command as a child process, with its own temp directory (ZooKeeper,
 * array, mounts, state), free ports and the fixed plugin socket {@link #SOCKET} (Docker driver
 * {@code lunpoolbench}); one pool {@code bench} of 64M ext4 LUNs refilled only on {@link #seed}.
 */
final class LocalPlugin implements AutoCloseable {
    static final Path SOCKET = Path.of("/run/docker/plugins/lunpoolbench.sock");
    static final String DRIVER = "lunpoolbench";
    private static final Duration READY_WAIT = Duration.ofMinutes(2);
    private final Path dir;
    private final Process process;
    private final int restPort;
    private final int adminPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    private LocalPlugin(Path dir, Process process, int restPort, int adminPort) {
        this.dir = dir;
        this.process = process;
        this.restPort = restPort;
        this.adminPort = adminPort;
    }

    /** Writes the configuration, starts the child and waits until it logs that it is ready. */
    static LocalPlugin start(Path jar, Path dir, int minFree) throws IOException, InterruptedException {
        if (Files.exists(SOCKET) && connectable()) {
            throw new IllegalStateException(SOCKET + " is served by another process (a bench already running?);"
                    + " stop it first");
        }
        int rest = freePort();
        int admin = freePort();
        int zk = freePort();
        Path conf = dir.resolve("local.yml");
        Files.writeString(conf, BenchConfigYaml.render(dir, SOCKET, rest, admin, zk, minFree));
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(List.of(java, "-Dcom.google.protobuf.use_unsafe_pre22_gencode=true",
                "-jar", jar.toString(), "local", conf.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("local.log").toFile()).start();
        LocalPlugin plugin = new LocalPlugin(dir, p, rest, admin);
        try {
            plugin.awaitReady();
        } catch (IOException | InterruptedException | RuntimeException e) {
            plugin.close();
            throw e;
        }
        return plugin;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return dir.resolve("local.log");
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("lunpool local exited with " + process.exitValue() + " before it was"
                        + " ready; see " + log());
            }
            if (Files.exists(log()) && Files.readString(log()).contains("lunpool local is ready")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("lunpool local was not ready within " + READY_WAIT + "; see " + log());
    }

    /** Runs maintainer passes until the pool holds at least {@code free} FREE LUNs (mkfs done); returns that count. */
    int seed(int free, Duration limit) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        int now = 0;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort
                    + "/tasks/run-maintainer")).timeout(limit).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("run-maintainer answered " + r.statusCode() + ": " + r.body());
            }
            now = poolCounts().path("free").asInt();
            if (now >= free) {
                return now;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the pool reached only " + now + " of " + free + " FREE LUNs in " + limit);
    }

    /** {@code {free, claimed, preparing, wiping, failed}} of the bench pool, from the REST API. */
    JsonNode poolCounts() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort
                + "/v1/pools/" + BenchConfigYaml.POOL)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET /v1/pools/" + BenchConfigYaml.POOL + " answered " + r.statusCode());
        }
        return json.readTree(r.body()).path("counts");
    }

    /** SIGTERM, up to 30 s for a clean stop, then SIGKILL. */
    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            System.err.println("bench: lunpool local (pid " + process.pid() + ") ignored SIGTERM for 30 s; killing it");
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static boolean connectable() {
        try (DockerStyleClient c = DockerStyleClient.connect(SOCKET, Duration.ofSeconds(1))) {
            return true;
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
