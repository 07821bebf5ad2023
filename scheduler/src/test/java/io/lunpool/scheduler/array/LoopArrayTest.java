package io.lunpool.scheduler.array;

import static org.assertj.core.api.Assertions.assertThat;

import io.lunpool.backend.host.CommandRunner;
import io.lunpool.core.Json;
import io.lunpool.core.spi.LunClaim;
import io.lunpool.core.spi.StorageArray;
import io.lunpool.core.spi.StorageArray.ArrayLun;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
    void sidecarHoldsNameWwnAndSizeAndTheMappingsFileTheHosts() throws Exception {
        ArrayLun lun = array.provision("gold-1", 1L << 20);
        Path mappings = dir.resolve("gold-1.hosts");
        long size = Files.size(mappings);
        array.map(lun.wwn(), "agent-1", List.of("21:00:00:24:ff:00:00:01"));

        Map<?, ?> sidecar = Json.mapper().readValue(dir.resolve("gold-1.json").toFile(), Map.class);

        assertThat(sidecar).isEqualTo(Map.of("name", "gold-1", "wwn", lun.wwn(), "sizeBytes", 1 << 20));
        assertThat(new String(Files.readAllBytes(mappings), StandardCharsets.UTF_8)).contains("\"agent-1\"");
        assertThat(Files.size(mappings)).as("mapping overwrites the file in place").isEqualTo(size).isEqualTo(4096);
        assertThat(allocatedBytes(mappings)).as("its bytes are allocated at provision").isGreaterThanOrEqualTo(4096);
    }

    @Test
    void deleteRemovesEveryFile() {
        ArrayLun lun = array.provision("gold-1", 1L << 20);

        array.delete(lun.wwn());

        assertThat(dir.resolve("gold-1.img")).doesNotExist();
        assertThat(dir.resolve("gold-1.json")).doesNotExist();
        assertThat(dir.resolve("gold-1.hosts")).doesNotExist();
    }

    @Test
    void aTornMappingsWriteLeavesThePreviousMappingsReadable() throws Exception {
        ArrayLun lun = array.provision("gold-1", 1L << 20);
        array.map(lun.wwn(), "agent-1", List.of());
        array.map(lun.wwn(), "agent-2", List.of()); // seq 2: the first slot
        Path mappings = dir.resolve("gold-1.hosts");
        try (FileChannel ch = FileChannel.open(mappings, StandardOpenOption.WRITE)) {
            // a write of seq 4 torn after its first bytes: valid JSON with the rest of seq 2's record
            ch.write(ByteBuffer.wrap("{\"seq\":4,\"hosts\":[\"ag".getBytes(StandardCharsets.UTF_8)), 0);
        }

        assertThat(new LoopArray(dir).hosts(lun.wwn())).containsExactly("agent-1");
        array.map(lun.wwn(), "agent-3", List.of());
        assertThat(new LoopArray(dir).hosts(lun.wwn())).containsExactly("agent-1", "agent-3");
    }

    @Test
    void aLunWithoutMappingsFileHasTheHostsOfItsSidecar() throws Exception {
        ArrayLun lun = array.provision("gold-1", 1L << 20);
        Files.delete(dir.resolve("gold-1.hosts"));
        Files.writeString(dir.resolve("gold-1.json"), "{\"name\":\"gold-1\",\"wwn\":\"" + lun.wwn()
                + "\",\"sizeBytes\":1048576,\"hosts\":[\"agent-1\"]}");

        assertThat(new LoopArray(dir).hosts(lun.wwn())).containsExactly("agent-1");
        array.unmap(lun.wwn(), "agent-1");
        assertThat(new LoopArray(dir).hosts(lun.wwn())).isEmpty();
    }

    @Test
    void leftoversOfCutShortProvisionsAreRemovedAndLunsKept() throws Exception {
        ArrayLun kept = array.provision("gold-1", 1L << 20);
        Files.writeString(dir.resolve("gold-2.img"), "an image whose sidecar was never written");
        Files.write(dir.resolve("gold-2.hosts"), new byte[4096]);
        Files.write(dir.resolve("gold-3.hosts"), new byte[4096]);
        Files.writeString(dir.resolve(".gold-4.json.tmp"), "{\"name\":");
        Files.writeString(dir.resolve("notes.txt"), "not the array's");

        assertThat(array.removeLeftovers()).containsExactlyInAnyOrder(dir.resolve("gold-2.img").toString(),
                dir.resolve("gold-2.hosts").toString(), dir.resolve("gold-3.hosts").toString(),
                dir.resolve(".gold-4.json.tmp").toString());

        assertThat(array.list()).containsExactly(kept);
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder(".lock", "gold-1.img",
                    "gold-1.json", "gold-1.hosts", "notes.txt");
        }
    }

    @Test
    void aClaimHeldByAnotherProcessExcludesThisOneUntilThatProcessIsKilled() throws Exception {
        ArrayLun lun = array.provision("gold-1", 1L << 20);
        Process holder = claimHolder(lun.wwn());
        try {
            assertThat(firstLine(holder)).isEqualTo("claimed");

            assertThat(array.tryClaim(lun.wwn(), "this-process")).isEmpty();

            holder.destroyForcibly(); // SIGKILL: the kernel drops the lock
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
            try (LunClaim mine = array.tryClaim(lun.wwn(), "this-process").orElseThrow()) {
                Process refused = claimHolder(lun.wwn());
                try {
                    assertThat(firstLine(refused)).isEqualTo("refused");
                } finally {
                    refused.destroyForcibly();
                }
            }
        } finally {
            holder.destroyForcibly();
        }
    }

    private Process claimHolder(String wwn) throws Exception {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), ClaimHolder.class.getName(), dir.toString(), wwn)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static String firstLine(Process process) throws Exception {
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            return out.readLine();
        }
    }

    private static long allocatedBytes(Path file) {
        return 512 * Long.parseLong(new CommandRunner().runChecked(CommandRunner.QUICK, "stat", "-c", "%b",
                file.toString()).strip());
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
