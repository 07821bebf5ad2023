package io.lunpool.backend.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A raw HTTP/1.1 client on a unix socket that writes requests byte for byte as dockerd 20.10 and dvdcli do:
 * {@code POST}, an empty {@code Host:}, {@code User-Agent: Go-http-client/1.1}, {@code Content-Length} (never
 * chunked), {@code Accept: application/vnd.docker.plugins.v1.2+json}, no Content-Type, the JSON body followed by
 * a newline; {@code Plugin.Activate} with an empty body. One client is one keep-alive connection.
 *
 * <pre>
 * try (PluginSocketClient c = PluginSocketClient.connect(socket)) {
 *     c.post("/Plugin.Activate", null);
 *     String mp = c.post("/VolumeDriver.Mount", "{\"Name\":\"d1\"}").json().get("Mountpoint").asText();
 * }
 * </pre>
 */
public final class PluginSocketClient implements Closeable {
    public static final String ACCEPT = "application/vnd.docker.plugins.v1.2+json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final SocketChannel channel;
    private final Selector selector;
    private final Duration timeout;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    private PluginSocketClient(SocketChannel channel, Duration timeout) throws IOException {
        this.channel = channel;
        this.timeout = timeout;
        channel.configureBlocking(false);
        this.selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
    }

    public static PluginSocketClient connect(Path socket) {
        return connect(socket, Duration.ofSeconds(30));
    }

    public static PluginSocketClient connect(Path socket, Duration readTimeout) {
        try {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            return new PluginSocketClient(ch, readTimeout);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to " + socket, e);
        }
    }

    /** An answer: status, headers (names lower case) and body. */
    public record Reply(int status, Map<String, String> headers, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("answer is not JSON: " + body, e);
            }
        }

        /** The {@code Err} field of a JSON answer ("" on success). */
        public String err() {
            JsonNode err = json().get("Err");
            return err == null || err.isNull() ? "" : err.asText();
        }
    }

    /** Sends {@code body + "\n"} (or an empty body when null, like Activate) and reads the answer. */
    public Reply post(String path, String body) {
        send(path, body);
        return read();
    }

    /** Sends exactly these bytes as the body and reads the answer. */
    public Reply postRaw(String path, byte[] body) {
        sendRaw(path, body);
        return read();
    }

    /** Sends a request without reading the answer (to close the connection before it comes). */
    public void send(String path, String body) {
        sendRaw(path, body == null ? new byte[0] : (body + "\n").getBytes(StandardCharsets.UTF_8));
    }

    public void sendRaw(String path, byte[] body) {
        String head = "POST " + path + " HTTP/1.1\r\n"
                + "Host: \r\n"
                + "User-Agent: Go-http-client/1.1\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Accept: " + ACCEPT + "\r\n"
                + "\r\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(body);
        write(out.toByteArray());
    }

    /** Writes raw bytes on the connection. */
    public void write(byte[] bytes) {
        try {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                if (channel.write(buf) == 0) {
                    Thread.onSpinWait();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one answer. */
    public Reply read() {
        String head = new String(readUntilHeadEnd(), StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
        }
        byte[] body;
        if (headers.containsKey("content-length")) {
            body = readExactly(Integer.parseInt(headers.get("content-length")));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = new String(readLine(), StandardCharsets.US_ASCII).trim();
                int size = Integer.parseInt(sizeLine.split(";")[0], 16);
                if (size == 0) {
                    readLine();
                    break;
                }
                all.writeBytes(readExactly(size));
                readLine();
            }
            body = all.toByteArray();
        } else {
            body = new byte[0];
        }
        return new Reply(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    /** True when the server has closed the connection (reads end of stream within the timeout). */
    public boolean isClosedByServer() {
        try {
            return fill() < 0;
        } catch (UncheckedIOException e) {
            return true;
        }
    }

    @Override
    public void close() {
        try {
            selector.close();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private byte[] readUntilHeadEnd() {
        while (true) {
            byte[] b = pending.toByteArray();
            for (int i = 0; i + 3 < b.length; i++) {
                if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                    return take(i + 4);
                }
            }
            if (fill() < 0) {
                throw new UncheckedIOException(new IOException("connection closed before an answer"));
            }
        }
    }

    private byte[] readLine() {
        while (true) {
            byte[] b = pending.toByteArray();
            for (int i = 0; i + 1 < b.length; i++) {
                if (b[i] == '\r' && b[i + 1] == '\n') {
                    return take(i + 2);
                }
            }
            if (fill() < 0) {
                throw new UncheckedIOException(new IOException("connection closed in a chunked body"));
            }
        }
    }

    private byte[] readExactly(int n) {
        while (pending.size() < n) {
            if (fill() < 0) {
                throw new UncheckedIOException(new IOException("connection closed in the body"));
            }
        }
        return take(n);
    }

    private byte[] take(int n) {
        byte[] b = pending.toByteArray();
        pending.reset();
        pending.write(b, n, b.length - n);
        byte[] out = new byte[n];
        System.arraycopy(b, 0, out, 0, n);
        return out;
    }

    private int fill() {
        try {
            if (selector.select(timeout.toMillis()) == 0) {
                throw new UncheckedIOException(new IOException("no answer within " + timeout));
            }
            selector.selectedKeys().clear();
            ByteBuffer buf = ByteBuffer.allocate(8192);
            int n = channel.read(buf);
            if (n > 0) {
                pending.write(buf.array(), 0, n);
            }
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
