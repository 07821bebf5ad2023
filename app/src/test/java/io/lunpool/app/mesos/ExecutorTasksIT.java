package io.lunpool.app.mesos;

import static org.apache.mesos.v1.Protos.TaskState.TASK_ERROR;
import static org.apache.mesos.v1.Protos.TaskState.TASK_FAILED;
import static org.apache.mesos.v1.Protos.TaskState.TASK_FINISHED;
import static org.apache.mesos.v1.Protos.TaskState.TASK_KILLED;
import static org.apache.mesos.v1.Protos.TaskState.TASK_RUNNING;
import static org.apache.mesos.v1.Protos.TaskState.TASK_STARTING;
import static org.assertj.core.api.Assertions.assertThat;

import io.lunpool.app.docker.HostState;
import io.lunpool.app.docker.LocalProcess;
import io.lunpool.app.docker.LunScan;
import io.lunpool.app.docker.PluginCalls;
import io.lunpool.app.faults.FaultLedger;
import io.lunpool.backend.host.HostCleanup;
import io.lunpool.backend.host.HostLayer;
import io.lunpool.core.api.ChoreRequest;
import io.lunpool.core.model.FsType;
import io.lunpool.core.model.LunTarget;
import io.lunpool.executor.fake.FakeMesosAgent;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Chores and volume tasks for real: the product jar's {@code executor} as a child of the fake agent, against the
 * product jar's {@code local} command as the backend (its plugin socket, its loop array and mounts), on loop
 * devices, mkfs and mount. Everything lives under one temp root; the kernel must show nothing of it afterwards.
 */
@Timeout(900)
class ExecutorTasksIT {
    private static final long MIB = 1L << 20;
    private static final String POOL = "small";
    private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    private static final HostLayer HOST = HostLayer.local();
    private static Path root;
    private static LocalProcess local;

    @BeforeAll
    static void startTheBackend() throws IOException {
        HostCleanup.requireRoot();
        Files.createDirectories(LocalProcess.SOCKET.getParent());
        root = Files.createTempDirectory("lunpool-executor-tasks-").toRealPath();
        local = new LocalProcess(root, POOL, List.of(new LocalProcess.Pool(POOL, "64M", 2, 4, 0)));
        local.start();
        local.runMaintainer();
    }

