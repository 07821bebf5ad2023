package io.lunpool.backend.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.api.AttachRequest;
import io.lunpool.core.api.AttachmentView;
import io.lunpool.core.api.CreateVolumeRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The plugin service on the in-memory control plane and fake host seams, without HTTP. */
@Timeout(30)
class VolumePluginServiceTest {
    @TempDir
    Path dir;
    private final InMemoryControlPlane controlPlane = new InMemoryControlPlane();
    private final FakeHostConnector connector = new FakeHostConnector();
    private final DirectoryFilesystem filesystem = new DirectoryFilesystem();
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private Path root;
    private MountTable table;
    private VolumePluginService mounts;

    @BeforeEach
    void setUp() {
        root = dir.resolve("mounts");
        table = MountTable.load(dir.resolve("state/mounts"));
        mounts = service(Duration.ofSeconds(20));
    }

    private VolumePluginService service(Duration limit) {
        PluginSettings settings = new PluginSettings("agent-1", List.of("iqn:agent-1"), root, "gold", limit, limit);
        return new VolumePluginService(settings, controlPlane, connector, filesystem, table, executor);
    }

    @AfterEach
    void tearDown() {
        filesystem.releaseHold();
        executor.shutdownNow();
    }

    @Test
    void getOfAKnownVolumeAnswersWithoutErrWhileTheControlPlaneIsDownAndSurvivesARestart() {
        mounts.create("seen", null);
        mounts.create("gone", null);
        mounts.get("gone");
        mounts.remove("gone");
        mounts.flush(); // as a stop does: the known-volumes file is written behind the calls
        controlPlane.down(true);
        VolumePluginService restarted = service(Duration.ofSeconds(20));
        PluginVolume seen = restarted.get("seen");
        assertThat(seen.name()).isEqualTo("seen");
        assertThat(seen.mountpoint()).isEmpty();
        assertThat(seen.createdAt()).isNotNull();
        assertThat(seen.status()).containsKey("controlPlane");
        LunpoolException unknown = catchThrowableOfType(LunpoolException.class, () -> restarted.get("gone"));
        assertThat(unknown.reason()).isEqualTo(Reason.TRANSIENT);
        controlPlane.down(false);
        LunpoolException removed = catchThrowableOfType(LunpoolException.class, () -> restarted.get("gone"));
        assertThat(removed.reason()).isEqualTo(Reason.NOT_FOUND);
    }

    @Test
    void mountCreatesAttachesConnectsMountsAndCounts() {
        Path mp = mounts.mount("v1", "A");
        assertThat(mp).isEqualTo(root.resolve("v1")).isDirectory();
        assertThat(controlPlane.get("v1")).get().satisfies(v -> {
            assertThat(v.pool()).isEqualTo("gold");
            assertThat(v.attachedTo()).isEqualTo("agent-1");
        });
        assertThat(connector.connected()).hasSize(1);
        assertThat(filesystem.isMounted(mp)).isTrue();
        assertThat(table.get("v1").orElseThrow().references()).isEqualTo(Map.of("A", 1));
        assertThat(MountTable.load(table.directory()).get("v1")).isPresent();
    }

    @Test
    void lastUnmountUnmountsDisconnectsAndDetaches() {
        Path mp = mounts.mount("v1", "A");
        mounts.mount("v1", "B");
        mounts.unmount("v1", "A");
        assertThat(filesystem.isMounted(mp)).isTrue();
        mounts.unmount("v1", "B");
        assertThat(filesystem.isMounted(mp)).isFalse();
        assertThat(connector.connected()).isEmpty();
        assertThat(controlPlane.attachedTo("v1")).isEmpty();
        assertThat(table.get("v1")).isEmpty();
        assertThat(mounts.lockCount()).isZero();
    }

