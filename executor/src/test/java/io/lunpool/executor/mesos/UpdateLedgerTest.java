package io.lunpool.executor.mesos;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.util.HashSet;
import java.util.Set;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.executor.Protos.Call;
import org.junit.jupiter.api.Test;

/** EX-03 and EX-07 without I/O: what the executor keeps until the agent acknowledges it, and when it is done. */
class UpdateLedgerTest {
    private final ExecutorCalls calls = new ExecutorCalls("f-0000", "lunpool-e1");
    private final UpdateLedger ledger = new UpdateLedger();

    private static TaskInfo task(String id) {
        return TaskInfo.newBuilder().setName(id).setTaskId(TaskID.newBuilder().setValue(id))
                .setAgentId(org.apache.mesos.v1.Protos.AgentID.newBuilder().setValue("S1")).build();
    }

    private Call.Update report(String id, TaskPhase phase) {
        Call.Update u = calls.status(id, phase, "m", 1.0);
        ledger.add(phase, u);
        return u;
    }

    @Test
    void ex03_everyStatusHasAFreshSixteenByteUuidFromTheExecutorAndNeverStaging() {
        Set<ByteString> uuids = new HashSet<>();
        for (TaskPhase phase : TaskPhase.values()) {
            TaskStatus s = calls.status("t1", phase, "m", 1.0).getStatus();
            assertThat(s.getUuid().size()).isEqualTo(16);
            assertThat(uuids.add(s.getUuid())).as("a fresh uuid for %s", phase).isTrue();
            assertThat(s.getSource()).isEqualTo(TaskStatus.Source.SOURCE_EXECUTOR);
            assertThat(s.getExecutorId().getValue()).isEqualTo("lunpool-e1");
            assertThat(s.getState()).isNotEqualTo(TaskState.TASK_STAGING);
        }
        Call update = calls.update(calls.status("t1", TaskPhase.RUNNING, "", 1.0));
        assertThat(update.getExecutorId().getValue()).isEqualTo("lunpool-e1");
        assertThat(update.getFrameworkId().getValue()).isEqualTo("f-0000");
        assertThat(update.getUpdate().getStatus().hasMessage()).as("no empty message").isFalse();
    }

    @Test
    void ex03_updatesStayUntilTheirOwnUuidIsAcknowledged() {
        ledger.launched(task("t1"));
        Call.Update starting = report("t1", TaskPhase.STARTING);
        Call.Update running = report("t1", TaskPhase.RUNNING);

        assertThat(ledger.unacknowledgedUpdates()).containsExactly(starting, running);
        assertThat(ledger.acknowledge("t1", ExecutorCalls.freshUuid())).as("an unknown uuid").isFalse();
        assertThat(ledger.acknowledge("t2", starting.getStatus().getUuid())).as("another task's").isFalse();
        assertThat(ledger.unacknowledgedTasks()).extracting(t -> t.getTaskId().getValue()).containsExactly("t1");

        assertThat(ledger.acknowledge("t1", starting.getStatus().getUuid())).isTrue();
        assertThat(ledger.acknowledge("t1", starting.getStatus().getUuid())).as("twice").isFalse();
        assertThat(ledger.unacknowledgedUpdates()).containsExactly(running);
        assertThat(ledger.unacknowledgedTasks()).as("a task leaves with its first acknowledged update").isEmpty();
    }

    @Test
    void ex05_whatWentOutOnAnotherConnectionIsSentAgainAfterSubscribing() {
        ledger.launched(task("t1"));
        Call.Update starting = report("t1", TaskPhase.STARTING);
        ledger.allSent(1);
        Call.Update running = report("t1", TaskPhase.RUNNING);
        ledger.sent(running.getStatus().getUuid(), 1);
        Call.Update finished = report("t1", TaskPhase.FINISHED);

        assertThat(ledger.notSentOn(1)).extracting(UpdateLedger.Pending::update).containsExactly(finished);
        ledger.allSent(2);
        assertThat(ledger.notSentOn(2)).isEmpty();
        assertThat(ledger.notSentOn(3)).extracting(UpdateLedger.Pending::update)
                .containsExactly(starting, running, finished);
    }

    @Test
    void ex07_theWorkIsDoneWhenEveryTaskEndedAndEveryUpdateIsAcknowledged() {
        assertThat(ledger.settled()).as("nothing launched yet").isFalse();
        ledger.launched(task("t1"));
        ledger.launched(task("t2"));
        assertThat(ledger.launched(task("t2"))).as("a repeated launch").isFalse();
        Call.Update done1 = report("t1", TaskPhase.FINISHED);
        assertThat(ledger.allEnded()).isFalse();
        Call.Update err2 = report("t2", TaskPhase.ERROR);

        assertThat(ledger.allEnded()).isTrue();
        assertThat(ledger.settled()).isFalse();
        ledger.acknowledge("t1", done1.getStatus().getUuid());
        ledger.acknowledge("t2", err2.getStatus().getUuid());
        assertThat(ledger.settled()).isTrue();
        assertThat(ledger.terminal("t1")).isTrue();
        assertThat(ledger.live()).isEmpty();
    }

    @Test
    void ex02_subscribeListsTheUnacknowledgedTasksAndUpdatesWithBothIds() {
        ledger.launched(task("t1"));
        Call.Update starting = report("t1", TaskPhase.STARTING);
        Call subscribe = calls.subscribe(ledger.unacknowledgedTasks(), ledger.unacknowledgedUpdates());

        assertThat(subscribe.getType()).isEqualTo(Call.Type.SUBSCRIBE);
        assertThat(subscribe.getExecutorId().getValue()).isEqualTo("lunpool-e1");
        assertThat(subscribe.getFrameworkId().getValue()).isEqualTo("f-0000");
        assertThat(subscribe.getSubscribe().getUnacknowledgedTasksList()).containsExactly(task("t1"));
        assertThat(subscribe.getSubscribe().getUnacknowledgedUpdatesList()).containsExactly(starting);
    }
}
