package io.lunpool.scheduler.array;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lunpool.backend.host.CommandRunner;
import io.lunpool.backend.host.HostCleanup;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.spi.LunClaim;
import io.lunpool.core.spi.StorageArray.ArrayLun;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The loop array on a small tmpfs filled up: carving fails EXHAUSTED and leaves no file behind, while mapping,
 * unmapping and claiming an existing LUN need no new space and keep working. Runs as root (it mounts the tmpfs).
 */
class LoopArrayOnAFullFilesystemTest {
    private final CommandRunner runner = new CommandRunner();
    private Path dir;

    @BeforeEach
    void mountSmallFilesystem() throws IOException {
        HostCleanup.requireRoot();
        dir = Files.createTempDirectory("lunpool-full-");
    }

    @AfterEach
    void unmount() throws IOException {
        runner.run(CommandRunner.QUICK, List.of("umount", dir.toString()));
        Files.delete(dir);
    }

    private void mount(String options) {
        runner.runChecked(CommandRunner.QUICK, "mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString());
    }

    @Test
    void aFullArrayRefusesToCarveAndStillMapsUnmapsAndClaimsItsLuns() throws IOException {
        mount("size=4m");
        LoopArray array = new LoopArray(dir);
        ArrayLun lun = array.provision("gold-1", 16L << 20);
        array.map(lun.wwn(), "agent-1", List.of());
        fill(dir.resolve("filler"));
        List<String> before = files();

        assertThatThrownBy(() -> array.provision("gold-2", 16L << 20))
                .isInstanceOfSatisfying(LunpoolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.EXHAUSTED))
                .hasMessageContaining("loop array " + dir.toRealPath() + " is full");
        assertThat(files()).as("no file of the refused carve").isEqualTo(before);

        array.map(lun.wwn(), "agent-2", List.of());
        array.unmap(lun.wwn(), "agent-1");
        assertThat(new LoopArray(dir).hosts(lun.wwn())).containsExactly("agent-2");
        try (LunClaim claim = array.tryClaim(lun.wwn(), "term-1").orElseThrow()) {
            assertThat(claim.wwn()).isEqualTo(lun.wwn());
        }
        assertThat(files()).isEqualTo(before);

        Files.delete(dir.resolve("filler"));
        assertThat(array.provision("gold-2", 16L << 20).name()).isEqualTo("gold-2");
    }

    @Test
    void aCarveThatRunsOutOfRoomHalfWayRemovesWhatItMade() throws IOException {
        mount("size=64m,nr_inodes=4"); // the root, .lock, an image and a mappings file: no room for the sidecar
        LoopArray array = new LoopArray(dir);

        assertThatThrownBy(() -> array.provision("gold-1", 16L << 20))
                .isInstanceOfSatisfying(LunpoolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.EXHAUSTED))
                .hasMessageContaining("is full: carving LUN gold-1 failed");

        assertThat(files()).containsExactly(".lock");
        assertThat(array.list()).isEmpty();
    }

    private List<String> files() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
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
}
