package io.lunpool.executor.fake;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.mesos.v1.Protos.ExecutorInfo;

/**
 * An executor as the fake agent keeps it: its ExecutorInfo and child process, its current subscription stream,
 * whether it subscribed since the agent (re)started, and its tasks in launch order.
 */
final class FakeAgentExecutor {
    final ExecutorInfo info;
    final ExecutorChild child;
    final Map<String, FakeAgentTask> tasks = new LinkedHashMap<>();
    AgentEventStream stream;
    /** Subscribed at least once (else REGISTERING: only SUBSCRIBE is allowed). */
    boolean registered;
    /** Subscribed since the agent's last restart. */
    boolean subscribedSinceRestart;
    int subscriptions;
    boolean terminated;
    /** Forgotten by a restart without checkpointing: the agent cannot find it any more. */
    boolean forgotten;

    FakeAgentExecutor(ExecutorInfo info, ExecutorChild child) {
        this.info = info;
        this.child = child;
    }

    String id() {
        return info.getExecutorId().getValue();
    }
}
