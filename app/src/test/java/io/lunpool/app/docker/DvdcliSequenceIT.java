package io.lunpool.app.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.lunpool.backend.plugin.PluginSocketClient.Reply;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.api.LunpoolClient;
import io.lunpool.core.api.VolumeView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * dvdcli's calls, byte for byte as its Docker-1.11 client sends them: a new connection and an Activate per
 * invocation (Get, Create when missing, Mount), Mount and Unmount without an ID. The Mesos isolators that call
 * dvdcli do their own last-user accounting, so every ID-less Mount counts and one ID-less Unmount releases them all.
 */
class DvdcliSequenceIT {
    @RegisterExtension
    static final PluginFixture env = new PluginFixture("small", List.of(new LocalProcess.Pool("small", "64M", 2, 4, 0)));

    private final LunpoolClient client = env.local().client();

    @Test
    void mountWithoutIdTwiceThenOneUnmountWithoutIdReleasesTheVolume() throws IOException {
        String v = env.volume("dvd");
        String name = "{\"Name\":\"" + v + "\"}";

        // dvdcli mount --volumedriver=lunpooltest --volumename=v --volumeopts=size=64M
        Reply missing = PluginCalls.call("/VolumeDriver.Get", name);
        assertThat(missing.status()).isEqualTo(200);
        assertThat(missing.err()).startsWith("NOT_FOUND");
        Reply create = PluginCalls.call("/VolumeDriver.Create", "{\"Name\":\"" + v + "\",\"Opts\":{\"size\":\"64M\"}}");
        assertThat(create.err()).isEmpty();
        Reply mount = PluginCalls.call("/VolumeDriver.Mount", name);
        assertThat(mount.err()).isEmpty();
        String path = mount.json().path("Mountpoint").asText();
        assertThat(path).isNotEmpty().isEqualTo(env.local().mountRoot().resolve(v).toString());
        Path mountpoint = Path.of(path);
        assertThat(mountpoint).isAbsolute().isDirectory();
        assertThat(HostState.isMounted(mountpoint)).isTrue();
        VolumeView view = client.volume(v);
        assertThat(view.attachedTo()).isEqualTo(LocalProcess.HOST);
        Path backing = env.local().backingOf(view.lun());
        assertThat(HostState.isAttached(backing)).isTrue();
        Files.writeString(mountpoint.resolve("task-output"), "written by a Mesos task\n");

        // the same again for a second container (the isolator mounts once per container)
        assertThat(PluginCalls.get(v).path("Mountpoint").asText()).isEqualTo(path);
        Reply again = PluginCalls.call("/VolumeDriver.Mount", name);
        assertThat(again.err()).isEmpty();
        assertThat(again.json().path("Mountpoint").asText()).isEqualTo(path);
        assertThat(PluginCalls.references(v)).isEqualTo(Map.of("", 2));

        // dvdcli remove while mounted is refused and changes nothing
        assertThat(PluginCalls.call("/VolumeDriver.Remove", name).err()).startsWith("IN_USE");
        assertThat(client.volume(v).lun()).isEqualTo(view.lun());
        assertThat(HostState.isMounted(mountpoint)).isTrue();

        // dvdcli path: Get already names the mount point, so no Path call; Path agrees
        assertThat(PluginCalls.call("/VolumeDriver.Path", name).json().path("Mountpoint").asText()).isEqualTo(path);

        // dvdcli unmount, once, for the last user
        Reply unmount = PluginCalls.call("/VolumeDriver.Unmount", name);

        assertThat(unmount.err()).isEmpty();
        assertThat(HostState.isMounted(mountpoint)).isFalse();
        assertThat(HostState.isAttached(backing)).isFalse();
        assertThat(client.volume(v).attachedTo()).isNull();
        assertThat(PluginCalls.references(v)).isEmpty();
        assertThat(PluginCalls.get(v).path("Mountpoint").asText()).isEmpty();
        assertThat(PluginCalls.call("/VolumeDriver.Path", name).json().path("Mountpoint").asText()).isEmpty();
        assertThat(PluginCalls.call("/VolumeDriver.Unmount", name).err()).as("a second unmount").isEmpty();

        // the data stayed on the LUN: mount once more, read, unmount, then dvdcli remove
        Reply remount = PluginCalls.call("/VolumeDriver.Mount", name);
        assertThat(Files.readString(Path.of(remount.json().path("Mountpoint").asText(), "task-output")))
                .isEqualTo("written by a Mesos task\n");
        assertThat(PluginCalls.call("/VolumeDriver.Unmount", name).err()).isEmpty();
        assertThat(PluginCalls.call("/VolumeDriver.Remove", name).err()).isEmpty();
        Assertions.assertThatThrownBy(() -> client.volume(v)).isInstanceOf(LunpoolException.class)
                .hasMessageContaining(v);
        assertThat(PluginCalls.call("/VolumeDriver.Get", name).err()).startsWith("NOT_FOUND");
        HostState.assertNothingUnder(env.local().root());
    }
}
