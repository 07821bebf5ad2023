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
 * Carries out a plan's array calls on a small thread pool: the maps before its commit, which the batcher
 * waits for, and the unmaps after it, which nobody waits for. Without an array (null) every call is a no-op.
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
     * Runs the maps side by side and waits for all of them. Returns the failures by the index of the
     * request owning the map (the first failure of each), as ARRAY_ERROR naming the LUN and the host.
     */
    Map<Integer, LunpoolException> mapAll(List<ArrayEffect> maps) {
        if (maps.isEmpty()) {
            return Map.of();
        }
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (ArrayEffect effect : maps) {
            calls.add(CompletableFuture.runAsync(() -> run(effect), pool));
        }
        Map<Integer, LunpoolException> failed = new LinkedHashMap<>();
        for (int i = 0; i < calls.size(); i++) {
            try {
                calls.get(i).join();
            } catch (CompletionException err) {
                ArrayEffect.MapLun map = (ArrayEffect.MapLun) maps.get(i);
                failed.putIfAbsent(map.owner(), new LunpoolException(Reason.ARRAY_ERROR, "mapping LUN "
                        + map.wwn() + " to host " + map.host() + " failed: " + err.getCause().getMessage(),
                        err.getCause()));
            }
        }
        return failed;
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
