package io.lunpool.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.LoggerFactory;

/**
 * Benchmarks the Docker volume plugin of {@code lunpool local} against its performance targets: socket latency
 * per call, fresh-volume cycles/s through the socket, {@code docker run} against Docker's {@code local} driver
 * (interleaved) and {@code docker run} starts/s with fresh volumes. Runs the real jar as a child process under a
 * temp directory and leaves nothing behind (containers, volumes, mounts, loop devices, socket, files), also when it
 * fails or is stopped. {@code bin/bench plugin} calls it; results go to {@code bench/results/}.
 */
public final class PluginBench {
    private static final Duration SEED_LIMIT = Duration.ofMinutes(10);
    /** The child's log in the run's temp directory. */
    private static final String LOG = "local.log";
    private final PluginBenchOptions options;
    private final String prefix = "lpb" + ProcessHandle.current().pid();
    private final TrackedDocker docker = new TrackedDocker();
    private final SocketPhases socket = new SocketPhases(LocalPlugin.SOCKET, prefix);
    private final AtomicBoolean cleaned = new AtomicBoolean();
    private volatile Path tempDir;
    private volatile LocalPlugin plugin;

    private PluginBench(PluginBenchOptions options) {
        this.options = options;
    }

    public static void main(String[] args) {
        quietLogging();
        PluginBenchOptions options;
        try {
            options = PluginBenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage().isEmpty() ? PluginBenchOptions.USAGE : "bench: " + e.getMessage() + "\n"
                    + PluginBenchOptions.USAGE);
            System.exit(e.getMessage().isEmpty() ? 0 : 2);
            return;
        }
        PluginBench bench = new PluginBench(options);
        Runtime.getRuntime().addShutdownHook(new Thread(bench::cleanUp, "bench-cleanup"));
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(options.limit().toMillis());
                System.err.println("bench: still running after " + options.limit() + "; stopping");
                System.exit(3);
            } catch (InterruptedException done) {
                // finished in time
            }
        }, "bench-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        int status = 0;
        try {
            bench.run();
        } catch (Exception | AssertionError e) {
            System.err.println("bench: failed: " + e);
            e.printStackTrace();
            bench.printChildLog();
            status = 1;
        } finally {
            bench.cleanUp();
            watchdog.interrupt();
        }
        System.exit(status);
    }

    private void run() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("run as root: the plugin attaches loop devices and mounts filesystems");
        }
        Results r = new Results(Instant.now());
        long t0 = System.nanoTime();
        docker.requireImage();
        tempDir = Files.createTempDirectory("lunpool-bench-");
        r.loadBefore = Machine.loadAverage();
        r.machine.putAll(new MachineFacts().collect(docker, tempDir));
        r.config.putAll(Map.of("volumes", options.volumes(), "warmupVolumes", options.warmup(), "cycles", options.cycles(), "parallel",
                options.parallel(), "dockerRunsPerDriver", options.runs(), "freshRounds", options.freshRounds(),
                "freshPerRound", options.freshPerRound(), "pool", "64M ext4 LUNs, minFree " + options.poolSize()
                        + ", maintainer only between phases", "driver", LocalPlugin.DRIVER, "image", TrackedDocker.IMAGE));
        say("machine: " + r.machine.get("nproc") + " CPUs, load " + r.loadBefore + "; starting lunpool local in "
                + tempDir);
        plugin = LocalPlugin.start(options.jar(), tempDir, options.poolSize());
        say("lunpool local ready (pid " + plugin.pid() + "); seeding " + (options.volumes() + options.warmup())
                + " LUNs");

        seed(options.volumes() + options.warmup());
        say("phase 1: " + options.volumes() + " volumes through the socket");
        Map<String, Samples> ops = socket.operations(options.volumes(), options.warmup());
        ops.forEach((op, s) -> r.socketOps.put(op, s.summary()));
        r.mountSeries = ops.get("Mount").millis();
        r.socketOps.forEach((op, s) -> say("  " + op + ": " + s));

        seed(options.cycles());
        say("phase 2: " + options.cycles() + " fresh-volume cycles, " + options.parallel() + " in parallel");
        Samples cycleTimes = new Samples();
        long wall = socket.cycles(options.parallel(), options.cycles(), Duration.ofMinutes(5), cycleTimes);
        Samples.Summary cs = cycleTimes.summary();
        r.cycles = new Results.Cycles(options.parallel(), cs.count(), Math.round(wall / 1e6) / 1000.0,
                Math.round(cs.count() / (wall / 1e9) * 100) / 100.0, cs);
        say("  " + r.cycles);

        seed(4);
        say("phase 3: docker run, " + options.runs() + " per driver, interleaved");
        DockerPhases dockerPhases = new DockerPhases(docker, prefix);
        DockerPhases.Interleaved runs = dockerPhases.dockerRun(options.runs(), 2);
        Samples.Summary fc = runs.fc().summary();
        Samples.Summary local = runs.local().summary();
        r.dockerRun = new Results.DockerRun(fc, local, Results.ratio(fc.p50(), local.p50()), runs.fcSeries(),
                runs.localSeries());
        say("  lunpoolbench " + fc + "\n  local " + local + "\n  ratio " + r.dockerRun.ratioOfMedians());

        seed(options.freshRounds() * options.freshPerRound());
        say("phase 4: docker run with fresh volumes, " + options.freshRounds() + "x" + options.freshPerRound()
                + " per driver, " + options.parallel() + " in parallel");
        DockerPhases.Throughput[] fresh = dockerPhases.freshVolumes(options.freshRounds(), options.freshPerRound(),
                options.parallel());
        r.fresh = new Results.Fresh(options.parallel(), fresh[0], fresh[1],
                Results.ratio(fresh[0].perSecond(), fresh[1].perSecond()));
        say("  lunpoolbench " + fresh[0] + "\n  local " + fresh[1] + "\n  ratio " + r.fresh.ratio());

        r.loadAfter = Machine.loadAverage();
        r.seconds = Math.round((System.nanoTime() - t0) / 1e6) / 1000.0;
        Files.createDirectories(options.out());
        Path json = Report.writeJson(options.out(), r);
        Path md = Report.writeMarkdown(options.out(), r, json.getFileName().toString());
        Path png = options.out().resolve("plugin-latest.png");
        ResultPlot.write(png, r);
        for (Results.Target t : r.targets()) {
            say((t.met() ? "met     " : "MISSED  ") + t.metric() + ": " + Results.fmt(t.value()) + " " + t.unit()
                    + " (target " + t.target() + ")");
        }
        say("wrote " + json + ", " + md + ", " + png);
    }

    private void seed(int free) throws Exception {
        long t = System.nanoTime();
        int now = plugin.seed(free, SEED_LIMIT);
        say("  pool seeded: " + now + " FREE LUNs (" + (System.nanoTime() - t) / 1_000_000 + " ms, untimed)");
    }

    /** Idempotent; runs from main's finally and from the shutdown hook (Ctrl-C, SIGTERM, the watchdog). */
    private void cleanUp() {
        if (!cleaned.compareAndSet(false, true)) {
            return;
        }
        docker.removeAll();
        if (plugin != null) {
            socket.removeLeftovers();
            plugin.close();
        }
        if (tempDir != null && options.keepLog() != null) {
            try {
                Files.copy(tempDir.resolve(LOG), options.keepLog(), StandardCopyOption.REPLACE_EXISTING);
            } catch (Exception e) {
                System.err.println("bench cleanup: could not keep the child's log: " + e);
            }
        }
        if (tempDir != null) {
            BenchCleanup.remove(tempDir);
        }
    }

    private void printChildLog() {
        if (tempDir == null || !Files.exists(tempDir.resolve(LOG))) {
            return;
        }
        Path log = tempDir.resolve(LOG);
        try {
            var lines = Files.readAllLines(log);
            System.err.println("--- last lines of " + log + " ---");
            lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(System.err::println);
        } catch (Exception e) {
            System.err.println("bench: cannot read the child's log: " + e);
        }
    }

    /** The bench has no logback configuration; without this, logback's default prints every command at DEBUG. */
    private static void quietLogging() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
