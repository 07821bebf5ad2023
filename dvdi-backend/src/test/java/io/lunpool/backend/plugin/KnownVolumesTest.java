package io.lunpool.backend.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.lunpool.core.api.VolumeView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownVolumesTest {
    @TempDir
    Path dir;

    private static VolumeView view(String name) {
        return new VolumeView(name, "gold", "wwn-" + name, 1L << 26, Map.of(), Instant.parse("2026-11-29T02:00:00Z"),
                null);
    }

    @Test
    void aBurstOfChangesReachesTheFileBehindTheCallsWithoutAFlush() {
        Path file = dir.resolve("known-volumes.json");
        KnownVolumes known = KnownVolumes.load(file);
        for (int i = 0; i < 50; i++) {
            known.seen(view("v" + i));
        }
        known.forget("v0");

        Await.until("the known-volumes file holds the burst", Duration.ofSeconds(10),
                () -> Files.exists(file) && KnownVolumes.load(file).contains("v49"));
        KnownVolumes reloaded = KnownVolumes.load(file);
        assertThat(reloaded.contains("v0")).isFalse();
        assertThat(reloaded.createdAt("v1")).contains(Instant.parse("2026-11-29T02:00:00Z"));
    }

    @Test
    void flushWritesAPendingChangeAtOnce() {
        Path file = dir.resolve("known-volumes.json");
        KnownVolumes known = KnownVolumes.load(file);
        known.seenAll(List.of(view("a"), view("b")));

        known.flush();

        assertThat(KnownVolumes.load(file).contains("a")).isTrue();
        assertThat(KnownVolumes.load(file).contains("b")).isTrue();
    }
}
