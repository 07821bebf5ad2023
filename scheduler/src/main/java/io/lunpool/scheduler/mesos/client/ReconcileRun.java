package io.lunpool.scheduler.mesos.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One explicit reconciliation: the tasks still waiting for an answer and how many rounds were sent. Each round
 * asks for every unanswered task, in batches; a task is answered by any status update about it. The wait before
 * the next round doubles from {@code min} up to {@code max}, because the master does not answer for tasks on
 * agents that have not re-registered yet.
 */
final class ReconcileRun {
    private final Map<String, TaskRef> pending = new LinkedHashMap<>();
    private int rounds;

    ReconcileRun(List<TaskRef> tasks) {
        tasks.forEach(t -> pending.put(t.taskId(), t));
    }

    synchronized void answered(String taskId) {
        pending.remove(taskId);
    }

    synchronized boolean done() {
        return pending.isEmpty();
    }

    synchronized int pendingCount() {
        return pending.size();
    }

    synchronized int rounds() {
        return rounds;
    }

    /** The next round: every unanswered task, in batches of at most {@code batch}. */
    synchronized List<List<TaskRef>> nextRound(int batch) {
        rounds++;
        List<List<TaskRef>> batches = new ArrayList<>();
        List<TaskRef> current = new ArrayList<>();
        for (TaskRef t : pending.values()) {
            current.add(t);
            if (current.size() == batch) {
                batches.add(current);
                current = new ArrayList<>();
            }
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }

    /** How long to wait for answers after the latest round. */
    synchronized Duration waitAfterRound(Duration min, Duration max) {
        Duration d = min;
        for (int i = 1; i < rounds && d.compareTo(max) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(max) > 0 ? max : d;
    }
}
