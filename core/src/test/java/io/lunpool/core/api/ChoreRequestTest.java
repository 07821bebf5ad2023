package io.lunpool.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.model.FsType;
import io.lunpool.core.model.LunTarget;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ChoreRequestTest {
    private static final String WWN = "naa.600a098000000000000000000000a1b2";
    private static final LunTarget LUN = new LunTarget(WWN, "/var/lib/lunpool/array/gold-1.img");

    @Test
    void aPrepareAndAWipeSurviveTheirJson() {
        ChoreRequest prepare = ChoreRequest.prepare(LUN, FsType.XFS, List.of("-m", "crc=1"));
        ChoreRequest wipe = ChoreRequest.wipe(LUN);

        assertThat(ChoreRequest.parse(prepare.toJson())).isEqualTo(prepare);
        assertThat(ChoreRequest.parse(wipe.toJson())).isEqualTo(wipe);
        assertThat(new String(wipe.toJson(), StandardCharsets.UTF_8)).isEqualTo("{\"kind\":\"wipe\",\"wwn\":\"" + WWN
                + "\",\"backing\":\"/var/lib/lunpool/array/gold-1.img\"}");
        assertThat(prepare.target()).isEqualTo(LUN);
        assertThat(ChoreRequest.wipe(new LunTarget(WWN, "")).target()).isEqualTo(new LunTarget(WWN, ""));
    }

    static Stream<Arguments> badBodies() {
        return Stream.of(
                Arguments.of("", "the chore body is empty"),
                Arguments.of("{", "not valid JSON"),
                Arguments.of("[1]", "must be a JSON object, not array"),
                Arguments.of("{\"kind\":\"prepare\",\"wwn\":\"" + WWN + "\",\"fsType\":\"ext4\",\"size\":\"1G\"}",
                        "chore field 'size' is unknown"),
                Arguments.of("{\"wwn\":\"" + WWN + "\"}", "'kind' is missing"),
                Arguments.of("{\"kind\":\"format\",\"wwn\":\"" + WWN + "\"}", "kind 'format' is unknown"),
                Arguments.of("{\"kind\":7,\"wwn\":\"" + WWN + "\"}", "'kind' must be a string, not number"),
                Arguments.of("{\"kind\":\"wipe\"}", "'wwn' is missing"),
                Arguments.of("{\"kind\":\"wipe\",\"wwn\":\"../etc\"}", "is not a LUN wwn"),
                Arguments.of("{\"kind\":\"wipe\",\"wwn\":\"" + WWN + "\",\"backing\":\"relative.img\"}",
                        "'backing' 'relative.img' is not an absolute"),
                Arguments.of("{\"kind\":\"wipe\",\"wwn\":\"" + WWN + "\",\"backing\":\"/a/../b.img\"}",
                        "not an absolute, normalised path"),
                Arguments.of("{\"kind\":\"prepare\",\"wwn\":\"" + WWN + "\"}", "'fsType' is missing"),
                Arguments.of("{\"kind\":\"prepare\",\"wwn\":\"" + WWN + "\",\"fsType\":\"btrfs\"}",
                        "fsType 'btrfs' is not supported"),
                Arguments.of("{\"kind\":\"prepare\",\"wwn\":\"" + WWN + "\",\"fsType\":\"ext4\",\"mkfsOptions\":\"-q\"}",
                        "'mkfsOptions' must be an array of strings"),
                Arguments.of("{\"kind\":\"prepare\",\"wwn\":\"" + WWN + "\",\"fsType\":\"ext4\",\"mkfsOptions\":[\"\"]}",
                        "holds an empty value"),
                Arguments.of("{\"kind\":\"wipe\",\"wwn\":\"" + WWN + "\",\"fsType\":\"ext4\"}",
                        "belong to a prepare"));
    }

    @ParameterizedTest
    @MethodSource("badBodies")
    void badInputIsRefusedNamingTheProblem(String body, String message) {
        assertThatThrownBy(() -> ChoreRequest.parse(body.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(LunpoolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID))
                .hasMessageContaining(message);
    }

    @Test
    void aBodyOverTheLimitIsRefused() {
        byte[] big = ("{\"kind\":\"wipe\",\"wwn\":\"" + WWN + "\",\"backing\":\"/" + "a".repeat(70_000) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ChoreRequest.parse(big)).hasMessageContaining("at most 65536 are allowed");
    }
}
