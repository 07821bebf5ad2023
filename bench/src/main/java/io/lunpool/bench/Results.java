package io.lunpool.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything one run measured, filled phase by phase; the targets are checked from it. */
final class Results {
    final Instant started;
    final Map<String, Object> machine = new LinkedHashMap<>();
    final Map<String, Object> config = new LinkedHashMap<>();
    final Map<String, Samples.Summary> socketOps = new LinkedHashMap<>();
    /** Mount latencies in the order the volumes were mounted (the i-th found i volumes mounted already). */
    List<Double> mountSeries = List.of();
    Cycles cycles;
    DockerRun dockerRun;
    Fresh fresh;
    String loadBefore;
    String loadAfter;
    double seconds;

    Results(Instant started) {
        this.started = started;
    }

    /** p50 of the first and the last tenth of the Mounts of phase 1: does attach slow down as mounts pile up? */
    record MountGrowth(int mountedAtEnd, double firstTenthP50, double lastTenthP50) {
    }

    MountGrowth mountGrowth() {
        int n = mountSeries.size();
        int tenth = Math.max(1, n / 10);
        return n == 0 ? null : new MountGrowth(n, median(mountSeries.subList(0, tenth)),
                median(mountSeries.subList(n - tenth, n)));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return Math.round(sorted.get((sorted.size() - 1) / 2) * 100) / 100.0;
    }

    record Cycles(int parallel, int count, double seconds, double perSecond, Samples.Summary cycleTime) {
    }

    record DockerRun(Samples.Summary fc, Samples.Summary local, double ratioOfMedians, List<Double> fcSeries,
                     List<Double> localSeries) {
    }

    record Fresh(int parallel, DockerPhases.Throughput fc, DockerPhases.Throughput local, double ratio) {
    }

    record Target(String metric, String target, double value, String unit, boolean met) {
    }

    List<Target> targets() {
        List<Target> out = new ArrayList<>();
        Samples.Summary create = socketOps.get("Create");
        if (create != null) {
            out.add(atMost("pooled create through the plugin socket, p99", create.p99(), 10, "ms"));
            out.add(atMost("attach + mount (Mount), p50", socketOps.get("Mount").p50(), 15, "ms"));
            out.add(atMost("unmount + detach (Unmount), p50", socketOps.get("Unmount").p50(), 10, "ms"));
        }
        if (cycles != null) {
            out.add(atLeast("fresh-volume cycles/s through the socket, " + cycles.parallel() + " in parallel",
                    cycles.perSecond(), 50, "/s"));
        }
        if (dockerRun != null) {
            out.add(atMost("docker run -v vol:/d, lunpoolbench vs local, ratio of medians", dockerRun.ratioOfMedians(),
                    1.3, "x"));
        }
        if (fresh != null) {
            out.add(atLeast("docker run starts/s with a fresh volume, " + fresh.parallel()
                    + " in parallel, lunpoolbench vs local", fresh.ratio(), 0.8, "x"));
        }
        return out;
    }

    private static Target atMost(String metric, double value, double limit, String unit) {
        return new Target(metric, "≤ " + fmt(limit) + " " + unit, value, unit, value <= limit);
    }

    private static Target atLeast(String metric, double value, double limit, String unit) {
        return new Target(metric, "≥ " + fmt(limit) + " " + unit, value, unit, value >= limit);
    }

    static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? String.valueOf((long) v) : String.format(java.util.Locale.ROOT, "%.2f", v);
    }

    static double ratio(double a, double b) {
        return Math.round(a / b * 100) / 100.0;
    }
}
