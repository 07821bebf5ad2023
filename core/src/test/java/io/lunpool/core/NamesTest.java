package io.lunpool.core;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class NamesTest {
    @ParameterizedTest
    @ValueSource(strings = {"v1", "my-volume", "data_01", "a.b", "UPPER9"})
    void dockerStyleNamesAreAccepted(String name) {
        assertThat(Names.volume(name)).isEqualTo(name);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''|missing or empty",
            "a|not valid",
            "-lead|not valid",
            "a/b|path separator",
            "a\\b|path separator",
            "a..b|'..'",
            "..|'..'",
            "white space|not valid",
            "ünï|not valid"})
    void badNamesAreRefusedWithTheReason(String name, String why) {
        LunpoolException e = catchThrowableOfType(LunpoolException.class, () -> Names.volume(name));
        assertThat(e.reason()).isEqualTo(Reason.INVALID);
        assertThat(e.getMessage()).contains(why);
    }

    @org.junit.jupiter.api.Test
    void longAndControlCharacterNamesAreRefused() {
        assertThat(catchThrowableOfType(LunpoolException.class, () -> Names.volume("x".repeat(300))).getMessage())
                .contains("300 characters");
        assertThat(catchThrowableOfType(LunpoolException.class, () -> Names.volume("ab\u0007c")).getMessage())
                .contains("control character");
        assertThat(catchThrowableOfType(LunpoolException.class, () -> Names.volume(null)).reason())
                .isEqualTo(Reason.INVALID);
        assertThat(Names.host("agent-3.example:1")).isEqualTo("agent-3.example:1");
    }
}
