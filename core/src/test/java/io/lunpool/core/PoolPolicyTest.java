package io.lunpool.core;

import io.lunpool.core.model.FsType;
import io.lunpool.core.model.PoolPolicy;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class PoolPolicyTest {
    @ParameterizedTest
    @CsvSource({
            "16777216,0,0,EXT4,0,",
            "1073741824,2,8,EXT4,0,",
            "314572800,1,1,XFS,1,",
            "8388608,1,2,EXT4,0,minimum of 16M",
            "104857600,1,2,XFS,0,xfs needs",
            "1073741824,5,2,EXT4,0,greater than maxFree",
            "1073741824,-1,2,EXT4,0,negative",
            "1073741824,1,4,EXT4,2,maxLuns"})
    void policiesAreCheckedRuleByRule(long lunSize, int minFree, int maxFree, FsType fs, int maxLuns, String error) {
        PoolPolicy p = new PoolPolicy(lunSize, minFree, maxFree, fs, List.of(), maxLuns);
        if (error == null) {
            assertThat(p.validate()).isSameAs(p);
        } else {
            assertThat(catchThrowableOfType(LunpoolException.class, p::validate).getMessage()).contains(error);
        }
    }
}
