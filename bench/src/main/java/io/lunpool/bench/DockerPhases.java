package io.lunpool.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Phases 3 and 4 through dockerd: {@code docker run --rm -v vol:/d busybox true} with the bench driver against
 * Docker's {@code local} driver, always interleaved so a noisy machine slows both alike.
 */
final class DockerPhases {
    private final TrackedDocker docker;
    private final String prefix;
    private final AtomicInteger containers = new AtomicInteger();

    DockerPhases(TrackedDocker docker, String prefix) {
        this.docker = docker;
        this.prefix = prefix;
    }

    /** Times of one interleaved run: index i of both lists ran back to back. */
    record Interleaved(Samples fc, Samples local, List<Double> fcSeries, List<Double> localSeries) {
    }

    /** Phase 3: pre-created volumes, {@code warmup} untimed pairs, then {@code runs} pairs fc, local, fc, local... */
    Interleaved dockerRun(int runs, int warmup) {
        String fcVolume = prefix + "-run-fc";
        String localVolume = prefix + "-run-local";
        docker.createVolume(fcVolume, LocalPlugin.DRIVER);
        docker.createVolume(localVolume, "local");
        Samples fc = new Samples();
        Samples local = new Samples();
        for (int i = 0; i < warmup + runs; i++) {
            long f = docker.run(container(), fcVolume, null);
            long l = docker.run(container(), localVolume, null);
            if (i >= warmup) {
                fc.add(f);
                local.add(l);
            }
        }
        docker.removeVolumes(new ArrayList<>(List.of(fcVolume, localVolume)));
        return new Interleaved(fc, local, fc.millis(), local.millis());
    }

    /** Runs, wall time and start rate of one driver in phase 4. */
    record Throughput(int runs, double seconds, double perSecond, Samples.Summary runTime) {
    }

    /**
     * Phase 4: rounds of {@code perRound} {@code docker run}s, {@code parallel} at once, each with a fresh volume
     * created by the run itself ({@code --volume-driver}); fc and local alternate round by round, the order swapped
     * every round. Volumes are removed after each round, untimed.
     */
    Throughput[] freshVolumes(int rounds, int perRound, int parallel) throws Exception {
        long[] wall = new long[2];
        Samples[] times = {new Samples(), new Samples()};
        String[] drivers = {LocalPlugin.DRIVER, "local"};
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < 2; k++) {
                int d = (r % 2 == 0) ? k : 1 - k;
                wall[d] += batch(drivers[d], r, perRound, parallel, times[d]);
            }
        }
        Throughput[] out = new Throughput[2];
        for (int d = 0; d < 2; d++) {
            int runs = rounds * perRound;
            double seconds = wall[d] / 1e9;
            out[d] = new Throughput(runs, Math.round(seconds * 1000) / 1000.0,
                    Math.round(runs / seconds * 100) / 100.0, times[d].summary());
        }
        return out;
    }

    private long batch(String driver, int round, int count, int parallel, Samples times) throws Exception {
        String tag = driver.equals("local") ? "l" : "f";
        List<String> volumes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            volumes.add(prefix + "-fresh-" + tag + round + "-" + i);
        }
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        long start = System.nanoTime();
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < parallel; w++) {
                workers.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < count) {
                        times.add(docker.run(container(), volumes.get(i), driver));
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        long took = System.nanoTime() - start;
        docker.removeVolumes(volumes);
        return took;
    }

    private String container() {
        return prefix + "-ctr" + containers.getAndIncrement();
    }
}
