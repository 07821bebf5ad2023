package io.lunpool.scheduler.batch;

import java.time.Duration;

/**
 * How the batcher groups requests: up to {@code maxBatch} requests or {@code maxBytes} of estimated
 * payload per transaction (well under ZooKeeper's 1 MB jute.maxbuffer, past which the connection drops),
 * waiting at most {@code maxWait} for a batch to fill once a request is there. With {@code inFlight} 2 the
 * next batch of creates and deletes is planned and sent while the previous transaction is still in
 * flight, if it reads nothing that transaction writes (specs/zookeeper-limits.md: 2 in flight is worth
 * +30-100 %); 1 sends one transaction at a time.
 */
public record BatcherSettings(int maxBatch, Duration maxWait, int maxBytes, int inFlight) {
    public static final BatcherSettings DEFAULT = new BatcherSettings(200, Duration.ofMillis(1), 256 * 1024);

    public BatcherSettings {
        if (maxBatch < 1 || maxBytes < 4096 || maxWait.isNegative() || inFlight < 1 || inFlight > 2) {
            throw new IllegalArgumentException("maxBatch >= 1, maxBytes >= 4096, maxWait >= 0 and inFlight 1 or 2"
                    + " are required");
        }
    }

    /** Two transactions in flight. */
    public BatcherSettings(int maxBatch, Duration maxWait, int maxBytes) {
        this(maxBatch, maxWait, maxBytes, 2);
    }
}
