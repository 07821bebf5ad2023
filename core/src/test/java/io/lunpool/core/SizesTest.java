package io.lunpool.core;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class SizesTest {
    @ParameterizedTest
    @CsvSource({"1,1", "64M,67108864", "64m,67108864", "64MiB,67108864", "64MB,67108864", "1G,1073741824",
            "1.5G,1610612736", "2T,2199023255552", "1k,1024", "' 10G ',10737418240", "1P,1125899906842624"})
    void sizesWithBinaryUnits(String text, long bytes) {
        assertThat(Sizes.parse(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "-1", "-64M", "0", "0.0G", "abc", "12X", "1..5G", "99999999P", "1e9", "G"})
    void badSizesAreRefused(String text) {
        assertThat(catchThrowableOfType(LunpoolException.class, () -> Sizes.parse(text)).reason())
                .isEqualTo(Reason.INVALID);
    }

    @ParameterizedTest
    @CsvSource({"67108864,64M", "1073741824,1G", "1000,1000", "1536,1536", "3072,3K"})
    void formatPicksTheLargestExactUnit(long bytes, String text) {
        assertThat(Sizes.format(bytes)).isEqualTo(text);
    }
}
