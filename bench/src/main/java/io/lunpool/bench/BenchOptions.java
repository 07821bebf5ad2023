package io.lunpool.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What one run of {@link ControlPlaneBench} measures. {@code ops} is the number of volumes per round and
 * mode: each is created and deleted, so a round makes 2 x ops volume ops.
 */
record BenchOptions(int rounds, int ops, int unbatchedOps, int restOps, List<Integer> batchSizes,
                    int inFlight,
                    int restClients, boolean rest, Path jar, Path out) {

    static final String USAGE = """
            usage: ControlPlaneBench [--rounds R] [--ops N] [--unbatched-ops N] [--rest-ops N]
                                     [--batch-sizes 200[,100,500]] [--in-flight 2000]
                                     [--rest-clients 64]
                                     [--no-rest] --jar lunpool-app-...-all.jar [--out bench/results]
              Each round runs every mode once, interleaved; round 0 is a warm-up and is not reported.
              A mode's round creates N volumes (each claims a FREE LUN) and deletes them again (LUN -> WIPING).
              --in-flight: callers' requests outstanding at once.""";

    static BenchOptions parse(String[] args) {
        int rounds = 5;
        int ops = 10_000;
        int unbatchedOps = 2_000;
        int restOps = 4_000;
        List<Integer> batchSizes = List.of(200);
        int inFlight = 2_000;
        int restClients = 64;
        boolean rest = true;
        Path jar = null;
        Path out = Path.of("bench", "results");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--rounds" -> rounds = positive(a, args, ++i);
                case "--ops" -> ops = positive(a, args, ++i);
                case "--unbatched-ops" -> unbatchedOps = positive(a, args, ++i);
                case "--rest-ops" -> restOps = positive(a, args, ++i);
                case "--batch-sizes" -> batchSizes = sizes(value(a, args, ++i), 2);
                case "--in-flight" -> inFlight = positive(a, args, ++i);
                case "--rest-clients" -> restClients = positive(a, args, ++i);
                case "--no-rest" -> rest = false;
                case "--jar" -> jar = Path.of(value(a, args, ++i));
                case "--out" -> out = Path.of(value(a, args, ++i));
                default -> throw new IllegalArgumentException("unknown argument '" + a + "'\n" + USAGE);
            }
        }
        if (rest && jar == null) {
            throw new IllegalArgumentException("the REST mode runs the application jar: pass --jar"
                    + " app/target/lunpool-app-...-all.jar, or --no-rest\n" + USAGE);
        }
        return new BenchOptions(rounds, ops, unbatchedOps, restOps, batchSizes, inFlight, restClients, rest,
                jar, out);
    }

    private static String value(String flag, String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value\n" + USAGE);
        }
        return args[i];
    }

    private static int positive(String flag, String[] args, int i) {
        String v = value(flag, args, i);
        try {
            int n = Integer.parseInt(v.replace("_", ""));
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(flag + " needs a positive integer, not '" + v + "'");
    }

    private static List<Integer> sizes(String v, int min) {
        List<Integer> out = new ArrayList<>();
        for (String s : v.split(",")) {
            int n = Integer.parseInt(s.trim());
            if (n < min) {
                throw new IllegalArgumentException("'" + v + "': values must be >= " + min
                        + " (max batch 1 always runs as the unbatched mode)");
            }
            out.add(n);
        }
        return List.copyOf(out);
    }
}
