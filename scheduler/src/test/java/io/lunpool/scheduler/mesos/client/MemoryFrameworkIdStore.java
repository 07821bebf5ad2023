package io.lunpool.scheduler.mesos.client;

import java.util.List;
import java.util.Optional;

/** A framework-id store in memory that writes what it does into a shared log. */
final class MemoryFrameworkIdStore implements FrameworkIdStore {
    private final List<String> log;
    private volatile String id;

    MemoryFrameworkIdStore(List<String> log) {
        this.log = log;
    }

    @Override
    public Optional<String> load() {
        return Optional.ofNullable(id);
    }

    @Override
    public void save(String frameworkId) {
        log.add("save " + frameworkId);
        id = frameworkId;
    }

    @Override
    public void clear() {
        log.add("clear");
        id = null;
    }
}
