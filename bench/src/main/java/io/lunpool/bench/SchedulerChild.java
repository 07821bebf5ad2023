package io.lunpool.bench;

import io.lunpool.app.docker.LocalProcess;
import io.lunpool.scheduler.store.ZkPaths;
import io.lunpool.scheduler.zk.EmbeddedZooKeeper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The REST mode's server: the application jar's {@code scheduler} command as a child {@link LocalProcess} under a
 * temp directory, with its own embedded ZooKeeper (fsync on), an empty loop-array folder, the maintainer timer off,
 * max batch 200 and 1 ms max wait, request log off, log level WARN, a 1 GiB heap (plus {@code BENCH_CHILD_JAVA_OPTS}).
 * Before it starts, {@link PoolSeeder} records one pool of FREE LUNs per round into its ZooKeeper data dir (LUN
 * records only: creates and deletes never touch the array). {@link #close()} stops the child and removes the dir,
 * also from a shutdown hook.
 */
final class SchedulerChild implements AutoCloseable {
    private final Path dir;
    private final LocalProcess process;
    private final Thread hook;
    private double seedSeconds;

    private SchedulerChild(Path jar) throws java.io.IOException {
        this.dir = Files.createTempDirectory("lunpool-bench-");
        this.process = new LocalProcess(dir, new LocalProcess.Setup("scheduler", jar, null, "bench", javaOptions(),
                Map.of("logging.level", "WARN", "controlPlane.maxBatch", "200", "controlPlane.maxWait", "1ms")),
                null, List.of());
        this.hook = new Thread(this::stop, "lunpool-bench-stop-child");
    }

    static String pool(int round) {
        return "rest" + round;
    }

    /** Records {@code rounds} pools of {@code luns} FREE LUNs, then starts the child and waits until it leads. */
    static SchedulerChild start(Path jar, int rounds, int luns) throws Exception {
        SchedulerChild child = new SchedulerChild(jar);
        try {
            child.seed(rounds, luns);
            Files.createDirectories(child.process.arrayDir());
            Runtime.getRuntime().addShutdownHook(child.hook);
            child.process.start();
            return child;
        } catch (Exception | AssertionError e) {
            child.close();
            throw e;
        }
    }

    private void seed(int rounds, int luns) throws Exception {
        long t0 = System.nanoTime();
        Map<String, Integer> pools = new LinkedHashMap<>();
        for (int r = 0; r < rounds; r++) {
            pools.put(pool(r), luns);
        }
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(process.zkDataDir(), "127.0.0.1",
                ControlPlaneBench.freePort())) {
            PoolSeeder.fill(zk.connectString(), new ZkPaths(LocalProcess.ZK_ROOT), pools);
        }
        seedSeconds = (System.nanoTime() - t0) / 1e9;
    }

    LocalProcess process() {
        return process;
    }

    double seedSeconds() {
        return seedSeconds;
    }

    private static List<String> javaOptions() {
        List<String> options = new ArrayList<>(List.of("-Xms1g", "-Xmx1g"));
        String extra = System.getenv("BENCH_CHILD_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) {
            options.addAll(List.of(extra.trim().split("\\s+")));
        }
        return options;
    }

    private void stop() {
        process.close();
        BenchCleanup.remove(dir);
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // the hook is running (the JVM is stopping) or was never added
        }
        stop();
    }
}