    @Test
    void failedMountIsUndone() {
        filesystem.failMounts(true);
        assertThatThrownBy(() -> mounts.mount("v1", "A"))
                .isInstanceOfSatisfying(LunpoolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.HOST_ERROR))
                .hasMessageContaining("wrong fs type");
        assertThat(connector.connected()).isEmpty();
        assertThat(controlPlane.attachedTo("v1")).isEmpty();
        assertThat(table.get("v1")).isEmpty();
        filesystem.failMounts(false);
        assertThat(mounts.mount("v1", "A")).isDirectory();
    }

    @Test
    void secondHostIsRefusedWithTheHolderNamed() {
        controlPlane.create(new CreateVolumeRequest("v1", null, null, Map.of(), null));
        controlPlane.attachElsewhere("v1", "agent-3");
        assertThatThrownBy(() -> mounts.mount("v1", "A"))
                .isInstanceOfSatisfying(LunpoolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.IN_USE))
                .hasMessage("volume v1 is attached to host agent-3; unmount it there or pass preempt");
        assertThat(connector.connected()).isEmpty();
    }

    @Test
    void removeIsRefusedWhileMountedHereAndIdempotentAfterwards() {
        mounts.mount("v1", "A");
        assertThatThrownBy(() -> mounts.remove("v1"))
                .isInstanceOfSatisfying(LunpoolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.IN_USE))
                .hasMessageContaining("volume v1 is mounted on this host (agent-1) with 1 reference(s) [A]");
        mounts.unmount("v1", "A");
        mounts.remove("v1");
        assertThat(controlPlane.get("v1")).isEmpty();
        mounts.remove("v1");
    }

    @Test
    void mountSlowerThanItsDeadlineFailsTransientAndIsUndoneWhenItFinishes() throws InterruptedException {
        VolumePluginService impatient = service(Duration.ofMillis(200));
        filesystem.holdMounts("slow");
        assertThatThrownBy(() -> impatient.mount("slow", "A"))
                .isInstanceOfSatisfying(LunpoolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TRANSIENT))
                .hasMessageContaining("mount of volume slow did not finish within PT0.2S");
        assertThat(filesystem.awaitMountStarted(5)).isTrue();
        filesystem.releaseHold();
        Await.until("the late mount is undone", Duration.ofSeconds(10), () -> table.get("slow").isEmpty());
        assertThat(filesystem.isMounted(root.resolve("slow"))).isFalse();
        assertThat(controlPlane.attachedTo("slow")).isEmpty();
        assertThat(connector.connected()).isEmpty();
    }

    @Test
    void operationsOnOneVolumeWaitForEachOtherButNotForOtherVolumes() throws Exception {
        filesystem.holdMounts("slow");
        CompletableFuture<Path> slow = CompletableFuture.supplyAsync(() -> mounts.mount("slow", "A"), executor);
        assertThat(filesystem.awaitMountStarted(5)).isTrue();
        CompletableFuture<Void> unmount = CompletableFuture.runAsync(() -> mounts.unmount("slow", "A"), executor);
        assertThat(mounts.mount("fast", "B")).isDirectory();
        assertThat(slow).isNotDone();
        assertThat(unmount).isNotDone();
        filesystem.releaseHold();
        // the queued unmount may already have removed the directory when we look, so compare the path only
        assertThat(slow.get()).isEqualTo(root.resolve("slow"));
        unmount.get();
        assertThat(table.get("slow")).isEmpty();
        assertThat(table.get("fast").orElseThrow().references()).isEqualTo(Map.of("B", 1));
    }

    @Test
    void aHalfDoneEntryIsTornDownBeforeTheNextMount() {
        table.begin(new MountedVolume("v1", "stale-wwn", null, "ext4", root.resolve("v1"), Instant.EPOCH, Map.of()));
        connector.connect(table.get("v1").orElseThrow().target());
        Path mp = mounts.mount("v1", "A");
        assertThat(connector.connected()).doesNotContain("stale-wwn").hasSize(1);
        assertThat(table.get("v1").orElseThrow().references()).isEqualTo(Map.of("A", 1));
        assertThat(filesystem.isMounted(mp)).isTrue();
    }

    @Test
    void getAnswersFromTheTableWhenTheControlPlaneIsDown() {
        mounts.mount("v1", "A");
        controlPlane.down(true);
        PluginVolume v = mounts.get("v1");
        assertThat(v.mountpoint()).isEqualTo(root.resolve("v1").toString());
        assertThat(v.status()).containsKey("controlPlane");
        assertThatThrownBy(() -> mounts.get("other"))
                .isInstanceOfSatisfying(LunpoolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TRANSIENT));
    }

    @Test
    void reconcileKeepsLiveMountsAndCleansUpTheRest() {
        mounts.mount("live", "A");
        mounts.mount("gone", "B");
        mounts.mount("lost", "C");
        filesystem.umount(root.resolve("gone"));
        table.remove("lost");
        table.begin(new MountedVolume("half", "half-wwn", null, "ext4", root.resolve("half"), Instant.EPOCH, Map.of()));
        Path foreign = root.resolve("live/inner");
        filesystem.pretendMounted(foreign);

        Reconciler.Outcome outcome = new Reconciler(mounts, controlPlane, connector, filesystem).run();

        assertThat(outcome).isEqualTo(new Reconciler.Outcome(1, 2, 1, List.of()));
        assertThat(table.all()).extracting(MountedVolume::name).containsExactly("live");
        assertThat(filesystem.mountedUnder(root)).containsExactlyInAnyOrder(root.resolve("live"), foreign);
        assertThat(controlPlane.attachedTo("live")).contains("agent-1");
        assertThat(controlPlane.attachedTo("gone")).isEmpty();
        assertThat(controlPlane.attachedTo("lost")).isEmpty();
        assertThat(connector.connected()).containsExactly(controlPlane.get("live").orElseThrow().lun());
    }

    @Test
    void reconcileDetachesAVolumeAttachedHereThatTheTableDoesNotName() {
        // a machine crash after the control plane attached "cut" and before the mount's reference was forced to disk
        controlPlane.create(CreateOptions.toRequest("cut", null, "gold"));
        AttachmentView att = controlPlane.attach("cut", new AttachRequest("agent-1", List.of(), false));
        connector.connect(new io.lunpool.core.model.LunTarget(att.lun(), att.backing()));
        controlPlane.create(CreateOptions.toRequest("elsewhere", null, "gold"));
        controlPlane.attach("elsewhere", new AttachRequest("agent-2", List.of(), false));
        mounts.mount("live", "A");

        Reconciler.Outcome outcome = new Reconciler(mounts, controlPlane, connector, filesystem).run();

        assertThat(outcome).isEqualTo(new Reconciler.Outcome(1, 1, 0, List.of()));
        assertThat(controlPlane.attachedTo("cut")).isEmpty();
        assertThat(controlPlane.attachedTo("elsewhere")).contains("agent-2");
        assertThat(controlPlane.attachedTo("live")).contains("agent-1");
        assertThat(connector.connected()).containsExactly(controlPlane.get("live").orElseThrow().lun());
    }

    @Test
    void reconcileFailuresAreReportedAndTheRestStillRuns() {
        mounts.mount("gone", "B");
        filesystem.umount(root.resolve("gone"));
        controlPlane.down(true);
        Reconciler.Outcome outcome = new Reconciler(mounts, controlPlane, connector, filesystem).run();
        assertThat(outcome.failures()).hasSize(2)
                .anySatisfy(f -> assertThat(f).contains("listing the volumes attached to agent-1").contains("TRANSIENT"))
                .anySatisfy(f -> assertThat(f).contains("gone").contains("TRANSIENT"));
        assertThat(table.get("gone")).isPresent();
        controlPlane.down(false);
        assertThat(new Reconciler(mounts, controlPlane, connector, filesystem).run().failures()).isEmpty();
        assertThat(table.get("gone")).isEmpty();
    }

    @Test
    void theAttachRequestCarriesHostAndInitiatorsAndNeverPreempts() {
        mounts.mount("v1", "A");
        assertThat(controlPlane.lastAttach()).isEqualTo(new AttachRequest("agent-1", List.of("iqn:agent-1"), false));
    }

    @Test
    void afterAPluginRestartALiveMountIsStillReportedAndItsUnmountStillWorks() {
        Path mp = mounts.mount("v1", "A");
        MountTable reloaded = MountTable.load(table.directory());
        VolumePluginService restarted = new VolumePluginService(mounts.settings(), controlPlane, connector, filesystem,
                reloaded, executor);
        assertThat(new Reconciler(restarted, controlPlane, connector, filesystem).run().kept()).isEqualTo(1);
        assertThat(restarted.get("v1").mountpoint()).isEqualTo(mp.toString());
        restarted.unmount("v1", "A");
        assertThat(filesystem.isMounted(mp)).isFalse();
        assertThat(controlPlane.attachedTo("v1")).isEmpty();
    }

    @Test
    void aCorruptMountTableStopsTheBackendFromStarting() throws java.io.IOException {
        BackendConfiguration config = new BackendConfiguration();
        config.setStateDir(dir.resolve("broken"));
        config.setMountRoot(root);
        java.nio.file.Files.createDirectories(config.mountTableDir());
        java.nio.file.Files.writeString(config.mountTableDir().resolve("v1.json"), "not json");
        assertThatThrownBy(() -> new PluginWiring(config, controlPlane, connector, filesystem,
                new RecordingChores()))
                .isInstanceOfSatisfying(LunpoolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID))
                .hasMessageContaining(config.mountTableDir().resolve("v1.json") + " is corrupt");
    }
}
