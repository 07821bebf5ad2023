package io.lunpool.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes {@code plugin-<UTC>.json} (everything) and {@code plugin-latest.md} (targets, figures, machine). */
final class Report {
    static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Report() {
    }

    static Path writeJson(Path dir, Results r) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("started", r.started.toString());
        out.put("seconds", r.seconds);
        out.put("machine", r.machine);
        out.put("loadAverageBefore", r.loadBefore);
        out.put("loadAverageAfter", r.loadAfter);
        out.put("config", r.config);
        out.put("socketOperationsMs", r.socketOps);
        out.put("mountGrowth", r.mountGrowth());
        out.put("mountSeriesMs", r.mountSeries);
        out.put("socketCycles", r.cycles);
        out.put("dockerRunMs", r.dockerRun);
        out.put("dockerRunFreshVolumes", r.fresh);
        out.put("targets", r.targets());
        Path file = dir.resolve("plugin-" + STAMP.format(r.started) + ".json");
        Files.write(file, JSON.writeValueAsBytes(out));
        return file;
    }

    static Path writeMarkdown(Path dir, Results r, String jsonName) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# Plugin bench ").append(STAMP.format(r.started)).append("\n\n");
        md.append("Raw figures: `").append(jsonName).append("`; plot: `plugin-latest.png`.\n\n");
        md.append("| metric | target | measured | |\n|---|---|---|---|\n");
        for (Results.Target t : r.targets()) {
            md.append("| ").append(t.metric()).append(" | ").append(t.target()).append(" | ")
                    .append(Results.fmt(t.value())).append(' ').append(t.unit()).append(" | ")
                    .append(t.met() ? "met" : "**missed**").append(" |\n");
        }
        if (!r.socketOps.isEmpty()) {
            md.append("\n## Plugin socket, Docker-exact requests, one connection (ms)\n\n");
            md.append("After ").append(r.config.get("warmupVolumes"))
                    .append(" untimed volumes through the same steps (JIT warm-up).\n\n");
            md.append("| operation | n | p50 | p90 | p99 | max |\n|---|---|---|---|---|---|\n");
            r.socketOps.forEach((op, s) -> md.append("| ").append(op).append(" | ").append(s.count()).append(" | ")
                    .append(s.p50()).append(" | ").append(s.p90()).append(" | ").append(s.p99()).append(" | ")
                    .append(s.max()).append(" |\n"));
        }
        Results.MountGrowth growth = r.mountGrowth();
        if (growth != null) {
            md.append("\nMount p50 of the first tenth ").append(growth.firstTenthP50()).append(" ms, of the last tenth ")
                    .append(growth.lastTenthP50()).append(" ms (").append(growth.mountedAtEnd())
                    .append(" volumes mounted at once at the end).\n");
        }
        if (r.cycles != null) {
            md.append("\n## Fresh-volume cycles through the socket\n\n")
                    .append(r.cycles.count()).append(" cycles (Create, Mount, Unmount, Remove), ")
                    .append(r.cycles.parallel()).append(" in parallel, in ").append(r.cycles.seconds()).append(" s = **")
                    .append(r.cycles.perSecond()).append("/s**; cycle p50 ").append(r.cycles.cycleTime().p50())
                    .append(" ms, p99 ").append(r.cycles.cycleTime().p99()).append(" ms.\n");
        }
        if (r.dockerRun != null) {
            md.append("\n## `docker run --rm -v vol:/d lunpool/busybox:1 true`, interleaved (ms)\n\n")
                    .append("| driver | n | p50 | p90 | p99 | max |\n|---|---|---|---|---|---|\n");
            row(md, LocalPlugin.DRIVER, r.dockerRun.fc());
            row(md, "local", r.dockerRun.local());
            md.append("\nratio of medians: **").append(r.dockerRun.ratioOfMedians()).append("x**\n");
        }
        if (r.fresh != null) {
            md.append("\n## `docker run` with a fresh volume each, ").append(r.fresh.parallel())
                    .append(" in parallel\n\n| driver | runs | seconds | starts/s | run p50 ms | run p99 ms |\n")
                    .append("|---|---|---|---|---|---|\n");
            fresh(md, LocalPlugin.DRIVER, r.fresh.fc());
            fresh(md, "local", r.fresh.local());
            md.append("\nratio: **").append(r.fresh.ratio()).append("x**\n");
        }
        md.append("\n## Machine\n\n");
        r.machine.forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
        md.append("- load average before: ").append(r.loadBefore).append("\n- load average after: ")
                .append(r.loadAfter).append("\n- run took ").append(r.seconds).append(" s\n");
        md.append("\n## Settings\n\n");
        r.config.forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
        Path file = dir.resolve("plugin-latest.md");
        Files.writeString(file, md);
        return file;
    }

    private static void row(StringBuilder md, String driver, Samples.Summary s) {
        md.append("| ").append(driver).append(" | ").append(s.count()).append(" | ").append(s.p50()).append(" | ")
                .append(s.p90()).append(" | ").append(s.p99()).append(" | ").append(s.max()).append(" |\n");
    }

    private static void fresh(StringBuilder md, String driver, DockerPhases.Throughput t) {
        md.append("| ").append(driver).append(" | ").append(t.runs()).append(" | ").append(t.seconds()).append(" | ")
                .append(t.perSecond()).append(" | ").append(t.runTime().p50()).append(" | ")
                .append(t.runTime().p99()).append(" |\n");
    }
}
