package io.lunpool.scheduler.batch;

import java.util.Objects;

/**
 * What fences a term's transactions: {@code token}, the path of the leader's election node (a transaction
 * applies only while it exists); {@code markerVersion}, the version of the term's marker when the term
 * opened (each transaction moves it on by one); and {@code deposed}, what to run once ZooKeeper says the
 * token no longer holds, so the instance gives the term up and rejoins the election.
 */
public record TermFence(String token, int markerVersion, Runnable deposed) {
    public TermFence {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(deposed, "deposed");
        if (markerVersion < 0) {
            throw new IllegalArgumentException("a marker version is never negative: " + markerVersion);
        }
    }
}
