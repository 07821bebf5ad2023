package io.lunpool.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.codahale.metrics.health.HealthCheck;
import io.lunpool.backend.host.CommandRunner;
import io.lunpool.backend.host.HostCleanup;
import io.lunpool.backend.host.HostLayer;
import io.lunpool.backend.host.RawScan;
import io.lunpool.backend.host.Wiper;
import io.lunpool.backend.plugin.Await;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.api.CreateVolumeRequest;
import io.lunpool.core.model.Lun;
import io.lunpool.core.model.LunState;
import io.lunpool.core.spi.LunChores;
import io.lunpool.core.spi.LunClaim;
import io.lunpool.core.spi.StorageArray;
import io.lunpool.scheduler.admin.PoolsHealthCheck;
import io.lunpool.scheduler.array.LoopArray;
import io.lunpool.scheduler.pool.MaintainerFailures;
import io.lunpool.scheduler.pool.PoolMaintainer;
import io.lunpool.scheduler.store.Kind;
import io.lunpool.scheduler.store.Versioned;
import io.lunpool.scheduler.store.ZkPaths;
import io.lunpool.scheduler.store.ZkStateStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The maintainer's chores fenced on real loop devices and a real ZooKeeper: claims at the array, cancellation at the
 * end of a term, the pause while the connection is suspended, the reconciliation of the array on every pass, and
 * what a full array does to provisioning and to the pools health check.
 */
class MaintainerFencingTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    @RegisterExtension
    final ZooKeeperExtension zk = ZooKeeperExtension.withLoopDevices();

    private Path arrayDir() {
        return zk.directory().resolve("array");
    }

    private ControlPlaneFixture leader(String root, StorageArray array, LunChores chores) throws Exception {
        ControlPlaneFixture cp = zk.controlPlane(new ZkPaths(root), "http://127.0.0.1:1", array, chores);
        cp.awaitLeader(WAIT);
        return cp;
    }

    private static void maintain(ControlPlaneFixture cp) throws Exception {
        cp.controlPlane.runMaintainer().get(5, TimeUnit.MINUTES);
    }

    private static Lun lun(ControlPlaneFixture cp, String wwn) {
        return cp.store.get(Kind.LUN, wwn).orElseThrow().value();
    }

    private static List<Lun> luns(ControlPlaneFixture cp, String pool) {
        return cp.store.list(Kind.LUN).stream().map(Versioned::value).filter(l -> l.pool().equals(pool)).toList();
    }

    private static long counter(ControlPlaneFixture cp, String name) {
        return cp.metrics.counter(name).getCount();
    }

    @Test
    void aLunClaimedElsewhereIsSkippedCountedAndDoneOnALaterPass() throws Exception {
        ControlPlaneFixture cp = zk.leaderOnLoopDevices("/skip");
        cp.pool("sk", "16M", 1, 1, "ext4", 1);
        maintain(cp);
        String wwn = luns(cp, "sk").get(0).wwn();
        cp.controlPlane.wipeLun(wwn);

        try (LunClaim elsewhere = new LoopArray(arrayDir()).tryClaim(wwn, "another term").orElseThrow()) {
            maintain(cp);
            maintain(cp);
            assertThat(lun(cp, wwn).state()).isEqualTo(LunState.WIPING);
            assertThat(counter(cp, "lunpool.pool.chores-skipped-claimed")).isEqualTo(2);
            assertThat(HostCleanup.loopDevicesBackedUnder(arrayDir())).as("nothing attached it").isEmpty();
        }

        maintain(cp);
        assertThat(lun(cp, wwn).state()).isEqualTo(LunState.FREE);
    }

    @Test
    void whenTheTermEndsItsChoresAreCancelledAndTheirLunsWaitForTheNextLeader() throws Exception {
        CountDownLatch discarding = new CountDownLatch(1);
        Wiper endless = new Wiper(new CommandRunner(), device -> {
            discarding.countDown();
            try {
                new CountDownLatch(1).await(); // a discard that lasts until the chore is cancelled
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return true;
        });
        LoopArray array = new LoopArray(arrayDir());
        ControlPlaneFixture first = leader("/cancel", array, HostLayer.local().localChores(endless));
        first.pool("cx", "16M", 1, 1, "ext4", 1);
        maintain(first);
        String wwn = luns(first, "cx").get(0).wwn();
        first.controlPlane.wipeLun(wwn);
        CompletableFuture<Void> pass = first.controlPlane.runMaintainer();
        assertThat(discarding.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(HostCleanup.loopDevicesBackedUnder(arrayDir())).as("the wipe has the LUN attached").hasSize(1);

        first.close(); // the term ends

        assertThat(pass).isDone();
        assertThat(HostCleanup.loopDevicesBackedUnder(arrayDir())).as("detached by the cancelled chore").isEmpty();
        ZkStateStore store = ZkStateStore.create(zk.curator(), new ZkPaths("/cancel"));
        assertThat(store.get(Kind.LUN, wwn).orElseThrow().value()).satisfies(l -> {
            assertThat(l.state()).as("not FAILED for a cancellation").isEqualTo(LunState.WIPING);
            assertThat(l.failure()).isNull();
        });
        assertThat(counter(first, "lunpool.pool.chores-cancelled")).isEqualTo(1);
        assertThat(counter(first, "lunpool.pool.chore-failures")).isZero();
        try (LunClaim free = array.tryClaim(wwn, "check").orElseThrow()) {
            assertThat(free.wwn()).as("the claim was given back").isEqualTo(wwn);
        }

        ControlPlaneFixture next = leader("/cancel", array, HostLayer.local().localChores());
        maintain(next);
        assertThat(lun(next, wwn).state()).isEqualTo(LunState.FREE);
    }

    @Test
    void lunsTheStateDoesNotKnowAreAdoptedAsWipingAndWipedBeforeTheyAreFree() throws Exception {
        ControlPlaneFixture cp = zk.leaderOnLoopDevices("/adopt");
        cp.pool("ad", "16M", 0, 4, "ext4", 0);
        maintain(cp);
        LoopArray array = new LoopArray(arrayDir());
        StorageArray.ArrayLun stranger = array.provision("ad-00000000aa", 16L << 20);
        writeMarkers(Path.of(stranger.backing()), 200);
        StorageArray.ArrayLun otherPool = array.provision("zz-00000000bb", 16L << 20);
        StorageArray.ArrayLun late = array.provision("late-00000000cc", 16L << 20);
        writeMarkers(Path.of(late.backing()), 3);

        maintain(cp);

        assertThat(lun(cp, stranger.wwn()).state()).isEqualTo(LunState.FREE);
        assertThat(RawScan.of(Path.of(stranger.backing())).markers()).as("the stranger was wiped").isZero();
        assertThat(cp.store.get(Kind.LUN, otherPool.wwn())).as("a LUN of no known pool is left alone").isEmpty();
        assertThat(array.list()).contains(otherPool);
        assertThat(counter(cp, "lunpool.pool.luns-adopted")).isEqualTo(1);

        cp.pool("late", "16M", 0, 2, "ext4", 0); // a pool made after the term started
        maintain(cp);

        assertThat(lun(cp, late.wwn()).state()).isEqualTo(LunState.FREE);
        assertThat(RawScan.of(Path.of(late.backing())).markers()).isZero();
    }

    @Test
    void leftoversOfCutShortProvisionsAreRemovedOnEveryPass() throws Exception {
        ControlPlaneFixture cp = zk.leaderOnLoopDevices("/leftovers");
        cp.pool("lo", "16M", 1, 1, "ext4", 0);
        maintain(cp);
        Files.write(arrayDir().resolve("lo-00000000dd.img"), new byte[4096]);
        Files.write(arrayDir().resolve("lo-00000000dd.hosts"), new byte[4096]);
        Files.writeString(arrayDir().resolve(".lo-00000000ee.json.tmp"), "{\"na");

        maintain(cp);

        assertThat(arrayDir().resolve("lo-00000000dd.img")).doesNotExist();
        assertThat(arrayDir().resolve("lo-00000000dd.hosts")).doesNotExist();
        assertThat(arrayDir().resolve(".lo-00000000ee.json.tmp")).doesNotExist();
        assertThat(counter(cp, "lunpool.pool.leftovers-removed")).isEqualTo(3);
        assertThat(luns(cp, "lo")).singleElement().extracting(Lun::state).isEqualTo(LunState.FREE);
    }

    @Test
    void aSuspendedConnectionPausesTheMaintainerUntilItIsBack() throws Exception {
        ControlPlaneFixture cp = zk.closeAtEnd(new ControlPlaneFixture(zk.connectString(), new ZkPaths("/pause"),
                "http://127.0.0.1:1", new LoopArray(arrayDir()), HostLayer.local().localChores(),
                ControlPlaneFixture.manualSettings(), Duration.ofSeconds(30))); // outlives the server's restart
        cp.awaitLeader(WAIT);
        cp.pool("pa", "16M", 1, 1, "ext4", 1);
        maintain(cp);
        String wwn = luns(cp, "pa").get(0).wwn();
        cp.controlPlane.wipeLun(wwn);
        PoolMaintainer maintainer = cp.controlPlane.leaderTerm().orElseThrow().maintainer();

        zk.stopServer();
        try {
            Await.until("the maintainer pauses", WAIT, maintainer::paused);
            cp.controlPlane.runMaintainer().get(1, TimeUnit.MINUTES);
            assertThat(HostCleanup.loopDevicesBackedUnder(arrayDir())).as("no chore started").isEmpty();
            assertThat(cp.controlPlane.leaderTerm().orElseThrow().inventory().lun(wwn).orElseThrow().value().state())
                    .isEqualTo(LunState.WIPING);
        } finally {
            zk.restartServer();
        }
        Await.until("the maintainer resumes", WAIT, () -> !maintainer.paused());

        maintain(cp);
        assertThat(lun(cp, wwn).state()).isEqualTo(LunState.FREE);
    }

    @Test
    void aFullArrayStopsProvisioningSaysWhyInTheHealthCheckAndProvisionsAgainOnceThereIsRoom() throws Exception {
        Files.createDirectories(arrayDir());
        new CommandRunner().runChecked(CommandRunner.QUICK, "mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs",
                arrayDir().toString());
        ControlPlaneFixture cp = leader("/full", new LoopArray(arrayDir()), HostLayer.local().localChores());
        cp.pool("fu", "16M", 2, 2, "ext4", 0);
        fill(arrayDir().resolve("filler"));

        maintain(cp);
        maintain(cp);

        assertThat(luns(cp, "fu")).isEmpty();
        assertThat(files(arrayDir())).as("nothing left of the failed carves").containsExactly(".lock", "filler");
        assertThat(counter(cp, "lunpool.pool.maintainer-failures.provision")).isGreaterThanOrEqualTo(2);
        List<MaintainerFailures.Failure> failing = cp.controlPlane.leaderTerm().orElseThrow().maintainer().failures()
                .standing();
        assertThat(failing).singleElement().satisfies(f -> {
            assertThat(f.pool()).isEqualTo("fu");
            assertThat(f.step()).isEqualTo(MaintainerFailures.Step.PROVISION);
            assertThat(f.message()).startsWith("EXHAUSTED: loop array").contains("is full");
        });
        HealthCheck.Result health = new PoolsHealthCheck(cp.controlPlane).execute();
        assertThat(health.isHealthy()).isFalse();
        assertThat(health.getMessage()).contains("pool fu: provision failing since").contains("is full");
        LunpoolException create = catchThrowableOfType(LunpoolException.class, () ->
                cp.controlPlane.createVolume(new CreateVolumeRequest("v1", "fu", null, null, null)));
        assertThat(create.reason()).isEqualTo(Reason.EXHAUSTED);
        assertThat(create.getMessage()).contains("is full");

        Files.delete(arrayDir().resolve("filler"));
        maintain(cp);

        assertThat(luns(cp, "fu")).hasSize(2).allSatisfy(l -> assertThat(l.state()).isEqualTo(LunState.FREE));
        assertThat(new PoolsHealthCheck(cp.controlPlane).execute().isHealthy()).isTrue();
        assertThat(cp.controlPlane.leaderTerm().orElseThrow().maintainer().failures().standing()).isEmpty();
    }

    private static void writeMarkers(Path image, int count) throws IOException {
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.WRITE)) {
            for (int i = 0; i < count; i++) {
                ch.write(ByteBuffer.wrap(RawScan.MARKER), 4096L * 7 * i + 100);
            }
            ch.force(true);
        }
    }

    private static void fill(Path file) throws IOException {
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left")) {
                throw full;
            }
        }
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
