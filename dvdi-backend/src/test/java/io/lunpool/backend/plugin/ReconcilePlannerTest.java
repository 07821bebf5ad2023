package io.lunpool.backend.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.lunpool.backend.plugin.ReconcilePlanner.Action;
import io.lunpool.backend.plugin.ReconcilePlanner.Drop;
import io.lunpool.backend.plugin.ReconcilePlanner.Keep;
import io.lunpool.backend.plugin.ReconcilePlanner.Orphan;
import io.lunpool.backend.plugin.ReconcilePlanner.Release;
import io.lunpool.backend.plugin.ReconcilePlanner.TearDown;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReconcilePlannerTest {
    private static final Path ROOT = Path.of("/var/lib/lunpool/mounts");

    private static MountedVolume entry(String name, int refs) {
        return new MountedVolume(name, "wwn-" + name, null, "ext4", ROOT.resolve(name), Instant.EPOCH,
                refs == 0 ? Map.of() : Map.of("id", refs));
    }

    private static Path mp(String name) {
        return ROOT.resolve(name);
    }

    static Stream<Arguments> table() {
        MountedVolume v1 = entry("v1", 1);
        MountedVolume v2 = entry("v2", 2);
        MountedVolume half = entry("half", 0);
        return Stream.of(
                Arguments.of("nothing at all", List.of(), Set.of(), List.of()),
                Arguments.of("referenced and mounted: kept", List.of(v1), Set.of(mp("v1")), List.of(new Keep(v1))),
                Arguments.of("referenced, mount gone: dropped", List.of(v2), Set.of(), List.of(new Drop(v2))),
                Arguments.of("no references, still mounted: torn down with umount", List.of(half), Set.of(mp("half")),
                        List.of(new TearDown(half, true))),
                Arguments.of("no references, not mounted: torn down", List.of(half), Set.of(),
                        List.of(new TearDown(half, false))),
                Arguments.of("mounted but not in the table: orphan", List.of(), Set.of(mp("lost")),
                        List.of(new Orphan("lost", mp("lost")))),
                Arguments.of("mounts deeper inside a volume are not ours", List.of(v1),
                        Set.of(mp("v1"), mp("v1").resolve("inner"), mp("x").resolve("y")), List.of(new Keep(v1))),
                Arguments.of("mounts outside the root are ignored", List.of(),
                        Set.of(Path.of("/mnt/v1"), ROOT), List.of()),
                Arguments.of("unnormalised paths still match", List.of(v1),
                        Set.of(Path.of("/var/lib/lunpool/./mounts/v1")), List.of(new Keep(v1))),
                Arguments.of("everything at once", List.of(v1, v2, half), Set.of(mp("v1"), mp("half"), mp("lost")),
                        List.of(new Keep(v1), new Drop(v2), new TearDown(half, true),
                                new Orphan("lost", mp("lost")))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void decides(String rule, List<MountedVolume> entries, Set<Path> mounted, List<Action> expected) {
        assertThat(ReconcilePlanner.decide(entries, mounted, ROOT, Set.of())).as(rule)
                .containsExactlyInAnyOrderElementsOf(expected);
    }

    static Stream<Arguments> attachments() {
        MountedVolume v1 = entry("v1", 1);
        MountedVolume half = entry("half", 0);
        return Stream.of(
                Arguments.of("attached here, no entry, not mounted: released", List.of(), Set.of(), Set.of("cut"),
                        List.of(new Release("cut"))),
                Arguments.of("attached here with an entry: the entry's rule only", List.of(v1, half), Set.of(mp("v1")),
                        Set.of("v1", "half"), List.of(new Keep(v1), new TearDown(half, false))),
                Arguments.of("attached here and mounted without an entry: the orphan rule only", List.of(),
                        Set.of(mp("lost")), Set.of("lost"), List.of(new Orphan("lost", mp("lost")))),
                Arguments.of("all at once", List.of(v1), Set.of(mp("v1"), mp("lost")), Set.of("v1", "lost", "cut"),
                        List.of(new Keep(v1), new Orphan("lost", mp("lost")), new Release("cut"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attachments")
    void decidesAboutAttachmentsOfThisHost(String rule, List<MountedVolume> entries, Set<Path> mounted,
                                           Set<String> attachedHere, List<Action> expected) {
        assertThat(ReconcilePlanner.decide(entries, mounted, ROOT, attachedHere)).as(rule)
                .containsExactlyInAnyOrderElementsOf(expected);
    }
}
