package io.lunpool.executor.mesos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** EX-01: stout's duration format, as the agent writes it. */
class StoutDurationTest {
    @ParameterizedTest
    @CsvSource({
            "0ns, 0",
            "250ns, 250",
            "3us, 3000",
            "20ms, 20000000",
            "5secs, 5000000000",
            "1.5secs, 1500000000",
            ".5secs, 500000000",
            "15mins, 900000000000",
            "1hrs, 3600000000000",
            "2days, 172800000000000",
            "1weeks, 604800000000000",
            "0.25mins, 15000000000"})
    void ex01_parsesEveryUnitAndFractions(String text, long nanos) {
        assertThat(StoutDuration.parse(text)).isEqualTo(Duration.ofNanos(nanos));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "5|unknown duration unit ''",
            "2.|unknown duration unit ''",
            "secs|is not a duration",
            "-5secs|is not a duration",
            "5 secs|unknown duration unit ' secs'",
            "5s|unknown duration unit 's'",
            "5SECS|unknown duration unit 'SECS'",
            "1.2.3secs|is not a duration",
            ".secs|is not a duration",
            "99999999weeks|too long a duration"})
    void ex01_refusesWhatIsNotADuration(String text, String message) {
        assertThatThrownBy(() -> StoutDuration.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
