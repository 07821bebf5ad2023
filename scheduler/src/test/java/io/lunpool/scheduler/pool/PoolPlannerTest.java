package io.lunpool.scheduler.pool;

import io.lunpool.core.api.PoolView;
import io.lunpool.core.model.FsType;
import io.lunpool.core.model.PoolPolicy;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class PoolPlannerTest {
    @ParameterizedTest(name = "min {0} max {1} cap {2}; free {3} claimed {4} preparing {5} wiping {6} failed {7} provisioning {8} -> +{9} -{10}")
    @CsvSource({
            // min, max, cap, free, claimed, preparing, wiping, failed, provisioning, provision, retire
            "4, 8, 0, 0, 0, 0, 0, 0, 0, 4, 0",
            "4, 8, 0, 4, 9, 0, 0, 0, 0, 0, 0",
            "4, 8, 0, 1, 0, 1, 1, 0, 0, 1, 0",    // preparing and wiping LUNs will be FREE soon
            "4, 8, 0, 1, 0, 0, 0, 0, 2, 1, 0",    // so will LUNs being provisioned
            "4, 8, 0, 10, 0, 0, 0, 0, 0, 0, 2",   // above maxFree: retire the surplus
            "4, 8, 6, 0, 5, 0, 0, 0, 0, 1, 0",    // maxLuns caps growth
            "4, 8, 6, 0, 4, 0, 0, 2, 0, 0, 0",    // FAILED LUNs count against the cap
            "0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 3"})
    void decidesProvisionsAndRetirements(int min, int max, int cap, int free, int claimed, int preparing, int wiping,
                                         int failed, int provisioning, int provision, int retire) {
        PoolPolicy policy = new PoolPolicy(1L << 30, min, max, FsType.EXT4, List.of(), cap);
        PoolPlanner.Actions a = PoolPlanner.plan(policy,
                new PoolView.Counts(free, claimed, preparing, wiping, failed), provisioning);
        assertThat(a).isEqualTo(new PoolPlanner.Actions(provision, retire));
    }
}
