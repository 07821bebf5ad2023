package io.lunpool.app.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The chores control planes ran, read from their logs' start and end lines ({@code chore wipe of LUN naa.… in pool
 * p starts at <instant> (term …)}, {@code … ends at <instant>: FREE (term …)}), and the pairs of them that worked
 * on one LUN at overlapping times.
 */
public final class ChoreRuns {
    private static final Pattern LINE = Pattern.compile(
            "chore (\\S+) of LUN (\\S+) in pool \\S+ (starts|ends) at (\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z)(?:: (.*?))? \\(term (.*)\\)$");

    /** One chore's time on a LUN; {@code end} is {@link Instant#MAX} while it has none. */
    public record Run(Path log, String kind, String lun, String term, Instant start, Instant end, String outcome) {
        boolean overlaps(Run other) {
            return start.isBefore(other.end) && other.start.isBefore(end);
        }
    }

    private ChoreRuns() {
    }

    /** The runs in one log; a run with no end line ends at the first kill after its start, if there is one. */
    public static List<Run> read(Path log, List<Instant> killedAt) {
        List<String> lines;
        try {
            lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + log, e);
        }
        List<Run> runs = new ArrayList<>();
        Map<String, Run> open = new HashMap<>();
        for (String line : lines) {
            Matcher m = LINE.matcher(line);
            if (!m.find()) {
                continue;
            }
            String lun = m.group(2);
            Instant at = Instant.parse(m.group(4));
            if (m.group(3).equals("starts")) {
                Run cut = open.remove(lun);
                if (cut != null) {
                    runs.add(endedByKill(cut, killedAt));
                }
                open.put(lun, new Run(log, m.group(1), lun, m.group(6), at, Instant.MAX, null));
            } else {
                Run started = open.remove(lun);
                Instant start = started == null ? Instant.MIN : started.start();
                runs.add(new Run(log, m.group(1), lun, m.group(6), start, at, m.group(5)));
            }
        }
        open.values().forEach(r -> runs.add(endedByKill(r, killedAt)));
        return runs;
    }

    private static Run endedByKill(Run run, List<Instant> killedAt) {
        Instant end = killedAt.stream().filter(k -> k.isAfter(run.start())).min(Instant::compareTo)
                .orElse(Instant.MAX);
        return new Run(run.log(), run.kind(), run.lun(), run.term(), run.start(), end, "killed");
    }

    /** Counts the pairs of runs on one LUN that overlap, and says which. */
    static int overlaps(Map<Path, List<Instant>> logs, List<String> details) {
        Map<String, List<Run>> byLun = new HashMap<>();
        logs.forEach((log, kills) -> read(log, kills).forEach(r -> byLun.computeIfAbsent(r.lun(),
                k -> new ArrayList<>()).add(r)));
        int overlapping = 0;
        for (List<Run> runs : byLun.values()) {
            for (int i = 0; i < runs.size(); i++) {
                for (int j = i + 1; j < runs.size(); j++) {
                    if (runs.get(i).overlaps(runs.get(j))) {
                        overlapping++;
                        details.add("chores overlap on LUN " + runs.get(i).lun() + ": " + describe(runs.get(i))
                                + " and " + describe(runs.get(j)));
                    }
                }
            }
        }
        return overlapping;
    }

    private static String describe(Run run) {
        return run.kind() + " by term " + run.term() + " (" + run.log().getFileName() + ") from " + run.start()
                + " to " + (run.end().equals(Instant.MAX) ? "no end" : run.end());
    }
}
