package io.lunpool.executor.backend;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One HTTP/1.1 POST to the backend on its unix socket, on a connection of its own ({@code Connection: close}):
 * the JDK's HTTP client speaks TCP only. It blocks until the whole answer is read; {@link #abort} from another
 * thread closes the connection, and the waiting {@link #post} fails at once. The answer's body is read by
 * {@code Content-Length}, chunks, or up to the end of the connection.
 */
public final class BackendCall implements AutoCloseable {
    private static final int MAX_ANSWER = 1 << 20;

    /** The status and body of an answer. */
    public record Reply(int status, String body) {
    }

    private final Path socket;
    private volatile SocketChannel channel;
    private volatile boolean aborted;

    public BackendCall(Path socket) {
        this.socket = socket;
    }

    /** Sends {@code body} (JSON) to {@code path} and returns the answer; IOException when the exchange fails. */
    public Reply post(String path, byte[] body) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel = ch;
        try (ch) {
            if (aborted) {
                throw new IOException("the call to " + path + " was aborted");
            }
            ch.connect(UnixDomainSocketAddress.of(socket));
            String head = "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Accept: application/json\r\nConnection: close\r\nContent-Length: " + body.length + "\r\n\r\n";
            ByteBuffer out = ByteBuffer.allocate(head.length() + body.length);
            out.put(head.getBytes(StandardCharsets.US_ASCII)).put(body).flip();
            while (out.hasRemaining()) {
                ch.write(out);
            }
            return parse(readAll(ch), path);
        } catch (IOException e) {
            if (aborted) {
                throw new IOException("the call to " + path + " was aborted", e);
            }
            throw e;
        }
    }

    /** Closes the connection; a {@link #post} under way fails. */
    public void abort() {
        aborted = true;
        SocketChannel ch = channel;
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing is all that is wanted
            }
        }
    }

    @Override
    public void close() {
        abort();
    }

    private static byte[] readAll(SocketChannel ch) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(8192);
        while (ch.read(buf) >= 0) {
            all.write(buf.array(), 0, buf.position());
            buf.clear();
            if (all.size() > MAX_ANSWER) {
                throw new IOException("the backend's answer is longer than " + MAX_ANSWER + " bytes");
            }
        }
        return all.toByteArray();
    }

    static Reply parse(byte[] raw, String path) throws IOException {
        int headEnd = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
        if (headEnd < 0) {
            throw new IOException("the backend closed the connection before answering " + path);
        }
        String[] lines = new String(raw, 0, headEnd, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] statusLine = lines[0].split(" ");
        if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.")) {
            throw new IOException("the backend answered " + path + " with '" + lines[0] + "', not HTTP/1.1");
        }
        int status;
        try {
            status = Integer.parseInt(statusLine[1]);
        } catch (NumberFormatException e) {
            throw new IOException("the backend answered " + path + " with the status line '" + lines[0] + "'", e);
        }
        long length = -1;
        boolean chunked = false;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            if (name.equals("content-length")) {
                length = Long.parseLong(value);
            } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                chunked = true;
            }
        }
        int start = headEnd + 4;
        byte[] body;
        if (chunked) {
            body = dechunk(raw, start);
        } else if (length >= 0) {
            if (start + length > raw.length) {
                throw new IOException("the backend's answer to " + path + " ended after " + (raw.length - start)
                        + " of " + length + " bytes");
            }
            body = java.util.Arrays.copyOfRange(raw, start, (int) (start + length));
        } else {
            body = java.util.Arrays.copyOfRange(raw, start, raw.length);
        }
        return new Reply(status, new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(byte[] raw, int at) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] crlf = "\r\n".getBytes(StandardCharsets.US_ASCII);
        while (true) {
            int lineEnd = indexOf(raw, crlf, at);
            if (lineEnd < 0) {
                throw new IOException("the backend's chunked answer ended early");
            }
            String size = new String(raw, at, lineEnd - at, StandardCharsets.US_ASCII).split(";")[0].trim();
            int n = Integer.parseInt(size, 16);
            if (n == 0) {
                return out.toByteArray();
            }
            at = lineEnd + 2;
            if (at + n > raw.length) {
                throw new IOException("the backend's chunked answer ended early");
            }
            out.write(raw, at, n);
            at += n + 2;
        }
    }

    private static int indexOf(byte[] a, byte[] b, int from) {
        outer:
        for (int i = from; i + b.length <= a.length; i++) {
            for (int j = 0; j < b.length; j++) {
                if (a[i + j] != b[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
