package io.lunpool.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Medians and min-max over the measured rounds (round 0 is a warm-up and left out), the batched/unbatched
 * ratio taken round by round (the two ran side by side), written as JSON and as a Markdown summary.
 */
final class BenchReport {
    /** Median and range of one figure over rounds. */
    record Spread(double median, double min, double max) {
        static Spread of(List<RoundResult> rounds, ToDoubleFunction<RoundResult> f) {
            return of(rounds.stream().mapToDouble(f).toArray());
        }

        static Spread of(double[] values) {
            double[] v = values.clone();
            Arrays.sort(v);
            if (v.length == 0) {
                return new Spread(Double.NaN, Double.NaN, Double.NaN);
            }
            double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
            return new Spread(median, v[0], v[v.length - 1]);
        }
    }

    record ModeSummary(String mode, int rounds, int opsPerRound, Spread opsPerSecond, Spread p50Ms, Spread p99Ms,
                       Spread maxMs, Spread transactionsPerRound, Spread opsPerTransaction, int failures) {
    }

    private final BenchOptions options;
    private final Map<String, Object> machine;
    private final Instant started = Instant.now();
    private final String loadBefore = Machine.loadAverage();
    private final List<RoundResult> results = new ArrayList<>();
    private final Map<String, Object> notes = new LinkedHashMap<>();

    BenchReport(BenchOptions options) {
        this.options = options;
        this.machine = Machine.facts();
    }

    void add(RoundResult r) {
        results.add(r);
        System.out.printf(Locale.ROOT, "round %d  %-40s %8.0f ops/s  p50 %7.2f ms  p99 %7.2f ms  %6d txns  "
                        + "%6.1f ops/txn  %d failed%n", r.round(), r.mode(), r.opsPerSecond(), r.p50Ms(), r.p99Ms(),
                r.transactions(), r.opsPerTransaction(), r.failures());
    }

    void note(String key, Object value) {
        notes.put(key, value);
    }

    List<ModeSummary> summaries() {
        Map<String, List<RoundResult>> byMode = new LinkedHashMap<>();
        for (RoundResult r : results) {
            if (r.round() > 0) {
                byMode.computeIfAbsent(r.mode(), m -> new ArrayList<>()).add(r);
            }
        }
        List<ModeSummary> out = new ArrayList<>();
        byMode.forEach((mode, rs) -> out.add(new ModeSummary(mode, rs.size(), rs.get(0).ops(),
                Spread.of(rs, RoundResult::opsPerSecond), Spread.of(rs, RoundResult::p50Ms),
                Spread.of(rs, RoundResult::p99Ms), Spread.of(rs, RoundResult::maxMs),
                Spread.of(rs, r -> r.transactions()), Spread.of(rs, RoundResult::opsPerTransaction),
                rs.stream().mapToInt(RoundResult::failures).sum())));
        return out;
    }

