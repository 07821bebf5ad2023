package io.lunpool.bench;

import io.lunpool.app.docker.LocalProcess;
import io.lunpool.backend.plugin.PluginSocketClient;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The plugin bench's server: the application jar's {@code local} command as a child {@link LocalProcess} under the
 * run's temp directory (ZooKeeper, array, mounts, state), with the driver {@value #DRIVER} on {@link #SOCKET} and one
 * pool {@value #POOL} of 64M ext4 LUNs refilled only on {@link #seed}; it logs at WARN, lunpool's own lines at INFO.
 */
final class LocalPlugin implements AutoCloseable {
    static final String DRIVER = "lunpoolbench";
    static final String POOL = "bench";
    static final Path SOCKET = LocalProcess.socketOf(DRIVER);
    private final LocalProcess process;

    private LocalPlugin(LocalProcess process) {
        this.process = process;
    }

    /** Writes the configuration, starts the child and waits until it logs that it is ready. */
    static LocalPlugin start(Path jar, Path dir, int minFree) {
        if (Files.exists(SOCKET) && connectable()) {
            throw new IllegalStateException(SOCKET + " is served by another process (a bench already running?);"
                    + " stop it first");
        }
        LocalProcess.Setup setup = new LocalProcess.Setup("local", jar, DRIVER, "bench",
                List.of("-Dcom.google.protobuf.use_unsafe_pre22_gencode=true"),
                Map.of("logging.level", "WARN", "logging.loggers.io\\.lunpool", "INFO",
                        "logging.loggers.org\\.glassfish\\.jersey\\.server\\.ServerRuntime$Responder", "OFF"));
        LocalProcess process = new LocalProcess(dir, setup, POOL,
                List.of(new LocalProcess.Pool(POOL, "64M", minFree, minFree, 0)));
        try {
            process.start();
        } catch (RuntimeException | AssertionError e) {
            process.close();
            throw e;
        }
        return new LocalPlugin(process);
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return process.log();
    }

    /** Runs maintainer passes until the pool holds at least {@code free} FREE LUNs (mkfs done); returns that count. */
    int seed(int free, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        int now = 0;
        while (System.nanoTime() < deadline) {
            process.runMaintainer();
            now = process.client().pool(POOL).counts().free();
            if (now >= free) {
                return now;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the pool reached only " + now + " of " + free + " FREE LUNs in " + limit);
    }

    /** SIGTERM, up to 60 s for a clean stop, then SIGKILL; removes the socket file. */
    @Override
    public void close() {
        process.close();
    }

    private static boolean connectable() {
        try {
            PluginSocketClient.connect(SOCKET, Duration.ofSeconds(1)).close();
            return true;
        } catch (UncheckedIOException e) {
            return false;
        }
    }
}
