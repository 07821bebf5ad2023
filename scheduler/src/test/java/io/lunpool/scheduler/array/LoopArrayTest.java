package io.lunpool.scheduler.array;

import static org.assertj.core.api.Assertions.assertThat;

import io.lunpool.backend.host.CommandRunner;
import io.lunpool.core.Json;
import io.lunpool.core.spi.StorageArray;
import io.lunpool.core.spi.StorageArray.ArrayLun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoopArrayTest extends StorageArrayContract {

    @Override
    protected StorageArray newArray(Path dir) {
        return new LoopArray(dir);
    }

    @Override
    protected List<String> mappedHosts(StorageArray array, String wwn) {
        return ((LoopArray) array).hosts(wwn);
    }

    @Test
    void backingIsTheAbsolutePathOfASparseImage() {
        ArrayLun lun = array.provision("gold-1", 1L << 30);
        Path image = Path.of(lun.backing());

        assertThat(image).isAbsolute().isEqualTo(dir.resolve("gold-1.img").toAbsolutePath());
        assertThat(image).hasSize(1L << 30);
        long blocks = Long.parseLong(new CommandRunner().runChecked(CommandRunner.QUICK, "stat", "-c", "%b", image.toString()).strip());
        assertThat(blocks * 512).as("bytes allocated to a fresh 1 GiB LUN").isLessThan(1L << 20);
    }

    @Test
    void sidecarHoldsNameWwnSizeAndHosts() throws Exception {
        ArrayLun lun = array.provision("gold-1", 1L << 20);
        array.map(lun.wwn(), "agent-1", List.of("21:00:00:24:ff:00:00:01"));

        Map<?, ?> sidecar = Json.mapper().readValue(dir.resolve("gold-1.json").toFile(), Map.class);

        assertThat(sidecar).isEqualTo(Map.of("name", "gold-1", "wwn", lun.wwn(), "sizeBytes", 1 << 20,
                "hosts", List.of("agent-1")));
    }

    @Test
    void deleteRemovesBothFiles() {
        ArrayLun lun = array.provision("gold-1", 1L << 20);

        array.delete(lun.wwn());

        assertThat(dir.resolve("gold-1.img")).doesNotExist();
        assertThat(dir.resolve("gold-1.json")).doesNotExist();
    }

    @Test
    void listIgnoresTempFilesAndOtherFiles() throws Exception {
        ArrayLun lun = array.provision("gold-1", 1L << 20);
        Files.writeString(dir.resolve(".gold-2.json.tmp"), "{\"name\":");
        Files.writeString(dir.resolve("notes.txt"), "not a LUN");

        assertThat(array.list()).containsExactly(lun);
    }

    @Test
    void aLeftoverImageWithoutSidecarIsReplacedByAFreshLun() throws Exception {
        Files.writeString(dir.resolve("gold-1.img"), "left over by a crash");

        ArrayLun lun = array.provision("gold-1", 1L << 20);

        assertThat(array.list()).containsExactly(lun);
        assertThat(Files.readAllBytes(Path.of(lun.backing()))).containsOnly((byte) 0);
    }
}