    @AfterAll
    static void stopAndClean() throws IOException {
        try {
            if (local != null) {
                local.close();
            }
        } finally {
            if (root != null) {
                HostCleanup.releaseUnder(root);
                HostState.assertNothingUnder(root);
                try (Stream<Path> files = Files.walk(root)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }

    private static ExecutorFixture agent(java.util.function.UnaryOperator<FakeMesosAgent.Settings> settings) {
        return new ExecutorFixture(settings).env("LUNPOOL_BACKEND_SOCKET", LocalProcess.SOCKET.toString());
    }

    /** A sparse LUN image of its own under the root, with a wwn of its own. */
    private static LunTarget lun(String name, long bytes) throws IOException {
        Path dir = Files.createDirectories(root.resolve("luns"));
        Path image = dir.resolve(name + ".img");
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(bytes);
        }
        return new LunTarget("naa.6" + UUID.randomUUID().toString().replace("-", "").substring(0, 24), image.toString());
    }

    private static String json(ChoreRequest chore) {
        return new String(chore.toJson(), StandardCharsets.UTF_8);
    }

    @Test
    void aPrepareChoreLeavesAMountableFilesystemOfThePoolsType() throws IOException {
        LunTarget ext4 = lun("prepare-ext4", 64 * MIB);
        LunTarget xfs = lun("prepare-xfs", 300 * MIB);
        try (ExecutorFixture f = agent(s -> s)) {
            f.launch("prepare-ext4", "e1", json(ChoreRequest.prepare(ext4, FsType.EXT4, List.of())), Map.of());
            f.launch("prepare-xfs", "e1", json(ChoreRequest.prepare(xfs, FsType.XFS, List.of())), Map.of());
            f.awaitState("prepare-ext4", "e1", TASK_FINISHED);
            f.awaitState("prepare-xfs", "e1", TASK_FINISHED);

            assertThat(f.agent.states("prepare-ext4")).containsExactly(TASK_STARTING, TASK_RUNNING, TASK_FINISHED);
            assertThat(f.messages("prepare-xfs")).last().asString().contains("an xfs filesystem is made");
            assertThat(f.awaitExit("e1")).isZero();
        }
        for (LunTarget lun : List.of(ext4, xfs)) {
            assertThat(HostState.isAttached(Path.of(lun.backing()))).as("the chore detached it").isFalse();
            FsType type = lun == ext4 ? FsType.EXT4 : FsType.XFS;
            assertThat(HOST.filesystems().detect(Path.of(lun.backing()))).contains(type);
            Path dir = root.resolve("check-" + type.id());
            Path device = HOST.loopConnector().connect(lun);
            try {
                HOST.mounter().mount(device, dir, type);
                Files.writeString(dir.resolve("f"), "written on " + type.id());
                assertThat(Files.readString(dir.resolve("f"))).isEqualTo("written on " + type.id());
            } finally {
                HOST.mounter().umount(dir);
                HOST.loopConnector().disconnect(lun);
            }
        }
    }

    @Test
    void aWipeChoreLeavesNoByteOfATenantsMarkerAndAWipeLaunchedAgainOnlyVerifies() throws IOException {
        LunTarget lun = lun("wipe", 64 * MIB);
        Path image = Path.of(lun.backing());
        Path dir = root.resolve("tenant");
        Path device = HOST.loopConnector().connect(lun);
        try {
            HOST.filesystems().mkfs(device, FsType.EXT4, List.of());
            HOST.mounter().mount(device, dir, FsType.EXT4);
            byte[] block = FaultLedger.TENANT_MARKER.repeat(1 + 65536 / FaultLedger.TENANT_MARKER.length())
                    .getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 8; i++) {
                Files.write(dir.resolve("data-" + i), block);
            }
        } finally {
            HOST.mounter().umount(dir);
            HOST.loopConnector().disconnect(lun);
        }
        assertThat(LunScan.occurrences(image, FaultLedger.marker())).as("the tenant's bytes before").isPositive();

        try (ExecutorFixture f = agent(s -> s)) {
            f.launch("wipe-1", "e1", json(ChoreRequest.wipe(lun)), Map.of());
            f.awaitState("wipe-1", "e1", TASK_FINISHED);
            assertThat(f.messages("wipe-1")).last().asString().contains("the LUN reads back as zeros");
            assertThat(LunScan.occurrences(image, FaultLedger.marker())).as("raw read of the whole LUN").isZero();
            assertThat(HOST.filesystems().detect(image)).isEmpty();
            assertThat(local.logText()).doesNotContain("LUN " + lun.wwn() + " reads as zeros already");

            f.launch("wipe-2", "e2", json(ChoreRequest.wipe(lun)), Map.of());
            f.awaitState("wipe-2", "e2", TASK_FINISHED);

            f.await("the backend logs the verify-only wipe", () -> local.logText().contains("LUN " + lun.wwn()
                    + " reads as zeros already: verified, nothing to wipe"), "e2");
            assertThat(LunScan.occurrences(image, FaultLedger.marker())).isZero();
        }
        assertThat(HostState.isAttached(image)).isFalse();
    }

    @Test
    void aChoreThatCannotRunFailsWithAMessageAPersonCanActOn() throws IOException {
        LunTarget lun = lun("unreachable", 64 * MIB);
        try (ExecutorFixture f = new ExecutorFixture(s -> s)
                .env("LUNPOOL_BACKEND_SOCKET", root.resolve("no-backend.sock").toString())) {
            f.launch("no-backend", "e1", json(ChoreRequest.wipe(lun)), Map.of());
            f.launch("bad-data", "e1", "{\"kind\":\"wipe\",\"wwn\":\"" + lun.wwn() + "\",\"size\":\"1G\"}", Map.of());
            f.awaitState("no-backend", "e1", TASK_FAILED);
            f.awaitState("bad-data", "e1", TASK_ERROR);

            assertThat(f.messages("no-backend")).last().asString().contains("wipe of LUN " + lun.wwn() + " failed")
                    .contains(root.resolve("no-backend.sock").toString())
                    .contains("is lunpool backend running on this host?");
            assertThat(f.messages("bad-data")).singleElement().asString().contains("chore field 'size' is unknown");
        }
    }

    @Test
    void aVolumeTaskWritesIsKilledAndLaunchedAgainSeesTheSameData() {
        String volume = "vt-" + RUN;
        String marker = "written-by-the-first-task-" + RUN;
        Map<String, String> labels = Map.of("lunpool.volume.0.name", volume, "lunpool.volume.0.containerPath",
                "data", "lunpool.volume.0.option.pool", POOL, "lunpool.volume.0.option.size", "64M");
        Path mountpoint = local.mountRoot().resolve(volume);
        try (ExecutorFixture f = agent(s -> s)) {
            f.launch("writer", "e1", ExecutorFixture.command("echo " + marker + " > data/f && sync"
                    + " && test \"$LUNPOOL_VOLUME_0\" = " + mountpoint + " && exec sleep 300"), labels);
            f.awaitState("writer", "e1", TASK_RUNNING);
            f.await("the task wrote through its link", () -> Files.exists(mountpoint.resolve("f")), "e1");
            assertThat(PluginCalls.references(volume)).containsExactly(Map.entry("writer", 1));
            assertThat(f.agent.executor("e1").sandbox().resolve("data")).isSymbolicLink();

            f.agent.kill("writer", Optional.of(Duration.ofSeconds(3)));
            f.awaitState("writer", "e1", TASK_KILLED);

            assertThat(PluginCalls.references(volume)).isEmpty();
            assertThat(HostState.isMounted(mountpoint)).isFalse();
            assertThat(f.agent.executor("e1").sandbox().resolve("data")).doesNotExist();

            f.launch("reader", "e2", ExecutorFixture.command("test \"$(cat data/f)\" = " + marker), labels);
            f.awaitState("reader", "e2", TASK_FINISHED);
            assertThat(PluginCalls.references(volume)).isEmpty();
            assertThat(HostState.isMounted(mountpoint)).isFalse();
        } finally {
            assertThat(PluginCalls.call("/VolumeDriver.Remove", "{\"Name\":\"" + volume + "\"}").err()).isEmpty();
        }
    }

    @Test
    void aCommandThatCrashesStillHasItsVolumeUnmounted() {
        String volume = "vc-" + RUN;
        Map<String, String> labels = Map.of("lunpool.volume.3.name", volume, "lunpool.volume.3.option.pool", POOL);
        try (ExecutorFixture f = agent(s -> s)) {
            f.launch("crash", "e1", ExecutorFixture.command("test -d \"$LUNPOOL_VOLUME_3\" && kill -SEGV $$"), labels);
            f.awaitState("crash", "e1", TASK_FAILED);

            assertThat(f.messages("crash")).last().asString().contains("the command ended with signal 11");
            assertThat(PluginCalls.references(volume)).isEmpty();
            assertThat(HostState.isMounted(local.mountRoot().resolve(volume))).isFalse();
        } finally {
            assertThat(PluginCalls.call("/VolumeDriver.Remove", "{\"Name\":\"" + volume + "\"}").err()).isEmpty();
        }
    }

    @Test
    void anAgentRestartMidTaskReconnectsWithNothingMountedTwiceOrLeaked() {
        String volume = "vr-" + RUN;
        Path mountpoint = local.mountRoot().resolve(volume);
        Map<String, String> labels = Map.of("lunpool.volume.0.name", volume, "lunpool.volume.0.option.pool", POOL);
        try (ExecutorFixture f = agent(s -> s.recovery(Duration.ofMinutes(5), Duration.ofMillis(700),
                Duration.ofSeconds(10)))) {
            f.launch("long", "e1", ExecutorFixture.command("exec sleep 300"), labels);
            f.awaitState("long", "e1", TASK_RUNNING);
            assertThat(HostState.mountsUnder(local.mountRoot())).filteredOn(l -> l.contains(" " + mountpoint + " "))
                    .hasSize(1);

            f.agent.restart(Duration.ofSeconds(2), Duration.ofSeconds(2));
            f.await("the executor subscribes again", () -> f.agent.subscriptions("e1") == 2, "e1");
            f.await("the agent has recovered", () -> f.agent.phase() == FakeMesosAgent.Phase.RUNNING, "e1");

            assertThat(f.agent.state("long")).contains(TASK_RUNNING);
            assertThat(f.agent.executor("e1").killedByAgent()).isFalse();
            assertThat(PluginCalls.references(volume)).as("mounted once, for the one task")
                    .containsExactly(Map.entry("long", 1));
            assertThat(HostState.mountsUnder(local.mountRoot())).filteredOn(l -> l.contains(" " + mountpoint + " "))
                    .hasSize(1);

            f.agent.kill("long", Optional.empty());
            f.awaitState("long", "e1", TASK_KILLED);
            assertThat(f.awaitExit("e1")).isZero();

            assertThat(PluginCalls.references(volume)).isEmpty();
            assertThat(HostState.isMounted(mountpoint)).isFalse();
            assertThat(HostState.mountsUnder(local.mountRoot())).as("no leaked mount").isEmpty();
            assertThat(HostState.loopDevicesUnder(local.arrayDir())).as("no leaked loop device").isEmpty();
        } finally {
            assertThat(PluginCalls.call("/VolumeDriver.Remove", "{\"Name\":\"" + volume + "\"}").err()).isEmpty();
        }
    }
}
