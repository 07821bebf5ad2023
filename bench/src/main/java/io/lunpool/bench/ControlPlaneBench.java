package io.lunpool.bench;

import ch.qos.logback.classic.Level;
import io.lunpool.scheduler.zk.CuratorClients;
import io.lunpool.scheduler.zk.EmbeddedZooKeeper;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.LoggerFactory;

/**
 * {@code bin/bench control-plane}: volume ops per second of the control plane on a real ZooKeeper with
 * fsync on, in one run and interleaved round by round: a {@link io.lunpool.scheduler.ControlPlane} in-process,
 * driven through its asynchronous front with the default batcher settings (max batch 200, and any other sizes
 * asked for) and with max batch 1, and the REST API of the real application jar started as a child process.
 * Writes bench/results/control-plane-{UTC}.json and control-plane-latest.md. Not a test: nothing here asserts a
 * time.
 */
public final class ControlPlaneBench {
    private ControlPlaneBench() {
    }

    /** Exits 0 with a report, 1 when a mode failed, 2 on bad arguments; never lingers on leftover threads. */
    public static void main(String[] args) {
        int status = 1;
        try {
            status = bench(args);
        } catch (Exception | AssertionError e) {
            e.printStackTrace();
        } finally {
            System.exit(status);
        }
    }

    private static int bench(String[] args) throws Exception {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        quietLogs();
        BenchReport report = new BenchReport(options);
        Path zkDir = Files.createTempDirectory("lunpool-bench-zk-");
        SchedulerChild rest = null;
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(zkDir, "127.0.0.1", freePort())) {
            CuratorFramework client = CuratorClients.start(zk.connectString(), Duration.ofSeconds(30));
            try {
                if (options.rest()) {
                    rest = SchedulerChild.start(options.jar(), options.rounds() + 1, options.restOps());
                    report.note("REST setup", String.format(Locale.ROOT, "%d pools of %d FREE LUN records written "
                                    + "into the child's ZooKeeper data dir before it started, in %.1f s, by a control "
                                    + "plane's maintainer on an array of records only (no loop files: creates and "
                                    + "deletes never touch the array; the child's maintainer is off); child JVM "
                                    + "-Xmx1g, max batch 200, max wait 1 ms, %d client threads, request log off, "
                                    + "log level WARN",
                            options.rounds() + 1, options.restOps(), rest.seedSeconds(), options.restClients()));
                }
                report.note("In-process setup", "each round's pool seeded (untimed) by a control plane's "
                        + "maintainer on an array of records only; the ops go through ControlPlane.createVolumeAsync "
                        + "and deleteVolumeAsync of the leading instance (request validation, the leader's batcher, "
                        + "the returned futures); batched = the default batcher settings (no wait for a batch to "
                        + "fill), unbatched = the same with max batch 1");
                run(options, report, new InProcessMode(zk.connectString(), client, options.inFlight()),
                        rest == null ? null : new RestMode(rest.process(), options.restClients()));
            } finally {
                client.close();
            }
        } finally {
            if (rest != null) {
                rest.close();
            }
            BenchCleanup.remove(zkDir);
        }
        Path json = report.write();
        System.out.println("wrote " + json + " and " + options.out().resolve("control-plane-latest.md"));
        System.out.print(Files.readString(options.out().resolve("control-plane-latest.md")));
        return 0;
    }

    private static void run(BenchOptions options, BenchReport report, InProcessMode inProcess, RestMode rest)
            throws Exception {
        for (int round = 0; round <= options.rounds(); round++) {
            for (int maxBatch : options.batchSizes()) {
                report.add(inProcess.run(maxBatch, options.ops(), round));
            }
            report.add(inProcess.run(1, options.unbatchedOps(), round));
            if (rest != null) {
                report.add(rest.run(options.restOps(), round));
            }
        }
    }

    private static void quietLogs() {
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
            root.setLevel(Level.WARN);
        }
    }

    static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
