package io.lunpool.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Durations of one operation, recorded in nanoseconds from any thread; summarised in milliseconds. */
final class Samples {
    private final List<Long> nanos = new ArrayList<>();

    synchronized void add(long durationNanos) {
        nanos.add(durationNanos);
    }

    synchronized List<Double> millis() {
        return nanos.stream().map(n -> n / 1e6).toList();
    }

    synchronized Summary summary() {
        return Summary.of(nanos.stream().mapToLong(Long::longValue).toArray());
    }

    /** Count, mean and nearest-rank percentiles in milliseconds. */
    record Summary(int count, double mean, double min, double p50, double p90, double p99, double max) {
        static Summary of(long[] nanos) {
            if (nanos.length == 0) {
                return new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            }
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            double mean = Arrays.stream(sorted).average().orElse(0) / 1e6;
            return new Summary(sorted.length, round(mean), ms(sorted[0]), ms(rank(sorted, 50)), ms(rank(sorted, 90)),
                    ms(rank(sorted, 99)), ms(sorted[sorted.length - 1]));
        }

        private static long rank(long[] sorted, double percentile) {
            int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
        }

        private static double ms(long nanos) {
            return round(nanos / 1e6);
        }

        private static double round(double ms) {
            return Math.round(ms * 100) / 100.0;
        }
    }
}
