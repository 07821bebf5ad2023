package io.lunpool.executor.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BackendCallTest {
    private static BackendCall.Reply parse(String raw) throws IOException {
        return BackendCall.parse(raw.getBytes(StandardCharsets.ISO_8859_1), "/Chores.Wipe");
    }

    @Test
    void answersAreReadByLengthByChunksOrToTheEnd() throws IOException {
        assertThat(parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{\"Err\":\"\"}"))
                .isEqualTo(new BackendCall.Reply(200, "{\"Err\":\"\"}"));
        assertThat(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"Er\r\n6\r\nr\":\"\"}\r\n0\r\n\r\n"))
                .isEqualTo(new BackendCall.Reply(200, "{\"Err\":\"\"}"));
        assertThat(parse("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\nno such path"))
                .isEqualTo(new BackendCall.Reply(404, "no such path"));
    }

    @Test
    void aBrokenAnswerIsAnIoError() {
        assertThatThrownBy(() -> parse("")).hasMessageContaining("closed the connection before answering");
        assertThatThrownBy(() -> parse("SSH-2.0-OpenSSH\r\n\r\n")).hasMessageContaining("not HTTP/1.1");
        assertThatThrownBy(() -> parse("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{}")).hasMessageContaining(
                "ended after 2 of 50 bytes");
    }

    @Test
    void anErrBecomesAnExceptionWithItsReason() {
        LunpoolException e = BackendClient.error("IN_USE: volume v1 is attached to host agent-3");
        assertThat(e.reason()).isEqualTo(Reason.IN_USE);
        assertThat(e.getMessage()).isEqualTo("volume v1 is attached to host agent-3");
        assertThat(BackendClient.error("something odd").reason()).isEqualTo(Reason.HOST_ERROR);
        assertThat(BackendClient.error("BOGUS: x").getMessage()).isEqualTo("BOGUS: x");
    }
}
