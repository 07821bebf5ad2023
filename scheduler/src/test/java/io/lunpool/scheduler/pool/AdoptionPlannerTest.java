package io.lunpool.scheduler.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.lunpool.core.model.Lun;
import io.lunpool.core.model.LunState;
import io.lunpool.core.spi.StorageArray.ArrayLun;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AdoptionPlannerTest {
    private static ArrayLun onArray(String name, String wwn) {
        return new ArrayLun(name, wwn, 16L << 20, "/array/" + name + ".img");
    }

    @ParameterizedTest(name = "{0} belongs to pool ''{1}''")
    @CsvSource({"gold-a1b2c3d4e5, gold", "gold-fast-a1b2c3d4e5, gold-fast", "nodash, ''", "-x, ''"})
    void theNameTellsThePool(String name, String pool) {
        assertThat(AdoptionPlanner.poolOf(name)).isEqualTo(pool);
    }

    @Test
    void aStrangerOfAKnownPoolIsAdoptedAsWipingNeverFree() {
        AdoptionPlanner.Adoptions plan = AdoptionPlanner.plan(List.of(onArray("gold-01", "naa.1")), w -> false,
                Set.of("gold"), id -> false);

        assertThat(plan.adopt()).containsExactly(new Lun("naa.1", "gold", LunState.WIPING, null, "/array/gold-01.img",
                16L << 20, null));
        assertThat(plan.unknownPool()).isEmpty();
    }

    @Test
    void recordedLunsAndLunsInFlightAreNotStrangers() {
        List<ArrayLun> array = List.of(onArray("gold-01", "naa.1"), onArray("gold-02", "naa.2"),
                onArray("gold-03", "naa.3"), onArray("gold-04", "naa.4"));

        AdoptionPlanner.Adoptions plan = AdoptionPlanner.plan(array, "naa.1"::equals, Set.of("gold"),
                id -> id.equals("gold-02") || id.equals("naa.3"));

        assertThat(plan.adopt()).extracting(Lun::wwn).containsExactly("naa.4");
    }

    @Test
    void aLunOfNoKnownPoolIsLeftAlone() {
        AdoptionPlanner.Adoptions plan = AdoptionPlanner.plan(List.of(onArray("silver-01", "naa.1"),
                onArray("nodash", "naa.2")), w -> false, Set.of("gold"), id -> false);

        assertThat(plan.adopt()).isEmpty();
        assertThat(plan.unknownPool()).extracting(ArrayLun::wwn).containsExactly("naa.1", "naa.2");
    }
}
