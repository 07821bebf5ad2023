package io.lunpool.scheduler.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.codahale.metrics.MetricRegistry;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.model.Attachment;
import io.lunpool.core.model.FsType;
import io.lunpool.core.model.Lun;
import io.lunpool.core.model.LunState;
import io.lunpool.core.model.PoolPolicy;
import io.lunpool.core.spi.StorageArray;
import io.lunpool.scheduler.array.LoopArray;
import io.lunpool.scheduler.state.Inventory;
import io.lunpool.scheduler.store.InMemoryStateStore;
import io.lunpool.scheduler.store.Kind;
import io.lunpool.scheduler.store.StateStore;
import io.lunpool.scheduler.store.StoreOp;
import io.lunpool.scheduler.store.Versioned;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A preempt through the batcher on a loop array: when the new attachment commits, the old host's mapping is gone
 * already (the store looks at the array's mappings file at each commit); when that unmap fails, the attach fails
 * ARRAY_ERROR and commits nothing.
 */
class PreemptOnLoopArrayTest {
    @TempDir
    Path dir;
    private LoopArray array;
    private WatchingStore store;
    private Batcher batcher;
    private String wwn;

    /** A store that notes, at each commit that writes an attachment, the hosts the array maps the LUN to. */
    private final class WatchingStore implements StateStore {
        private final InMemoryStateStore inner = new InMemoryStateStore();
        private final List<List<String>> mappedAtAttachmentCommits = new ArrayList<>();

        @Override
        public <T> Optional<Versioned<T>> get(Kind<T> kind, String key) {
            return inner.get(kind, key);
        }

        @Override
        public List<String> keys(Kind<?> kind) {
            return inner.keys(kind);
        }

        @Override
        public <T> List<Versioned<T>> list(Kind<T> kind) {
            return inner.list(kind);
        }

        @Override
        public CompletableFuture<List<Integer>> commitAsync(List<StoreOp> ops) {
            boolean attachment = ops.stream().anyMatch(op -> op instanceof StoreOp.Set<?> s && s.kind() == Kind.ATTACHMENT
                    || op instanceof StoreOp.Create<?> c && c.kind() == Kind.ATTACHMENT);
            if (attachment) {
                mappedAtAttachmentCommits.add(array.hosts(wwn));
            }
            return inner.commitAsync(ops);
        }

        @Override
        public int openTerm(String fenceToken) {
            return inner.openTerm(fenceToken);
        }

        @Override
        public Optional<Versioned<String>> marker(String fenceToken) {
            return inner.marker(fenceToken);
        }

        @Override
        public Optional<String> frameworkId() {
            return inner.frameworkId();
        }

        @Override
        public void setFrameworkId(String id) {
            inner.setFrameworkId(id);
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    @BeforeEach
    void volumeOnTheLoopArray() {
        array = new LoopArray(dir);
        StorageArray.ArrayLun lun = array.provision("p-01", 16L << 20);
        wwn = lun.wwn();
        store = new WatchingStore();
        Inventory inventory = new Inventory();
        String token = store.inner.newFenceToken();
        batcher = new Batcher(store, array, new BatchPlanner(Clock.systemUTC()),
                new BatcherSettings(10, Duration.ZERO, 256 * 1024), inventory,
                new TermFence(token, store.openTerm(token), () -> { }), null, new MetricRegistry());
        submit(new Request.PutPool("p", new PoolPolicy(16L << 20, 0, 1, FsType.EXT4, List.of(), 0)));
        submit(new Request.AddLun(new Lun(wwn, "p", LunState.FREE, null, lun.backing(), lun.sizeBytes(), null)));
        submit(new Request.CreateVolume("v", "p", 0, Map.of(), null, null));
        submit(new Request.Attach("v", "host-a", List.of(), false));
        assertThat(array.hosts(wwn)).containsExactly("host-a");
    }

    @AfterEach
    void stop() {
        batcher.close();
    }

    private Outcome submit(Request request) {
        return batcher.submit(request).join();
    }

    @Test
    void theOldHostIsUnmappedBeforeTheNewAttachmentCommits() {
        store.mappedAtAttachmentCommits.clear();

        Outcome.AttachmentOutcome taken = (Outcome.AttachmentOutcome) submit(new Request.Attach("v", "host-b",
                List.of(), true));

        assertThat(taken.attachment().host()).isEqualTo("host-b");
        assertThat(store.mappedAtAttachmentCommits).as("mappings when the attachment committed")
                .containsExactly(List.of("host-b"));
        assertThat(array.hosts(wwn)).containsExactly("host-b");
    }

    @Test
    void anUnmapThatFailsFailsTheAttachWithArrayErrorAndCommitsNothing() throws Exception {
        store.mappedAtAttachmentCommits.clear();
        Path mappings = dir.resolve("p-01.hosts");
        Files.delete(mappings);
        Files.createDirectory(mappings); // the mappings file cannot be written any more

        Throwable refused = catchThrowable(() -> submit(new Request.Attach("v", "host-b", List.of(), true)));

        assertThat(refused).isInstanceOf(CompletionException.class);
        assertThat(refused.getCause()).isInstanceOfSatisfying(LunpoolException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.ARRAY_ERROR))
                .hasMessageContaining("unmapping LUN " + wwn + " from host host-a");
        assertThat(store.mappedAtAttachmentCommits).as("no attachment commit").isEmpty();
        assertThat(store.get(Kind.ATTACHMENT, "v")).get().extracting(a -> a.value().host()).isEqualTo("host-a");
    }
}