    /** ops/s of mode a over mode b, round by round. */
    Spread ratio(String a, String b) {
        List<Double> ratios = new ArrayList<>();
        for (RoundResult x : results) {
            if (x.round() > 0 && x.mode().equals(a)) {
                results.stream().filter(u -> u.round() == x.round() && u.mode().equals(b))
                        .findFirst().ifPresent(u -> ratios.add(x.opsPerSecond() / u.opsPerSecond()));
            }
        }
        return Spread.of(ratios.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Batched over unbatched, round by round. */
    Map<String, Spread> ratios() {
        Map<String, Spread> out = new LinkedHashMap<>();
        for (int b : options.batchSizes()) {
            out.put(InProcessMode.name(b) + " / " + InProcessMode.name(1), ratio(InProcessMode.name(b), InProcessMode.name(1)));
        }
        return out;
    }

    /** Writes control-plane-{UTC}.json and control-plane-latest.md; returns the JSON's path. */
    Path write() throws IOException {
        Instant finished = Instant.now();
        String loadAfter = Machine.loadAverage();
        Files.createDirectories(options.out());
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(started);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("bench", "control-plane");
        doc.put("started", started.toString());
        doc.put("finished", finished.toString());
        doc.put("machine", machine);
        doc.put("loadAverageBefore", loadBefore);
        doc.put("loadAverageAfter", loadAfter);
        doc.put("options", Map.of("rounds", options.rounds(), "ops", options.ops(), "unbatchedOps",
                options.unbatchedOps(), "restOps", options.restOps(), "batchSizes", options.batchSizes(),
                "inFlight", options.inFlight(), "restClients", options.restClients(), "rest", options.rest()));
        doc.put("notes", notes);
        doc.put("summary", summaries());
        doc.put("ratios", ratios());
        doc.put("rounds", results);
        Path json = options.out().resolve("control-plane-" + stamp + ".json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), doc);
        Files.writeString(options.out().resolve("control-plane-latest.md"),
                markdown(json.getFileName().toString(), finished, loadAfter));
        return json;
    }

    private String markdown(String jsonName, Instant finished, String loadAfter) {
        StringBuilder md = new StringBuilder();
        md.append("# Control-plane benchmark (bin/bench control-plane)\n\n");
        md.append("Run ").append(started).append(" to ").append(finished).append("; raw figures in `")
                .append(jsonName).append("`.\n\n");
        md.append("* Machine: ").append(machine.get("nproc")).append(" CPUs (").append(machine.get("cpu"))
                .append("), ").append(machine.get("memTotal")).append(" RAM; load average before ")
                .append(loadBefore).append(", after ").append(loadAfter).append(".\n");
        md.append("* Java: ").append(machine.get("java")).append(", bench JVM ").append(machine.get("benchHeap"))
                .append(", GC ").append(machine.get("gc")).append(".\n");
        md.append("* ZooKeeper: ").append(machine.get("zookeeper")).append(".\n");
        md.append("* Commit: ").append(machine.get("gitCommit")).append(".\n");
        notes.forEach((k, v) -> md.append("* ").append(k).append(": ").append(v).append(".\n"));
        md.append("\n").append(options.rounds()).append(" measured rounds after 1 warm-up round; in each round the ")
                .append("modes run one after another (interleaved), so every ratio compares neighbours. Figures are ")
                .append("medians over rounds with the min-max in brackets. One volume op = one create (claims a FREE ")
                .append("LUN: versioned setData of the LUN + create of the volume) or one delete (LUN -> WIPING + ")
                .append("delete of the volume); latency is per op, from submit (or request sent) to completion. ")
                .append("In-process, ").append(options.inFlight()).append(" callers keep a create or delete outstanding ")
                .append("at once, so latency there is mostly queueing (in flight / throughput); over REST ")
                .append(options.restClients()).append(" client threads each send one request at a time.\n\n");
        md.append("| mode | volume ops per round | ops/s | p50 ms | p99 ms | transactions per round | ops per transaction | failed |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        for (ModeSummary s : summaries()) {
            md.append("| ").append(s.mode()).append(" | ").append(s.opsPerRound()).append(" | **")
                    .append(num(s.opsPerSecond().median())).append("** (").append(num(s.opsPerSecond().min()))
                    .append("–").append(num(s.opsPerSecond().max())).append(") | ").append(ms(s.p50Ms()))
                    .append(" | ").append(ms(s.p99Ms())).append(" | ").append(num(s.transactionsPerRound().median()))
                    .append(" | ").append(String.format(Locale.ROOT, "%.1f", s.opsPerTransaction().median()))
                    .append(" | ").append(s.failures()).append(" |\n");
        }
        md.append("\n");
        ratios().forEach((what, r) -> md.append(String.format(Locale.ROOT, "* %s, round by round: **%.2fx** "
                + "(%.2f–%.2f).%n", what, r.median(), r.min(), r.max())));
        md.append("* Targets: batched in-process >= 50,000 ops/s (at least 10,000, goal 20,000) "
                + "and >= 10x unbatched; over REST >= 10,000 ops/s.\n");
        return md.toString();
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String ms(Spread s) {
        return String.format(Locale.ROOT, "%.2f (%.2f–%.2f)", s.median(), s.min(), s.max());
    }
}
