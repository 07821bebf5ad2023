package io.lunpool.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.api.CreateVolumeRequest;
import io.lunpool.core.model.Lun;
import io.lunpool.core.model.LunState;
import io.lunpool.scheduler.batch.Request;
import io.lunpool.scheduler.leader.LeaderTerm;
import io.lunpool.scheduler.store.Kind;
import io.lunpool.scheduler.store.ZkPaths;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The control plane's front on a real ZooKeeper, without an array: the async writes and the sync ones on top. */
class ControlPlaneTest {
    private static final ZkPaths PATHS = new ZkPaths("/front");
    @RegisterExtension
    final ZooKeeperExtension zk = new ZooKeeperExtension();
    private ControlPlaneFixture cp;
    private LeaderTerm term;

    @BeforeEach
    void start() throws Exception {
        cp = zk.controlPlane(PATHS, "http://a.test:7480", null, null);
        term = cp.awaitLeader(Duration.ofSeconds(10));
        cp.pool("gold", "16M", 0, 4, "ext4", 0);
        for (int i = 0; i < 3; i++) {
            term.batcher().submit(new Request.AddLun(new Lun(String.format("naa.6%031d", i), "gold", LunState.FREE,
                    null, "/nonexistent/" + i, 16L << 20, null))).join();
        }
    }

    private static CreateVolumeRequest create(String name, String pool) {
        return new CreateVolumeRequest(name, pool, null, null, null);
    }

    private static Reason reasonOf(CompletableFuture<?> future) {
        Throwable t = catchThrowable(future::join);
        assertThat(t).isInstanceOf(CompletionException.class).hasCauseInstanceOf(LunpoolException.class);
        return ((LunpoolException) t.getCause()).reason();
    }

    @Test
    void createVolumeAsyncReturnsBeforeTheCommitAndAnswersAfterIt() throws Exception {
        term.batcher().pause();
        CompletableFuture<ControlPlane.Created> future = cp.controlPlane.createVolumeAsync(create("a1", "gold"));
        assertThat(future).isNotDone();
        term.batcher().resume();
        ControlPlane.Created created = future.get(30, TimeUnit.SECONDS);
        assertThat(created.created()).isTrue();
        assertThat(created.volume().pool()).isEqualTo("gold");
        assertThat(cp.controlPlane.volume("a1").lun()).isEqualTo(created.volume().lun());
        assertThat(cp.controlPlane.createVolumeAsync(create("a1", "gold")).get(30, TimeUnit.SECONDS).created())
                .as("the same create again finds the volume").isFalse();
    }

    @Test
    void deleteVolumeAsyncRemovesTheVolumeAndSendsItsLunToWiping() throws Exception {
        String lun = cp.controlPlane.createVolume(create("d1", "gold")).volume().lun();
        assertThat(cp.controlPlane.deleteVolumeAsync("d1").get(30, TimeUnit.SECONDS)).isNull();
        assertThat(cp.store.get(Kind.VOLUME, "d1")).isEmpty();
        assertThat(cp.store.get(Kind.LUN, lun).orElseThrow().value().state()).isEqualTo(LunState.WIPING);
    }

    @Test
    void badInputThrowsAtOnceAndWhatTheStateDecidesFailsTheFuture() {
        LunpoolException badName = catchThrowableOfType(LunpoolException.class,
                () -> cp.controlPlane.createVolumeAsync(create("a/b", "gold")));
        assertThat(badName.reason()).isEqualTo(Reason.INVALID);
        LunpoolException badDelete = catchThrowableOfType(LunpoolException.class,
                () -> cp.controlPlane.deleteVolumeAsync("a..b"));
        assertThat(badDelete.reason()).isEqualTo(Reason.INVALID);

        assertThat(reasonOf(cp.controlPlane.createVolumeAsync(create("x1", "nosuch")))).isEqualTo(Reason.NOT_FOUND);
        assertThat(reasonOf(cp.controlPlane.deleteVolumeAsync("never-created"))).isEqualTo(Reason.NOT_FOUND);
        LunpoolException sync = catchThrowableOfType(LunpoolException.class,
                () -> cp.controlPlane.createVolume(create("x1", "nosuch")));
        assertThat(sync.reason()).as("the sync create throws the future's cause").isEqualTo(Reason.NOT_FOUND);
    }

    @Test
    void aFollowerRefusesAsyncWritesAtOnceNamingTheLeader() throws Exception {
        ControlPlaneFixture follower = zk.controlPlane(PATHS, "http://b.test:7480", null, null);
        NotLeaderException create = catchThrowableOfType(NotLeaderException.class,
                () -> follower.controlPlane.createVolumeAsync(create("f1", "gold")));
        assertThat(create.leaderUrl()).contains("http://a.test:7480");
        assertThat(catchThrowable(() -> follower.controlPlane.deleteVolumeAsync("f1")))
                .isInstanceOf(NotLeaderException.class);
    }

    @Test
    void syncAndAsyncWritesAreTimedOnTheSameTimers() {
        cp.controlPlane.createVolume(create("t1", "gold"));
        cp.controlPlane.createVolumeAsync(create("t2", "gold")).join();
        cp.controlPlane.deleteVolume("t1");
        cp.controlPlane.deleteVolumeAsync("t2").join();
        assertThat(cp.metrics.timer("lunpool.volumes.create").getCount()).isEqualTo(2);
        assertThat(cp.metrics.timer("lunpool.volumes.delete").getCount()).isEqualTo(2);
    }
}
