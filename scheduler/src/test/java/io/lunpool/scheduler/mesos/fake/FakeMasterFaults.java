package io.lunpool.scheduler.mesos.fake;

import java.time.Duration;

/**
 * The faults a test can switch on in the fake master: heartbeats stop while the socket stays open; records are
 * written in chunks of a given size (a record spans chunks) or several to one chunk; call answers are delayed;
 * the next event is cut in the middle and the connection dropped.
 */
public final class FakeMasterFaults {
    private volatile boolean dropHeartbeats;
    private volatile int chunkSize;
    private volatile boolean coalesce;
    private volatile Duration delayAnswers = Duration.ZERO;
    private volatile boolean cutNextEvent;

    public FakeMasterFaults dropHeartbeats(boolean on) {
        dropHeartbeats = on;
        return this;
    }

    /** Writes every record in chunks of {@code bytes} (0: one chunk per record). */
    public FakeMasterFaults chunkSize(int bytes) {
        chunkSize = bytes;
        return this;
    }

    /** Events sent together (an OFFERS with its HEARTBEAT, SUBSCRIBED with the first HEARTBEAT) share one chunk. */
    public FakeMasterFaults coalesce(boolean on) {
        coalesce = on;
        return this;
    }

    /** Answers to calls other than SUBSCRIBE go out after {@code d} (the call takes effect at once). */
    public FakeMasterFaults delayAnswers(Duration d) {
        delayAnswers = d;
        return this;
    }

    /** The next event on any stream is written halfway and the connection dropped. */
    public FakeMasterFaults cutNextEvent() {
        cutNextEvent = true;
        return this;
    }

    boolean dropHeartbeats() {
        return dropHeartbeats;
    }

    int chunkSize() {
        return chunkSize;
    }

    boolean coalesce() {
        return coalesce;
    }

    Duration delayAnswers() {
        return delayAnswers;
    }

    synchronized boolean takeCut() {
        boolean cut = cutNextEvent;
        cutNextEvent = false;
        return cut;
    }
}
