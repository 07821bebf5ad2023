package io.lunpool.scheduler.batch;

import java.time.Duration;

/**
 * How the batcher groups requests: up to {@code maxBatch} requests or {@code maxBytes} of estimated
 * payload per transaction (well under ZooKeeper's 1 MB jute.maxbuffer, past which the connection drops),
 * waiting at most {@code maxWait} for a batch to fill once a request is there. The default waits not at all:
 * requests that arrive while a transaction commits form the next batch, so batches grow with the load and
 * a lone request is not delayed.
 */
public record BatcherSettings(int maxBatch, Duration maxWait, int maxBytes) {
    public static final BatcherSettings DEFAULT = new BatcherSettings(200, Duration.ZERO, 256 * 1024);

    public BatcherSettings {
        if (maxBatch < 1 || maxBytes < 4096 || maxWait.isNegative()) {
            throw new IllegalArgumentException("maxBatch >= 1, maxBytes >= 4096 and maxWait >= 0 are required");
        }
    }
}
