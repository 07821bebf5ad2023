package io.lunpool.core.model;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class VolumeOptionsTest {
    @Test
    void knownOptionsAreKeptSorted() {
        assertThat(VolumeOptions.validate(Map.of("iops", "100", "bps", "10M", "fsType", "xfs")))
                .containsExactly(Map.entry("bps", "10M"), Map.entry("fsType", "xfs"), Map.entry("iops", "100"));
        assertThat(VolumeOptions.validate(null)).isEmpty();
    }

    @Test
    void unknownKeysAreRefusedNamingTheValidOnes() {
        LunpoolException e = catchThrowableOfType(LunpoolException.class,
                () -> VolumeOptions.validate(Map.of("color", "red")));
        assertThat(e.reason()).isEqualTo(Reason.INVALID);
        assertThat(e.getMessage()).contains("color").contains("bps, fsType, iops");
    }

    @Test
    void badValuesAreRefused() {
        for (Map<String, String> bad : new Map[] {Map.of("iops", "0"), Map.of("iops", "many"), Map.of("bps", "-1"),
                Map.of("fsType", "ntfs"), Map.of("iops", " "), Map.of("iops", "1".repeat(65))}) {
            assertThat(catchThrowableOfType(LunpoolException.class, () -> VolumeOptions.validate(bad)).reason())
                    .as("%s", bad).isEqualTo(Reason.INVALID);
        }
    }
}
