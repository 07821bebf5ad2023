package io.lunpool.executor.task;

import java.util.Map;
import java.util.Optional;

/**
 * A lunpool volume a task's labels name: its index in the labels, its name, where the task sees it in its sandbox
 * (a relative path the executor makes a symbolic link to the mount point; empty for none) and the options it is
 * created with when it does not exist.
 */
record TaskVolume(int index, String name, Optional<String> containerPath, Map<String, String> options) {
    TaskVolume {
        options = Map.copyOf(options);
    }
}
