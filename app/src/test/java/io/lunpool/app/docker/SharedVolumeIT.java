package io.lunpool.app.docker;

import static io.lunpool.app.docker.LocalProcess.DRIVER;
import static org.assertj.core.api.Assertions.assertThat;

import io.lunpool.core.api.LunpoolClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two containers on one volume on one host: each holds its own reference (Docker sends a different ID per
 * container), so stopping one leaves the other's mount alone; {@code docker cp} re-uses a running container's ID
 * (Mount X, Unmount X while X still runs) and must not unmount it.
 */
class SharedVolumeIT {
    @RegisterExtension
    static final PluginFixture env = new PluginFixture("small", List.of(new LocalProcess.Pool("small", "64M", 2, 4, 0)));

    private final DockerCli docker = env.docker;
    private final LunpoolClient client = env.local().client();

    @Test
    void stoppingOneContainerKeepsTheOthersMountAndDockerCpDoesNotUnmountIt() throws IOException {
        String v = env.volume("shared");
        docker.ok("volume", "create", "-d", DRIVER, "--opt", "size=64M", v);
        Path mountpoint = env.local().mountRoot().resolve(v);
        String c1 = env.container("c1");
        String c2 = env.container("c2");
        docker.runIdle(c1, List.of("-v", v + ":/data"));
        docker.runIdle(c2, List.of("-v", v + ":/data"));

        docker.exec(c1, "echo from-c1 > /data/a");
        assertThat(docker.exec(c2, "cat /data/a")).isEqualTo("from-c1");
        Map<String, Integer> both = PluginCalls.references(v);
        assertThat(both).hasSize(2).containsValues(1, 1);
        assertThat(HostState.isMounted(mountpoint)).isTrue();

        docker.ok("stop", c2);

        Map<String, Integer> one = PluginCalls.references(v);
        assertThat(one).hasSize(1).containsValue(1);
        assertThat(both).containsAllEntriesOf(one);
        assertThat(HostState.isMounted(mountpoint)).as("still mounted for c1").isTrue();
        assertThat(docker.exec(c1, "echo after-stop > /data/b && cat /data/a /data/b")).isEqualTo("from-c1\nafter-stop");
        assertThat(client.volume(v).attachedTo()).isEqualTo(LocalProcess.HOST);

        Path source = env.local().root().resolve("copied.txt");
        Files.writeString(source, "copied\n");
        docker.ok("cp", source.toString(), c1 + ":/data/copied");

        assertThat(PluginCalls.references(v)).as("references after docker cp into running c1").isEqualTo(one);
        assertThat(HostState.isMounted(mountpoint)).as("still mounted after docker cp").isTrue();
        assertThat(docker.exec(c1, "cat /data/copied && echo still > /data/c && cat /data/c")).isEqualTo("copied\nstill");
        assertThat(Files.readString(mountpoint.resolve("c"))).as("c1's write, seen on the host mount").isEqualTo("still\n");

        docker.ok("stop", c1);

        assertThat(HostState.isMounted(mountpoint)).as("mounted after the last container stopped").isFalse();
        assertThat(PluginCalls.references(v)).isEmpty();
        assertThat(client.volume(v).attachedTo()).isNull();
        assertThat(HostState.isAttached(env.local().backingOf(client.volume(v).lun()))).isFalse();
        assertThat(docker.runOnce(List.of("-v", v + ":/data"), "cat /data/a /data/b /data/copied /data/c"))
                .isEqualTo("from-c1\nafter-stop\ncopied\nstill");
    }

    @Test
    void dockerCpIntoAStoppedContainerMountsOnlyWhileCopying() throws IOException {
        String v = env.volume("cold");
        docker.ok("volume", "create", "-d", DRIVER, "--opt", "size=64M", v);
        String c = env.container("stopped");
        docker.ok("create", "--name", c, "-v", v + ":/data", DockerCli.IMAGE, "true");
        Path source = env.local().root().resolve("cold.txt");
        Files.writeString(source, "cold copy\n");

        docker.ok("cp", source.toString(), c + ":/data/cold.txt");

        assertThat(HostState.isMounted(env.local().mountRoot().resolve(v))).isFalse();
        assertThat(PluginCalls.references(v)).isEmpty();
        assertThat(client.volume(v).attachedTo()).isNull();
        assertThat(docker.runOnce(List.of("-v", v + ":/data"), "cat /data/cold.txt")).isEqualTo("cold copy");
    }
}
