package io.lunpool.scheduler.batch;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.spi.StorageArray;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a plan's array calls on a small thread pool: those before its commit, which the batcher waits for
 * (a preempted host's unmaps first, then the maps), and the unmaps after it, which nobody waits for. Without an
 * array (null) every call is a no-op.
 */
final class ArrayEffects implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ArrayEffects.class);

    private final StorageArray array;
    private final ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "lunpool-array-effects");
        t.setDaemon(true);
        return t;
    });

    ArrayEffects(StorageArray array) {
        this.array = array;
    }

    /**
     * Runs the unmaps side by side and waits for all of them, then the maps of the requests whose unmaps all
     * worked. Returns the failures by the index of the request owning the call (the first failure of each), as
     * ARRAY_ERROR naming the LUN and the host: such a request must not commit.
     */
    Map<Integer, LunpoolException> beforeCommit(List<ArrayEffect> effects) {
        if (effects.isEmpty()) {
            return Map.of();
        }
        Map<Integer, LunpoolException> failed = new LinkedHashMap<>();
        runAll(effects.stream().filter(e -> e instanceof ArrayEffect.UnmapLun).toList(), failed);
        runAll(effects.stream().filter(e -> e instanceof ArrayEffect.MapLun && !failed.containsKey(e.owner()))
                .toList(), failed);
        return failed;
    }

    private void runAll(List<ArrayEffect> effects, Map<Integer, LunpoolException> failed) {
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (ArrayEffect effect : effects) {
            calls.add(CompletableFuture.runAsync(() -> run(effect), pool));
        }
        for (int i = 0; i < calls.size(); i++) {
            try {
                calls.get(i).join();
            } catch (CompletionException err) {
                ArrayEffect effect = effects.get(i);
                failed.putIfAbsent(effect.owner(), new LunpoolException(Reason.ARRAY_ERROR, describe(effect)
                        + " failed: " + err.getCause().getMessage(), err.getCause()));
            }
        }
    }

    private static String describe(ArrayEffect effect) {
        if (effect instanceof ArrayEffect.MapLun m) {
            return "mapping LUN " + m.wwn() + " to host " + m.host();
        }
        ArrayEffect.UnmapLun u = (ArrayEffect.UnmapLun) effect;
        return "unmapping LUN " + u.wwn() + " from host " + u.host() + ", which held it until this preempt,";
    }

    /** Starts the calls and returns; a failed one is logged and its mapping stays until the next reconcile. */
    void runLater(List<ArrayEffect> effects) {
        for (ArrayEffect effect : effects) {
            pool.execute(() -> {
                try {
                    run(effect);
                } catch (RuntimeException e) {
                    LOG.warn("array call {} failed; the mapping stays until the next reconcile", effect, e);
                }
            });
        }
    }

    private void run(ArrayEffect effect) {
        if (array == null) {
            return;
        }
        if (effect instanceof ArrayEffect.MapLun m) {
            array.map(m.wwn(), m.host(), m.initiators());
        } else if (effect instanceof ArrayEffect.UnmapLun u) {
            array.unmap(u.wwn(), u.host());
        }
    }

    @Override
    public void close() {
        pool.shutdown();
    }
}
