package io.lunpool.bench;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One mode in one round: volume ops completed (creates + deletes), the time they took, their latencies. */
record RoundResult(String mode, int round, int ops, double seconds, double p50Ms, double p99Ms, double maxMs,
                   long transactions, int failures) {

    static RoundResult of(String mode, int round, int ops, long nanos, Latencies latencies, long transactions,
                          int failures) {
        double[] p = latencies.percentilesMs();
        return new RoundResult(mode, round, ops, nanos / 1e9, p[0], p[1], p[2], transactions, failures);
    }

    @JsonProperty
    double opsPerSecond() {
        return ops / seconds;
    }

    @JsonProperty
    double opsPerTransaction() {
        return transactions <= 0 ? Double.NaN : (double) ops / transactions;
    }
}
