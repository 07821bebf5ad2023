package io.lunpool.backend.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountTableTest {
    @TempDir
    Path dir;
    private Path file;
    private MountTable table;

    @BeforeEach
    void setUp() {
        file = dir.resolve("state/mounts");
        table = MountTable.load(file);
    }

    private static MountedVolume volume(String name) {
        return new MountedVolume(name, "wwn-" + name, "/array/" + name + ".img", "ext4",
                Path.of("/var/lib/lunpool/mounts", name), Instant.parse("2026-11-28T22:18:21Z"), Map.of());
    }

    private int total(String name) {
        return table.get(name).map(MountedVolume::totalReferences).orElse(-1);
    }

    @Test
    void sameIdMountedTwiceStaysMountedUntilItsSecondUnmount() {
        table.begin(volume("v1"));
        table.reference("v1", "A");
        table.reference("v1", "A");
        table.release("v1", "A");
        assertThat(total("v1")).isEqualTo(1);
        table.release("v1", "A");
        assertThat(total("v1")).isZero();
    }

    @Test
    void unmountOfUnknownIdChangesNothing() {
        table.begin(volume("v1"));
        table.reference("v1", "A");
        assertThat(table.release("v1", "B")).get().extracting(MountedVolume::references).isEqualTo(Map.of("A", 1));
        assertThat(table.release("nosuch", "B")).isEmpty();
    }

    @Test
    void idLessUnmountReleasesAllIdLessReferences() {
        table.begin(volume("v1"));
        table.reference("v1", "");
        table.reference("v1", "");
        table.reference("v1", "C");
        table.release("v1", "");
        assertThat(table.get("v1").orElseThrow().references()).isEqualTo(Map.of("C", 1));
        table.release("v1", "C");
        assertThat(total("v1")).isZero();
    }

    @Test
    void idLessMountTwiceAndOneUnmountReleasesTheVolume() {
        table.begin(volume("d1"));
        table.reference("d1", "");
        table.reference("d1", "");
        table.release("d1", "");
        assertThat(total("d1")).isZero();
    }

    @Test
    void releaseOneTakesBackExactlyOneIdLessReference() {
        table.begin(volume("d1"));
        table.reference("d1", "");
        table.reference("d1", "");
        table.releaseOne("d1", "");
        assertThat(table.get("d1").orElseThrow().references()).isEqualTo(Map.of("", 1));
    }

    @Test
    void everyChangeIsPersistedAndReadBack() {
        table.begin(volume("v1"));
        table.reference("v1", "A");
        table.reference("v1", "");
        table.begin(volume("v2"));
        MountTable again = MountTable.load(file);
        assertThat(again.all()).containsExactlyElementsOf(table.all());
        assertThat(again.get("v1").orElseThrow().references()).isEqualTo(Map.of("A", 1, "", 1));
        table.remove("v1");
        assertThat(MountTable.load(file).all()).extracting(MountedVolume::name).containsExactly("v2");
    }

    @Test
    void eachVolumeHasOneCompleteFileAndNoTemporaryFilesAreLeft() throws IOException {
        for (int i = 0; i < 20; i++) {
            table.begin(volume("v" + i));
            table.reference("v" + i, "id" + i);
            assertThat(MountTable.load(file).all()).hasSize(i + 1);
        }
        table.release("v3", "id3");
        table.remove("v3");
        try (Stream<Path> files = Files.list(file)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .hasSize(19).allMatch(n -> n.matches("v\\d+\\.json")).doesNotContain("v3.json");
        }
    }

    @Test
    void aLeftoverTemporaryFileDoesNotDisturbLoading() throws IOException {
        table.begin(volume("v1"));
        Files.writeString(file.resolve(".v2.json.123.tmp"), "{\"vers");
        assertThat(MountTable.load(file).all()).extracting(MountedVolume::name).containsExactly("v1");
    }

    @Test
    void missingDirectoryIsAnEmptyTable() {
        assertThat(MountTable.load(dir.resolve("nothing/here")).all()).isEmpty();
    }

    @Test
    void corruptFileIsAClearStartupErrorNamingIt() throws IOException {
        Files.createDirectories(file);
        Files.writeString(file.resolve("v1.json"), "{\"version\":1,\"volume\":{\"name\":\"v1\"");
        assertThatThrownBy(() -> MountTable.load(file))
                .isInstanceOfSatisfying(LunpoolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID))
                .hasMessageContaining("mount table " + file.resolve("v1.json") + " is corrupt")
                .hasMessageContaining("/proc/self/mountinfo");
    }

    @Test
    void wrongVersionIsCorrupt() throws IOException {
        table.begin(volume("v1"));
        Files.writeString(file.resolve("v1.json"), "{\"version\":99,\"volume\":null}");
        assertThatThrownBy(() -> MountTable.load(file)).hasMessageContaining("is corrupt");
    }

    @Test
    void aFileHoldingAnotherVolumeIsCorrupt() throws IOException {
        table.begin(volume("v1"));
        Files.copy(file.resolve("v1.json"), file.resolve("v2.json"));
        assertThatThrownBy(() -> MountTable.load(file)).hasMessageContaining("v2.json is corrupt")
                .hasMessageContaining("holds volume v1");
    }

    @Test
    void theSingleFileTableIsTakenOverAndRemoved() throws IOException {
        Path legacy = file.resolveSibling("mounts.json");
        Files.writeString(legacy, """
                {"version":1,"volumes":[{"name":"old","lun":"wwn-old","backing":"/array/old.img","fsType":"ext4",
                 "mountpoint":"/var/lib/lunpool/mounts/old","createdAt":"2026-11-28T22:18:21Z","references":{"A":2}}]}
                """);

        MountTable loaded = MountTable.load(file);

        assertThat(loaded.get("old")).get().extracting(MountedVolume::references).isEqualTo(Map.of("A", 2));
        assertThat(legacy).doesNotExist();
        assertThat(MountTable.load(file).get("old")).isPresent();
    }

    @Test
    void aCorruptSingleFileTableIsAClearStartupError() throws IOException {
        Path legacy = file.resolveSibling("mounts.json");
        Files.writeString(legacy, "not json");
        assertThatThrownBy(() -> MountTable.load(file)).hasMessageContaining(legacy + " is corrupt");
        assertThat(legacy).exists();
    }

    @Test
    void everyChangeOfConcurrentCallersIsOnDiskWhenItsCallReturns() throws Exception {
        int threads = 8;
        int perThread = 24;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        String name = "v" + thread + "-" + i;
                        table.begin(volume(name));
                        table.reference(name, "A");
                        assertThat(MountTable.load(file).get(name)).get()
                                .extracting(MountedVolume::references).isEqualTo(Map.of("A", 1));
                        if (i % 2 == 0) {
                            table.release(name, "A");
                            table.remove(name);
                            assertThat(MountTable.load(file).get(name)).isEmpty();
                        }
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(MountTable.load(file).all()).hasSize(threads * perThread / 2)
                .allSatisfy(v -> assertThat(v.references()).isEqualTo(Map.of("A", 1)));
    }
}
