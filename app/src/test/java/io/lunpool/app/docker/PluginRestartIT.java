package io.lunpool.app.docker;

import static io.lunpool.app.docker.LocalProcess.DRIVER;
import static org.assertj.core.api.Assertions.assertThat;

import io.lunpool.core.api.LunpoolClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The backend killed with SIGKILL while volumes are mounted, and started again on the same directories: Docker never
 * replays Mounts, so the persisted mount table, reconciled against /proc/self/mountinfo, is all that remembers the
 * running container's reference. Its later Unmount ({@code docker stop}) must still unmount and detach.
 */
class PluginRestartIT {
    private static final String RECONCILED = "reconcile done: 2 kept, 0 released, 0 orphan mounts removed, 0 failed";

    @RegisterExtension
    static final PluginFixture env = new PluginFixture("small", List.of(new LocalProcess.Pool("small", "64M", 2, 4, 0)));

    private final DockerCli docker = env.docker;

    @Test
    void mountsSurviveASigkillAndTheContainersUnmountAfterTheRestartDetaches() {
        LocalProcess local = env.local();
        LunpoolClient client = local.client();
        String held = env.volume("held");
        String bare = env.volume("bare");
        docker.ok("volume", "create", "-d", DRIVER, "--opt", "size=64M", held);
        String c = env.container("holder");
        docker.runIdle(c, List.of("-v", held + ":/data"));
        docker.exec(c, "echo before > /data/f");
        assertThat(PluginCalls.call("/VolumeDriver.Mount", "{\"Name\":\"" + bare + "\"}").err()).isEmpty();
        Map<String, Integer> references = PluginCalls.references(held);
        assertThat(references).hasSize(1);
        Path heldMount = local.mountRoot().resolve(held);
        Path bareMount = local.mountRoot().resolve(bare);
        Path heldLun = local.backingOf(client.volume(held).lun());
        Path bareLun = local.backingOf(client.volume(bare).lun());
        long oldPid = local.pid();

        local.kill();

        assertThat(ProcessHandle.of(oldPid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
        assertThat(HostState.isMounted(heldMount)).as("the kernel keeps the mount of a killed plugin").isTrue();
        assertThat(docker.exec(c, "echo during > /data/g && cat /data/f /data/g")).isEqualTo("before\nduring");

        local.start();

        assertThat(local.pid()).isNotEqualTo(oldPid);
        String log = local.logText();
        assertThat(log.substring(log.lastIndexOf("reconcile done"))).startsWith(RECONCILED);
        assertThat(HostState.isMounted(heldMount)).isTrue();
        assertThat(HostState.isMounted(bareMount)).isTrue();
        assertThat(PluginCalls.get(held).path("Mountpoint").asText()).isEqualTo(heldMount.toString());
        assertThat(PluginCalls.references(held)).isEqualTo(references);
        assertThat(docker.ok("volume", "inspect", "--format", "{{.Mountpoint}}", held)).isEqualTo(heldMount.toString());
        assertThat(client.volume(held).attachedTo()).isEqualTo(LocalProcess.HOST);

        docker.ok("stop", c);

        assertThat(HostState.isMounted(heldMount)).as("unmounted by the container's Unmount").isFalse();
        assertThat(HostState.isAttached(heldLun)).isFalse();
        assertThat(client.volume(held).attachedTo()).isNull();
        assertThat(PluginCalls.references(held)).isEmpty();

        assertThat(PluginCalls.call("/VolumeDriver.Unmount", "{\"Name\":\"" + bare + "\"}").err()).isEmpty();

        assertThat(HostState.isMounted(bareMount)).isFalse();
        assertThat(HostState.isAttached(bareLun)).isFalse();
        assertThat(client.volume(bare).attachedTo()).isNull();
        HostState.assertNothingUnder(local.root());
        assertThat(docker.runOnce(List.of("-v", held + ":/data"), "cat /data/f /data/g")).isEqualTo("before\nduring");
        HostState.assertNothingUnder(local.root());
    }
}
