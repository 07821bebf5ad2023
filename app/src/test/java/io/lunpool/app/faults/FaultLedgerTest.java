package io.lunpool.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.lunpool.backend.host.LoopDevicesExtension;
import io.lunpool.core.model.Attachment;
import io.lunpool.core.model.Lun;
import io.lunpool.core.model.LunState;
import io.lunpool.core.model.Volume;
import io.lunpool.core.spi.StorageArray;
import io.lunpool.scheduler.array.LoopArray;
import io.lunpool.scheduler.store.InMemoryStateStore;
import io.lunpool.scheduler.store.Kind;
import io.lunpool.scheduler.store.StoreOp;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The ledger counts each kind of damage it is meant to find, and nothing on a consistent system. */
class FaultLedgerTest {
    @RegisterExtension
    final LoopDevicesExtension loops = new LoopDevicesExtension();

    private final InMemoryStateStore store = new InMemoryStateStore();

    @Test
    void aConsistentSystemCountsZero() throws IOException {
        Path arrayDir = Files.createDirectories(loops.dir().resolve("array"));
        LoopArray array = new LoopArray(arrayDir);
        StorageArray.ArrayLun claimed = array.provision("p-a", 16 << 20);
        StorageArray.ArrayLun free = array.provision("p-b", 16 << 20);
        store.commit(List.of(
                new StoreOp.Create<>(Kind.LUN, claimed.wwn(), lun(claimed, LunState.CLAIMED, "v1")),
                new StoreOp.Create<>(Kind.LUN, free.wwn(), lun(free, LunState.FREE, null)),
                new StoreOp.Create<>(Kind.VOLUME, "v1", volume("v1", claimed.wwn()))));
        FaultLedger ledger = new FaultLedger(store, arrayDir, List.of(host()));
        ledger.created("v1");
        ledger.deleted("gone");
        Path a = Files.writeString(loops.dir().resolve("a.log"), String.join("\n",
                line("wipe", "naa.1", "starts", "10:00:00.000001Z", null, "A"),
                line("wipe", "naa.1", "ends", "10:00:02Z", "cancelled", "A"),
                line("prepare", "naa.2", "starts", "10:00:03Z", null, "A"), // the process is killed here
                line("prepare", "naa.2", "starts", "10:00:09Z", null, "A2"),
                line("prepare", "naa.2", "ends", "10:00:10Z", "FREE", "A2")));
        Path b = Files.writeString(loops.dir().resolve("b.log"), String.join("\n",
                line("wipe", "naa.1", "starts", "10:00:02.000001Z", null, "B"),
                line("wipe", "naa.1", "ends", "10:00:05Z", "FREE", "B")));
        ledger.choreLog(a, List.of(Instant.parse("2026-01-01T10:00:08Z")));
        ledger.choreLog(b, List.of());

        FaultCounters counters = ledger.count();

        assertThat(counters.total()).as("%s", counters.details()).isZero();
    }

