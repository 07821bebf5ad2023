package io.lunpool.scheduler.mesos.client;

import java.util.Optional;

/**
 * Where the framework id survives restarts. The client saves the id before the listener acts on the first
 * SUBSCRIBED, and clears it when the master says the framework has been removed (a new one must subscribe).
 */
public interface FrameworkIdStore {
    Optional<String> load();

    void save(String frameworkId);

    void clear();
}
