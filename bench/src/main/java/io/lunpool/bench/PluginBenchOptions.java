package io.lunpool.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Command-line settings of {@link PluginBench}; the defaults are the run the README reports. */
record PluginBenchOptions(Path jar, Path out, Path keepLog, int volumes, int warmup, int cycles, int parallel, int runs, int freshRounds,
                    int freshPerRound, Duration limit) {
    static final String USAGE = """
            usage: java -cp lunpool-bench-*-all.jar io.lunpool.bench.PluginBench --jar PATH [options]   (root, dockerd running)
              --jar PATH          application jar to run 'local' from (app/target/lunpool-app-*-all.jar)
              --out DIR           results directory (default bench/results)
              --volumes N         phase 1: volumes through the socket (default 300)
              --warmup N          phase 1: untimed volumes through the same steps first, so the plugin's JIT
                                  is warm as in a long-running plugin (default 400: after 100 the JIT still
                                  compiles hundreds of methods a second, measured with -XX:+LogCompilation)
              --cycles N          phase 2: fresh-volume cycles through the socket (default 400)
              --parallel N        phases 2 and 4: workers (default 8)
              --runs N            phase 3: interleaved docker runs per driver (default 30)
              --fresh-rounds N    phase 4: rounds per driver (default 2)
              --fresh N           phase 4: docker runs per round (default 32)
              --limit-minutes N   the whole run is stopped (and cleaned up) after this (default 30)
              --keep-log FILE     copy the child's log (lunpool local) there before the temp dir is deleted
            """;

    static PluginBenchOptions parse(String[] args) {
        Path jar = null;
        Path out = Path.of("bench/results");
        Path keepLog = null;
        int volumes = 300;
        int warmup = 400;
        int cycles = 400;
        int parallel = 8;
        int runs = 30;
        int rounds = 2;
        int fresh = 32;
        long minutes = 30;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                throw new IllegalArgumentException("");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--jar" -> jar = Path.of(v);
                case "--out" -> out = Path.of(v);
                case "--keep-log" -> keepLog = Path.of(v);
                case "--volumes" -> volumes = positive(a, v);
                case "--warmup" -> warmup = positive(a, v);
                case "--cycles" -> cycles = positive(a, v);
                case "--parallel" -> parallel = positive(a, v);
                case "--runs" -> runs = positive(a, v);
                case "--fresh-rounds" -> rounds = positive(a, v);
                case "--fresh" -> fresh = positive(a, v);
                case "--limit-minutes" -> minutes = positive(a, v);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (jar == null) {
            throw new IllegalArgumentException("--jar is required: the application jar to run 'local' from");
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("application jar " + jar + " does not exist; build it with"
                    + " mvn -B -ntp -o -DskipTests -pl app -am package");
        }
        return new PluginBenchOptions(jar, out, keepLog, volumes, warmup, cycles, parallel, runs, rounds, fresh,
                Duration.ofMinutes(minutes));
    }

    /** LUNs the pool keeps FREE: enough for the largest phase (each phase is seeded again before it starts). */
    int poolSize() {
        return Math.max(Math.max(volumes + warmup, cycles), freshRounds * freshPerRound) + 4;
    }

    private static int positive(String option, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " needs a positive whole number, not '" + value + "'");
    }
}
