package io.lunpool.scheduler.mesos.client;

import java.util.List;

/** The tasks the framework believes are not terminal; reconciled after every subscription. */
@FunctionalInterface
public interface KnownTasks {
    KnownTasks NONE = List::of;

    List<TaskRef> nonTerminal();
}
