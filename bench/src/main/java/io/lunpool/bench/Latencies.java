package io.lunpool.bench;

import java.util.Arrays;

/** Per-operation latencies of one round, in nanoseconds, written by index from any thread. */
final class Latencies {
    private final long[] nanos;

    Latencies(int size) {
        this.nanos = new long[size];
    }

    void record(int index, long nanos) {
        this.nanos[index] = nanos;
    }

    /** p50, p99 and max in milliseconds. */
    double[] percentilesMs() {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return new double[] {ms(at(sorted, 0.50)), ms(at(sorted, 0.99)), ms(sorted[sorted.length - 1])};
    }

    private static long at(long[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
