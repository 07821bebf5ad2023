package io.lunpool.scheduler.array;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.spi.LunClaim;
import io.lunpool.core.spi.StorageArray;
import io.lunpool.core.spi.StorageArray.ArrayLun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every {@link StorageArray} promises: idempotency by name and wwn, a list() to reconcile with, exclusive
 * claims, and a removal of leftovers that never touches a LUN.
 */
public abstract class StorageArrayContract {
    protected static final long MIB = 1L << 20;

    @TempDir
    protected Path dir;
    protected StorageArray array;

    /** A fresh array keeping its state under dir; called again with the same dir it must see the same LUNs. */
    protected abstract StorageArray newArray(Path dir);

    /** The hosts the array masks the LUN to, as the array itself reports them. */
    protected abstract List<String> mappedHosts(StorageArray array, String wwn);

    @BeforeEach
    void createArray() {
        array = newArray(dir);
    }

    @Test
    void provisionReturnsALunWithANaa6Wwn() {
        ArrayLun lun = array.provision("gold-1", 64 * MIB);

        assertThat(lun.name()).isEqualTo("gold-1");
        assertThat(lun.sizeBytes()).isEqualTo(64 * MIB);
        assertThat(lun.wwn()).matches("naa\\.6[0-9a-f]{31}");
    }

    @Test
    void provisionIsIdempotentByName() {
        ArrayLun first = array.provision("gold-1", 64 * MIB);

        assertThat(array.provision("gold-1", 64 * MIB)).isEqualTo(first);
        assertThat(array.list()).containsExactly(first);
    }

