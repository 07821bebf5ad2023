package io.lunpool.scheduler.mesos.client;

import java.net.URI;

/** Finds the master a subscription starts at: the leader where it is known, else any master, which redirects. */
interface MasterDetector extends AutoCloseable {
    /** The base URL ({@code scheme://host:port}) to subscribe at; fails with {@link NoLeaderException} when none is known. */
    URI master() throws NoLeaderException, InterruptedException;

    /** The subscription at {@code base} failed to connect; the next {@link #master()} may pick another. */
    default void unreachable(URI base) {
    }

    /** A master named {@code base} as the leader (a 307); later subscriptions start there. */
    default void leaderSeen(URI base) {
    }

    @Override
    default void close() {
    }

    /** No leading master is known right now; the subscription retries with backoff. */
    final class NoLeaderException extends Exception {
        private static final long serialVersionUID = 1L;

        NoLeaderException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
