package io.lunpool.app.docker;

import static io.lunpool.app.docker.LocalProcess.DRIVER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lunpool.core.api.LunpoolClient;
import io.lunpool.core.api.PoolView;
import io.lunpool.core.api.VolumeView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A volume's life through the real dockerd: {@code docker volume create}, containers that write and read it,
 * {@code ls}/{@code inspect}, {@code rm} (the LUN is wiped and FREE again) and reuse of the same LUN by a new volume
 * that must read none of the old bytes; and the implicit create of {@code docker run --volume-driver}.
 */
class VolumeLifecycleIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** "one" holds exactly one LUN, so a create after a remove must get the same LUN back. */
    @RegisterExtension
    static final PluginFixture env = new PluginFixture("small", List.of(
            new LocalProcess.Pool("small", "64M", 2, 4, 0),
            new LocalProcess.Pool("one", "64M", 1, 1, 1)));

    private final DockerCli docker = env.docker;
    private final LunpoolClient client = env.local().client();

    @Test
    void createdVolumeKeepsItsDataAcrossContainersAndAStopStart() {
        String v = env.volume("v1");
        assertThat(docker.ok("volume", "create", "-d", DRIVER, "--opt", "size=64M", "--opt", "pool=small", v))
                .isEqualTo(v);

        docker.runOnce(List.of("-v", v + ":/data"), "echo first > /data/f");
        assertThat(docker.runOnce(List.of("-v", v + ":/data"), "cat /data/f")).isEqualTo("first");

        String c = env.container("c1");
        docker.runIdle(c, List.of("-v", v + ":/data"));
        assertThat(docker.exec(c, "cat /data/f")).isEqualTo("first");
        docker.exec(c, "echo second >> /data/f");
        docker.ok("stop", c);
        assertThat(HostState.isMounted(mountpoint(v))).as("mounted after the only container stopped").isFalse();
        docker.ok("start", c);
        assertThat(docker.exec(c, "cat /data/f")).isEqualTo("first\nsecond");

        assertThat(docker.ok("volume", "ls", "--filter", "driver=" + DRIVER, "--format", "{{.Driver}} {{.Name}}")
                .lines()).contains(DRIVER + " " + v);
        VolumeView view = client.volume(v);
        JsonNode inspect = json(docker.ok("volume", "inspect", v)).get(0);
        assertThat(inspect.path("Name").asText()).isEqualTo(v);
        assertThat(inspect.path("Driver").asText()).isEqualTo(DRIVER);
        assertThat(inspect.path("Scope").asText()).isEqualTo("global");
        assertThat(inspect.path("Mountpoint").asText()).isEqualTo(mountpoint(v).toString());
        JsonNode status = inspect.path("Status");
        assertThat(status.path("lun").asText()).startsWith("naa.").isEqualTo(view.lun());
        assertThat(status.path("pool").asText()).isEqualTo("small");
        assertThat(status.path("size").asText()).isEqualTo("64M");
        assertThat(status.path("host").asText()).isEqualTo(LocalProcess.HOST);

        docker.ok("rm", "-f", c);
        PoolView.Counts before = client.pool("small").counts();
        assertThat(docker.ok("volume", "rm", v)).isEqualTo(v);

        assertThat(client.volumes()).extracting(VolumeView::name).doesNotContain(v);
        PoolView.Counts removed = client.pool("small").counts();
        assertThat(removed.claimed()).isEqualTo(before.claimed() - 1);
        assertThat(removed.wiping()).isEqualTo(before.wiping() + 1);
        env.local().runMaintainer();
        PoolView.Counts wiped = client.pool("small").counts();
        assertThat(wiped.wiping()).isZero();
        assertThat(wiped.failed()).isZero();
        assertThat(wiped.free()).isBetween(2, 4);
        assertThat(HostState.isAttached(env.local().backingOf(view.lun()))).isFalse();
    }

    @Test
    void aNewVolumeOnTheSameLunReadsNoneOfTheOldBytes() {
        assertThat(client.pool("one").counts()).isEqualTo(new PoolView.Counts(1, 0, 0, 0, 0));
        String first = env.volume("tenant-a");
        docker.ok("volume", "create", "-d", DRIVER, "--opt", "size=64M", "--opt", "pool=one", first);
        String wwn = client.volume(first).lun();
        Path backing = env.local().backingOf(wwn);
        String marker = "lunpool-secret-" + UUID.randomUUID().toString().replace("-", "");
        byte[] markerBytes = marker.getBytes(StandardCharsets.US_ASCII);

        // 2^14 lines of the marker, written through the container's filesystem onto the LUN
        String lines = docker.runOnce(List.of("-v", first + ":/data"), "echo " + marker + " > /data/m; i=0;"
                + " while [ $i -lt 14 ]; do cat /data/m /data/m > /data/t && mv /data/t /data/m; i=$((i+1)); done;"
                + " sync; wc -l < /data/m");
        assertThat(lines).isEqualTo("16384");
        assertThat(HostState.isAttached(backing)).as("attached after the container exited").isFalse();
        assertThat(LunScan.occurrences(backing, markerBytes)).as("markers on the LUN before the remove")
                .isGreaterThanOrEqualTo(16384);

        docker.ok("volume", "rm", first);
        assertThat(client.pool("one").counts()).isEqualTo(new PoolView.Counts(0, 0, 0, 1, 0));
        env.local().runMaintainer();
        assertThat(client.pool("one").counts()).as("the LUN is FREE again").isEqualTo(new PoolView.Counts(1, 0, 0, 0, 0));
        assertThat(LunScan.occurrences(backing, markerBytes)).as("markers left on the wiped LUN").isZero();

        String second = env.volume("tenant-b");
        docker.ok("volume", "create", "-d", DRIVER, "--opt", "size=64M", "--opt", "pool=one", second);
        assertThat(client.volume(second).lun()).as("the pool's only LUN").isEqualTo(wwn);
        assertThat(env.local().backingOf(wwn)).isEqualTo(backing);
        String seen = docker.runOnce(List.of("-v", second + ":/data"),
                "ls -A /data; grep -rl " + marker + " /data || true");
        assertThat(seen).isEqualTo("lost+found");
        assertThat(LunScan.occurrences(backing, markerBytes)).isZero();
    }

    @Test
    void runWithVolumeDriverCreatesTheVolumeOnFirstUse() {
        String v = env.volume("auto");
        assertThat(client.volumes()).extracting(VolumeView::name).doesNotContain(v);

        String out = docker.runOnce(List.of("-v", v + ":/d", "--volume-driver", DRIVER), "echo made > /d/f; cat /d/f");

        assertThat(out).isEqualTo("made");
        VolumeView view = client.volume(v);
        assertThat(view.pool()).as("the configured default pool").isEqualTo("small");
        assertThat(view.lun()).startsWith("naa.");
        assertThat(view.attachedTo()).as("detached after the container exited").isNull();
        assertThat(docker.ok("volume", "inspect", "--format", "{{.Driver}}", v)).isEqualTo(DRIVER);
        assertThat(docker.runOnce(List.of("-v", v + ":/d"), "cat /d/f")).isEqualTo("made");
    }

    private static Path mountpoint(String volume) {
        return env.local().mountRoot().resolve(volume);
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(text, e);
        }
    }
}