    @Test
    void provisionOfAnExistingNameWithAnotherSizeIsAnArrayError() {
        array.provision("gold-1", 64 * MIB);

        assertThatThrownBy(() -> array.provision("gold-1", 128 * MIB))
                .isInstanceOfSatisfying(LunpoolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.ARRAY_ERROR))
                .hasMessageContaining("gold-1");
    }

    @Test
    void wwnsAreUnique() {
        List<String> wwns = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            wwns.add(array.provision("lun-" + i, MIB).wwn());
        }

        assertThat(wwns).doesNotHaveDuplicates();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/b", "../x", "a..b", ".hidden", "-x", "with space", "naïve", "x\ny"})
    void badNamesAreRejected(String name) {
        assertThatThrownBy(() -> array.provision(name, MIB))
                .isInstanceOfSatisfying(LunpoolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID));
        assertThat(array.list()).isEmpty();
    }

    @Test
    void nameLongerThan128IsRejectedAnd128IsAccepted() {
        assertThatThrownBy(() -> array.provision("a".repeat(129), MIB))
                .isInstanceOfSatisfying(LunpoolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID));

        assertThat(array.provision("a".repeat(128), MIB).name()).hasSize(128);
    }

    @Test
    void deleteRemovesTheLunAndDeletingAnUnknownWwnSucceeds() {
        ArrayLun lun = array.provision("gold-1", MIB);

        array.delete(lun.wwn());
        array.delete(lun.wwn());
        array.delete("naa.60014050000000000000000000000000");

        assertThat(array.list()).isEmpty();
    }

    @Test
    void mapTwiceMapsOnce() {
        ArrayLun lun = array.provision("gold-1", MIB);

        array.map(lun.wwn(), "agent-1", List.of("21:00:00:24:ff:00:00:01"));
        array.map(lun.wwn(), "agent-1", List.of("21:00:00:24:ff:00:00:01"));
        array.map(lun.wwn(), "agent-2", List.of("21:00:00:24:ff:00:00:02"));

        assertThat(mappedHosts(array, lun.wwn())).containsExactly("agent-1", "agent-2");
    }

    @Test
    void unmapOfAnUnmappedLunSucceeds() {
        ArrayLun lun = array.provision("gold-1", MIB);
        array.map(lun.wwn(), "agent-1", List.of());

        array.unmap(lun.wwn(), "agent-2");
        array.unmap(lun.wwn(), "agent-1");
        array.unmap(lun.wwn(), "agent-1");
        array.unmap("naa.60014050000000000000000000000000", "agent-1");

        assertThat(mappedHosts(array, lun.wwn())).isEmpty();
    }

    @Test
    void mapOfAnUnknownWwnIsNotFound() {
        assertThatThrownBy(() -> array.map("naa.60014050000000000000000000000000", "agent-1", List.of()))
                .isInstanceOfSatisfying(LunpoolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
    }

    @Test
    void listReconcilesWhatAnotherInstanceSees() {
        ArrayLun a = array.provision("a1", MIB);
        ArrayLun b = array.provision("b1", 2 * MIB);
        ArrayLun c = array.provision("c1", MIB);
        array.map(b.wwn(), "agent-1", List.of());
        array.delete(c.wwn());

        StorageArray again = newArray(dir);

        assertThat(again.list()).containsExactlyInAnyOrder(a, b);
        assertThat(mappedHosts(again, b.wwn())).containsExactly("agent-1");
        assertThat(again.provision("a1", MIB)).isEqualTo(a);
    }

    @Test
    void aClaimExcludesEveryOtherClaimOnTheLunUntilItIsClosed() {
        ArrayLun lun = array.provision("gold-1", MIB);
        ArrayLun other = array.provision("gold-2", MIB);
        StorageArray second = newArray(dir);

        Optional<LunClaim> first = array.tryClaim(lun.wwn(), "term-1");

        assertThat(first).hasValueSatisfying(c -> {
            assertThat(c.wwn()).isEqualTo(lun.wwn());
            assertThat(c.owner()).isEqualTo("term-1");
        });
        assertThat(array.tryClaim(lun.wwn(), "term-1")).as("the same owner again").isEmpty();
        assertThat(second.tryClaim(lun.wwn(), "term-2")).as("another instance on the same array").isEmpty();
        try (LunClaim unrelated = second.tryClaim(other.wwn(), "term-2").orElseThrow()) {
            assertThat(unrelated.wwn()).isEqualTo(other.wwn());
        }

        first.get().close();
        first.get().close();

        try (LunClaim next = second.tryClaim(lun.wwn(), "term-2").orElseThrow()) {
            assertThat(next.owner()).isEqualTo("term-2");
        }
    }

    @Test
    void claimingAnUnknownLunIsNotFound() {
        assertThatThrownBy(() -> array.tryClaim("naa.60014050000000000000000000000000", "term-1"))
                .isInstanceOfSatisfying(LunpoolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
    }

    @Test
    void aClaimedLunCanBeMappedAndDeleted() {
        ArrayLun lun = array.provision("gold-1", MIB);
        try (LunClaim claim = array.tryClaim(lun.wwn(), "term-1").orElseThrow()) {
            array.map(lun.wwn(), "agent-1", List.of());
            assertThat(mappedHosts(array, lun.wwn())).containsExactly("agent-1");
            array.delete(lun.wwn());
        }

        assertThat(array.list()).isEmpty();
    }

    @Test
    void removeLeftoversKeepsEveryLun() {
        ArrayLun a = array.provision("gold-1", MIB);
        array.map(a.wwn(), "agent-1", List.of());

        assertThat(array.removeLeftovers()).isEmpty();

        assertThat(array.list()).containsExactly(a);
        assertThat(mappedHosts(array, a.wwn())).containsExactly("agent-1");
    }

    @Test
    void concurrentProvisionOfOneNameYieldsOneLun() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<ArrayLun>> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                StorageArray client = i % 2 == 0 ? array : newArray(dir);
                calls.add(() -> client.provision("gold-1", 64 * MIB));
            }
            List<ArrayLun> luns = new ArrayList<>();
            for (Future<ArrayLun> f : pool.invokeAll(calls)) {
                luns.add(f.get());
            }

            assertThat(luns).hasSize(16).containsOnly(luns.get(0));
            assertThat(array.list()).containsExactly(luns.get(0));
        } finally {
            pool.shutdown();
        }
    }
}
