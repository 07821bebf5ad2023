package io.lunpool.backend.plugin;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where one plugin operation spent its time, step by step, logged at DEBUG on {@code io.lunpool.backend.plugin.StepTimes}
 * (e.g. "mount of volume v1: get 0.1 ms, attach 2.9 ms, ..."): turn that logger on to see it. Costs two
 * {@code nanoTime} calls per step when off.
 */
final class StepTimes {
    private static final Logger LOG = LoggerFactory.getLogger(StepTimes.class);
    private final StringBuilder steps;
    private final String operation;
    private long last = System.nanoTime();

    private StepTimes(String operation, boolean on) {
        this.operation = operation;
        this.steps = on ? new StringBuilder() : null;
    }

    static StepTimes start(String operation) {
        return new StepTimes(operation, LOG.isDebugEnabled());
    }

    /** Ends the step named {@code step}, started at the previous step's end. */
    void step(String step) {
        if (steps == null) {
            return;
        }
        long now = System.nanoTime();
        steps.append(steps.length() == 0 ? "" : ", ").append(step).append(' ')
                .append(String.format(java.util.Locale.ROOT, "%.2f", (now - last) / 1e6)).append(" ms");
        last = now;
    }

    void log() {
        if (steps != null) {
            LOG.debug("{}: {}", operation, steps);
        }
    }
}
