package io.lunpool.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lunpool.core.LunpoolException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommandRequestTest {
    @Test
    void aShellCommandRunsUnderShAndAnArgvCommandAsGiven() {
        CommandRequest shell = CommandRequest.shell("echo hi > f", Map.of("MODE", "rw"));
        CommandRequest argv = CommandRequest.argv("/bin/cat", List.of("cat", "f"), Map.of());

        assertThat(shell.argv()).containsExactly("/bin/sh", "-c", "echo hi > f");
        assertThat(argv.argv()).containsExactly("cat", "f");
        assertThat(CommandRequest.argv("/bin/true", List.of(), Map.of()).argv()).containsExactly("/bin/true");
        assertThat(CommandRequest.parse(shell.toJson())).isEqualTo(shell);
        assertThat(CommandRequest.parse(argv.toJson())).isEqualTo(argv);
        assertThat(CommandRequest.parse("{\"kind\":\"command\",\"value\":\"true\"}".getBytes(StandardCharsets.UTF_8))
                .shell()).as("shell is the default").isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{\"kind\":\"command\"}|'value' is missing",
            "{\"kind\":\"command\",\"value\":\"x\",\"user\":\"root\"}|command field 'user' is unknown",
            "{\"kind\":\"command\",\"value\":\"x\",\"arguments\":[\"a\"]}|'arguments' is for a command without a shell",
            "{\"kind\":\"command\",\"shell\":\"yes\",\"value\":\"x\"}|'shell' must be true or false",
            "{\"kind\":\"command\",\"value\":\"x\",\"environment\":{\"1A\":\"b\"}}|holds '1A'",
            "{\"kind\":\"command\",\"value\":\"x\",\"environment\":{\"A\":1}}|value of 'A' must be a string",
            "{\"kind\":\"chore\",\"value\":\"x\"}|'kind' must be 'command'"})
    void badCommandsAreRefusedNamingTheField(String json, String message) {
        assertThatThrownBy(() -> CommandRequest.parse(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(LunpoolException.class).hasMessageContaining(message);
    }
}
