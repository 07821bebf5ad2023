package io.lunpool.scheduler.mesos.client;

import java.net.URI;

/**
 * The configured master's URL, or the leader it redirected to last: later subscriptions go straight to that
 * leader, and back to the configured master when the leader cannot be reached.
 */
final class DirectMasterDetector implements MasterDetector {
    private final URI configured;
    private volatile URI current;

    DirectMasterDetector(URI configured) {
        this.configured = configured;
        this.current = configured;
    }

    @Override
    public URI master() {
        return current;
    }

    @Override
    public void unreachable(URI base) {
        if (base.equals(current)) {
            current = configured;
        }
    }

    @Override
    public void leaderSeen(URI base) {
        current = base;
    }
}
