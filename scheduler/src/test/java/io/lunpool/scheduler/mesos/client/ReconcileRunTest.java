package io.lunpool.scheduler.mesos.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ReconcileRunTest {
    private static TaskRef task(int i) {
        return new TaskRef("t" + i, Optional.of("agent"));
    }

    @Test
    void roundsAskForTheUnansweredInBatchesWithDoublingWaits() {
        ReconcileRun run = new ReconcileRun(IntStream.range(0, 5).mapToObj(ReconcileRunTest::task).toList());
        assertThat(run.nextRound(2)).extracting(List::size).containsExactly(2, 2, 1);
        assertThat(run.waitAfterRound(Duration.ofSeconds(10), Duration.ofSeconds(60))).isEqualTo(Duration.ofSeconds(10));
        run.answered("t0");
        run.answered("t3");
        run.answered("unknown");
        assertThat(run.nextRound(2)).containsExactly(List.of(task(1), task(2)), List.of(task(4)));
        assertThat(run.waitAfterRound(Duration.ofSeconds(10), Duration.ofSeconds(60))).isEqualTo(Duration.ofSeconds(20));
        run.nextRound(2);
        assertThat(run.waitAfterRound(Duration.ofSeconds(10), Duration.ofSeconds(60))).isEqualTo(Duration.ofSeconds(40));
        run.nextRound(2);
        assertThat(run.waitAfterRound(Duration.ofSeconds(10), Duration.ofSeconds(60))).isEqualTo(Duration.ofSeconds(60));
        run.nextRound(2);
        assertThat(run.waitAfterRound(Duration.ofSeconds(10), Duration.ofSeconds(60))).isEqualTo(Duration.ofSeconds(60));
        List.of("t1", "t2", "t4").forEach(run::answered);
        assertThat(run.done()).isTrue();
        assertThat(run.rounds()).isEqualTo(5);
    }

    @Test
    void aRunWithoutTasksIsDoneAtOnce() {
        assertThat(new ReconcileRun(List.of()).done()).isTrue();
    }
}
