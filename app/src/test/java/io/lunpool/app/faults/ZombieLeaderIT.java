package io.lunpool.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.lunpool.app.docker.LocalProcess;
import io.lunpool.backend.plugin.Await;
import io.lunpool.core.model.LunState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A zombie leader: two control planes (the product jar's {@code scheduler} command, as child processes) on one
 * ZooKeeper and one loop array; the leader is stopped with SIGSTOP while it wipes LUNs (big sparse LUNs, whose
 * read-back takes seconds), stays stopped past its session timeout while the other leads and runs its own chores,
 * and is then let go with SIGCONT. The zombie records nothing in ZooKeeper after it was stopped, its chores stop, no
 * two chores (the two processes' start and end lines compared) ever work on one LUN at once, and the fault
 * counters are zero.
 */
class ZombieLeaderIT {
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final Pattern LOGGED_AT = Pattern.compile("^\\S+\\s+\\[(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3})\\]");
    private static final DateTimeFormatter LOGBACK = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");

    @Test
    void aLeaderStoppedPastItsSessionRecordsNothingAndItsChoresNeverOverlapTheNewLeaders() throws Exception {
        try (ChildControlPlanes cluster = new ChildControlPlanes()) {
            List<LocalProcess.Pool> pools = List.of(new LocalProcess.Pool("zb", "8G", 4, 8, 0));
            Map<String, String> settings = Map.of("controlPlane.pools.zb.fsType", "xfs",
                    "controlPlane.maintainerInterval", "1s", "controlPlane.parallelChores", "2");
            LocalProcess a = cluster.scheduler("a", pools, settings);
            a.start();
            Await.until("pool zb has 4 FREE LUNs", WAIT, () -> free(cluster) >= 4);
            LocalProcess b = cluster.scheduler("b", pools, settings);
            b.startServing();
            assertThat(b.client().leader().isLeader()).isFalse();

            FaultLedger ledger = cluster.ledger();
            for (int i = 0; i < 4; i++) {
                cluster.tenant(a, "t" + i, "zb");
            }
            for (int i = 0; i < 4; i++) {
                a.client().deleteVolume("t" + i);
                ledger.deleted("t" + i);
            }
            Await.until("a wipes a LUN", WAIT, () -> !running(a, "wipe").isEmpty());
            a.pause();
            Instant stoppedAt = Instant.now();
            List<ChoreRuns.Run> cut = running(a, "wipe");

            Await.until("b leads once a's session has expired", WAIT, () -> leads(b));
            Await.until("b skips a LUN whose claim the stopped leader holds, and runs chores of its own", WAIT,
                    () -> b.logText().contains("is claimed by another chore")
                            && ChoreRuns.read(b.log(), List.of()).stream().anyMatch(r -> "FREE".equals(r.outcome())));
            a.resume();
            Await.until("a steps down", WAIT, () -> a.logText().contains("steps down"));
            Await.until("a's cut chores end", WAIT, () -> cut.stream().allMatch(c -> ended(a, c)));
            cluster.awaitSettled(WAIT);
            Await.until("b refills pool z", WAIT, () -> free(cluster) >= 4);

            List<ChoreRuns.Run> zombie = ChoreRuns.read(a.log(), List.of()).stream()
                    .filter(r -> r.end().isAfter(stoppedAt)).toList();
            assertThat(zombie).as("a's chores running when it was stopped").isNotEmpty()
                    .allSatisfy(r -> assertThat(r.outcome()).as("%s", r)
                            .matches("cancelled|not recorded: .*|failed, not recorded: .*"));
            assertThat(loggedAfter(a.log(), stoppedAt, "adopted array LUN")).as("a adopted nothing as a zombie")
                    .isEmpty();
            assertThat(cluster.luns()).allSatisfy(l -> assertThat(l.state()).isIn(LunState.FREE, LunState.CLAIMED));
            ledger.choreLog(a.log(), List.of());
            ledger.choreLog(b.log(), List.of());
            ledger.count().assertAllZero("zombie leader (SIGSTOP past the session timeout, then SIGCONT)");
        }
    }

    private static long free(ChildControlPlanes cluster) {
        return cluster.luns().stream().filter(l -> l.state() == LunState.FREE).count();
    }

    private static boolean leads(LocalProcess p) {
        try {
            return p.client().leader().isLeader();
        } catch (RuntimeException notYet) {
            return false;
        }
    }

    /** The chores of {@code kind} the log shows started and not ended. */
    private static List<ChoreRuns.Run> running(LocalProcess p, String kind) {
        return ChoreRuns.read(p.log(), List.of()).stream()
                .filter(r -> r.kind().equals(kind) && r.end().equals(Instant.MAX)).toList();
    }

    private static boolean ended(LocalProcess p, ChoreRuns.Run run) {
        return ChoreRuns.read(p.log(), List.of()).stream().anyMatch(r -> r.lun().equals(run.lun())
                && r.start().equals(run.start()) && !r.end().equals(Instant.MAX));
    }

    /** Lines containing {@code text} logged (by the event's own time) at or after {@code since}. */
    private static List<String> loggedAfter(Path log, Instant since, String text) throws Exception {
        return Files.readAllLines(log).stream().filter(l -> l.contains(text)).filter(l -> {
            Matcher m = LOGGED_AT.matcher(l);
            return m.find() && !LocalDateTime.parse(m.group(1), LOGBACK).toInstant(ZoneOffset.UTC).isBefore(since);
        }).toList();
    }
}
