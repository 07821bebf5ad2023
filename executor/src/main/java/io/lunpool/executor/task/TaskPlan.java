package io.lunpool.executor.task;

import io.lunpool.core.api.ChoreRequest;
import io.lunpool.core.api.CommandRequest;
import java.util.List;

/** What a launched task is: a chore for the backend, a command with its volumes, or something that cannot run. */
sealed interface TaskPlan {
    record Chore(ChoreRequest chore) implements TaskPlan {
    }

    record Command(CommandRequest command, List<TaskVolume> volumes) implements TaskPlan {
        public Command {
            volumes = List.copyOf(volumes);
        }
    }

    /** The task as given cannot run (TASK_ERROR); {@code reason} says why. */
    record Invalid(String reason) implements TaskPlan {
    }
}
