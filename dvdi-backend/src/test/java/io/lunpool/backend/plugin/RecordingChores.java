package io.lunpool.backend.plugin;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.model.FsType;
import io.lunpool.core.model.LunTarget;
import io.lunpool.core.spi.LunChores;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Chores that only record what they were asked: each call is kept as a line ({@code prepare <wwn> <fsType>
 * <options>}, {@code wipe <wwn>}). {@link #hold} makes every chore wait until {@link #release}, so a test can see
 * what happens while one runs; {@link #failWith} makes them fail.
 */
public final class RecordingChores implements LunChores {
    private final List<String> calls = new ArrayList<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger mostAtOnce = new AtomicInteger();
    private volatile CountDownLatch gate;
    private volatile LunpoolException failure;

    @Override
    public void prepare(LunTarget lun, FsType fsType, List<String> mkfsOptions) {
        work("prepare " + lun.wwn() + " " + lun.backing() + " " + fsType.id() + " " + mkfsOptions);
    }

    @Override
    public void wipe(LunTarget lun) {
        work("wipe " + lun.wwn() + " " + lun.backing());
    }

    public synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    /** The most chores that ran at the same time. */
    public int mostAtOnce() {
        return mostAtOnce.get();
    }

    public void hold() {
        gate = new CountDownLatch(1);
    }

    public void release() {
        CountDownLatch g = gate;
        gate = null;
        if (g != null) {
            g.countDown();
        }
    }

    public void failWith(LunpoolException e) {
        failure = e;
    }

    private void work(String call) {
        synchronized (this) {
            calls.add(call);
        }
        mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
        try {
            CountDownLatch g = gate;
            if (g != null && !g.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the held chore was never released");
            }
            if (failure != null) {
                throw failure;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            running.decrementAndGet();
        }
    }
}