    @Test
    void eachKindOfDamageIsCounted() throws IOException {
        Path arrayDir = Files.createDirectories(loops.dir().resolve("array"));
        LoopArray array = new LoopArray(arrayDir);
        StorageArray.ArrayLun a = array.provision("p-a", 16 << 20);
        StorageArray.ArrayLun b = array.provision("p-b", 16 << 20);
        StorageArray.ArrayLun unrecorded = array.provision("p-c", 16 << 20);
        write(Path.of(b.backing()), 5 << 20, FaultLedger.marker());
        Files.write(arrayDir.resolve("p-d.img"), new byte[512]);
        Files.write(arrayDir.resolve("p-f.hosts"), new byte[4096]);
        Files.write(arrayDir.resolve(".p-e.json.tmp"), new byte[1]);
        array.map(a.wwn(), "h1", List.of());
        array.map(a.wwn(), "h2", List.of());
        store.commit(List.of(
                new StoreOp.Create<>(Kind.LUN, a.wwn(), lun(a, LunState.CLAIMED, "v1")),
                new StoreOp.Create<>(Kind.LUN, b.wwn(), lun(b, LunState.FREE, null)),
                new StoreOp.Create<>(Kind.VOLUME, "v1", volume("v1", a.wwn())),
                new StoreOp.Create<>(Kind.VOLUME, "v2", volume("v2", a.wwn())),
                new StoreOp.Create<>(Kind.ATTACHMENT, "v1",
                        new Attachment("v1", "local", List.of(), Instant.EPOCH, null))));
        Path table = Files.createDirectories(loops.dir().resolve("mounts"));
        Files.writeString(table.resolve("v2.json"),
                "{\"version\":1,\"volume\":{\"name\":\"v2\",\"lun\":\"x\",\"mountpoint\":\"/nowhere/v2\","
                        + "\"references\":{\"abc\":1}}}");
        loops.host().loopConnector().connect(new io.lunpool.core.model.LunTarget(unrecorded.wwn(),
                unrecorded.backing()));
        FaultLedger ledger = new FaultLedger(store, arrayDir,
                List.of(new FaultLedger.Host("local", loops.dir().resolve("mnt"), table)));
        ledger.created("lost");
        ledger.deleted("v1");
        Path logA = Files.writeString(loops.dir().resolve("a.log"), String.join("\n",
                line("wipe", "naa.1", "starts", "10:00:00Z", null, "A"),
                line("prepare", "naa.2", "starts", "10:00:01Z", null, "A"))); // killed after 10:00:03
        Path logB = Files.writeString(loops.dir().resolve("b.log"), String.join("\n",
                line("wipe", "naa.1", "starts", "10:00:01Z", null, "B"),
                line("wipe", "naa.1", "ends", "10:00:04Z", "FREE", "B"),
                line("prepare", "naa.2", "starts", "10:00:04Z", null, "B"),
                line("prepare", "naa.2", "ends", "10:00:05Z", "FREE", "B")));
        ledger.choreLog(logA, List.of(Instant.parse("2026-01-01T10:00:03Z")));
        ledger.choreLog(logB, List.of());

        FaultCounters c = ledger.count();
        c.print(System.out, "the ledger's own test");

        assertThat(c.acknowledgedLost()).isEqualTo(2);
        assertThat(c.lunsClaimedTwice()).isEqualTo(1);
        assertThat(c.doubleAttaches()).isEqualTo(1);
        assertThat(c.leakedLoopDevices()).isEqualTo(1);
        assertThat(c.leakedArrayFiles()).isEqualTo(4);
        assertThat(c.stuckAttached()).isEqualTo(1);
        assertThat(c.stuckReferenced()).isEqualTo(1);
        assertThat(c.freeLunsWithTenantBytes()).isEqualTo(1);
        assertThat(c.choresOverlapping()).as("naa.1 from A's start on, naa.2 not: A was killed before B began")
                .isEqualTo(1);
        assertThat(c.details()).hasSize(c.total());
    }

    /** A chore line as the control plane logs it. */
    private static String line(String kind, String lun, String event, String time, String outcome, String term) {
        return "INFO  [2026-01-01 10:00:00,000] io.lunpool.scheduler.pool.ClaimedChores: chore " + kind + " of LUN "
                + lun + " in pool p " + event + " at 2026-01-01T" + time + (outcome == null ? "" : ": " + outcome)
                + " (term /lunpool/leader/" + term + ")";
    }

    private static FaultLedger.Host host() {
        return new FaultLedger.Host("local", Path.of("/nonexistent/mounts"), Path.of("/nonexistent/table"));
    }

    private static Lun lun(StorageArray.ArrayLun a, LunState state, String volume) {
        return new Lun(a.wwn(), "p", state, volume, a.backing(), a.sizeBytes(), null);
    }

    private static Volume volume(String name, String lun) {
        return new Volume(name, "p", lun, 16 << 20, Map.of(), Instant.EPOCH, null);
    }

    private static void write(Path file, long offset, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes), offset);
        }
    }
}
