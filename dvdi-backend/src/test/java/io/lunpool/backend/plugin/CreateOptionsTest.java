package io.lunpool.backend.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.api.CreateVolumeRequest;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CreateOptionsTest {

    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of(null, null, new CreateVolumeRequest("v1", null, null, Map.of(), null)),
                Arguments.of(Map.of(), "gold", new CreateVolumeRequest("v1", "gold", null, Map.of(), null)),
                Arguments.of(Map.of("size", "1G"), null, new CreateVolumeRequest("v1", null, "1G", Map.of(), null)),
                Arguments.of(Map.of("size", "1024M"), null, new CreateVolumeRequest("v1", null, "1G", Map.of(), null)),
                Arguments.of(Map.of("size", "10"), null, new CreateVolumeRequest("v1", null, "10", Map.of(), null)),
                Arguments.of(Map.of("pool", "silver"), "gold",
                        new CreateVolumeRequest("v1", "silver", null, Map.of(), null)),
                Arguments.of(Map.of("fsType", "xfs", "iops", "100", "bps", "10M"), null,
                        new CreateVolumeRequest("v1", null, null, Map.of("fsType", "xfs", "iops", "100", "bps", "10M"),
                                null)),
                Arguments.of(Map.of("FSTYPE", "ext4", "Size", "64m"), null,
                        new CreateVolumeRequest("v1", null, "64M", Map.of("fsType", "ext4"), null)));
    }

    @ParameterizedTest
    @MethodSource("valid")
    void validOptionsBecomeARequest(Map<String, String> opts, String defaultPool, CreateVolumeRequest expected) {
        assertThat(CreateOptions.toRequest("v1", opts, defaultPool)).isEqualTo(expected);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of(Map.of("color", "red"), "unknown option 'color'; valid options are bps, fsType, iops, pool, size"),
                Arguments.of(Map.of("size", "-1"), "negative"),
                Arguments.of(Map.of("size", "0"), "zero"),
                Arguments.of(Map.of("size", "99999999P"), "larger than"),
                Arguments.of(Map.of("size", "abc"), "cannot be parsed"),
                Arguments.of(Map.of("size", ""), "size is empty"),
                Arguments.of(Map.of("pool", "a/b"), "path separator"),
                Arguments.of(Map.of("fsType", "btrfs"), "fsType 'btrfs' is not supported"),
                Arguments.of(Map.of("iops", "many"), "positive whole number"),
                Arguments.of(Map.of("size", "1G", "SIZE", "2G"), "given twice"));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void invalidOptionsAreRefusedWithAClearMessage(Map<String, String> opts, String message) {
        assertThatThrownBy(() -> CreateOptions.toRequest("v1", opts, null))
                .isInstanceOfSatisfying(LunpoolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID))
                .hasMessageContaining(message);
    }

    @Test
    void nullOptionValueIsInvalid() {
        Map<String, String> opts = new HashMap<>();
        opts.put("iops", null);
        assertThatThrownBy(() -> CreateOptions.toRequest("v1", opts, null)).hasMessageContaining("empty value");
    }

    @Test
    void badVolumeNameIsInvalid() {
        assertThatThrownBy(() -> CreateOptions.toRequest("..", Map.of(), null)).isInstanceOf(LunpoolException.class);
    }
}
