package io.lunpool.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a fault cost, counted after recovery: each counter must be zero. {@code details} says, one line each, what
 * was counted, so a failing fault test names the volume, LUN, mount or file.
 */
public record FaultCounters(int acknowledgedLost, int lunsClaimedTwice, int lunRecordsInconsistent,
                            int doubleAttaches, int leakedMounts, int leakedLoopDevices, int leakedArrayFiles,
                            int stuckAttached, int stuckReferenced, int freeLunsWithTenantBytes, int choresOverlapping,
                            List<String> details) {
    public FaultCounters {
        details = List.copyOf(details);
    }

    public Map<String, Integer> asMap() {
        Map<String, Integer> out = new LinkedHashMap<>();
        out.put("acknowledged operations lost", acknowledgedLost);
        out.put("LUNs claimed twice", lunsClaimedTwice);
        out.put("LUN records inconsistent", lunRecordsInconsistent);
        out.put("double attaches", doubleAttaches);
        out.put("leaked mounts", leakedMounts);
        out.put("leaked loop devices", leakedLoopDevices);
        out.put("leaked array files", leakedArrayFiles);
        out.put("volumes stuck attached", stuckAttached);
        out.put("volumes stuck referenced", stuckReferenced);
        out.put("FREE LUNs holding a tenant's bytes", freeLunsWithTenantBytes);
        out.put("chores overlapping on a LUN", choresOverlapping);
        return out;
    }

    public int total() {
        return asMap().values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Prints the counters (and what was counted) under the fault's name. */
    public FaultCounters print(PrintStream out, String fault) {
        StringBuilder text = new StringBuilder("fault counters after '").append(fault).append("':");
        asMap().forEach((name, n) -> text.append("\n  ").append(name).append(": ").append(n));
        details.forEach(d -> text.append("\n    - ").append(d));
        out.println(text);
        return this;
    }

    /** Prints, then asserts every counter zero. */
    public void assertAllZero(String fault) {
        print(System.out, fault);
        assertThat(total()).as("fault counters after '%s' (details: %s)", fault, details).isZero();
    }
}
