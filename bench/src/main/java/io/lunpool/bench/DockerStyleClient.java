package io.lunpool.bench;

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
import java.util.Locale;

/**
 * One keep-alive connection to a volume plugin socket that writes requests as dockerd 20.10 does (spec §1.3):
 * {@code POST}, an empty {@code Host:}, {@code User-Agent: Go-http-client/1.1}, {@code Content-Length}, {@code
 * Accept: application/vnd.docker.plugins.v1.2+json}, no Content-Type, the JSON body and a trailing newline;
 * {@code Plugin.Activate} with an empty body. Not thread-safe: one client per worker, like one dockerd connection.
 */
final class DockerStyleClient implements Closeable {
    private static final String ACCEPT = "application/vnd.docker.plugins.v1.2+json";
    private final SocketChannel channel;
    private final Selector selector;
    private final long timeoutMillis;
    private final ByteBuffer in = ByteBuffer.allocate(64 * 1024);

    private DockerStyleClient(SocketChannel channel, Duration timeout) throws IOException {
        this.channel = channel;
        this.timeoutMillis = timeout.toMillis();
        channel.configureBlocking(false);
        this.selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
    }

    static DockerStyleClient connect(Path socket, Duration timeout) {
        try {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            return new DockerStyleClient(ch, timeout);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to the plugin socket " + socket, e);
        }
    }

    /** Posts {@code body + "\n"} ({@code null}: an empty body) to {@code /<path>} and returns the answer body. */
    String post(String path, String body) {
        byte[] payload = body == null ? new byte[0] : (body + "\n").getBytes(StandardCharsets.UTF_8);
        String head = "POST /" + path + " HTTP/1.1\r\n"
                + "Host: \r\n"
                + "User-Agent: Go-http-client/1.1\r\n"
                + "Content-Length: " + payload.length + "\r\n"
                + "Accept: " + ACCEPT + "\r\n"
                + "\r\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream(head.length() + payload.length);
        out.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(payload);
        try {
            ByteBuffer buf = ByteBuffer.wrap(out.toByteArray());
            while (buf.hasRemaining()) {
                if (channel.write(buf) == 0) {
                    Thread.onSpinWait();
                }
            }
            return readAnswer(path);
        } catch (IOException e) {
            throw new UncheckedIOException(path + " on the plugin socket failed", e);
        }
    }

    private String readAnswer(String path) throws IOException {
        int headEnd;
        while ((headEnd = indexOf(in, "\r\n\r\n")) < 0) {
            fill(path);
        }
        String head = new String(in.array(), 0, headEnd, StandardCharsets.ISO_8859_1);
        String status = head.substring(0, head.indexOf("\r\n"));
        if (!status.startsWith("HTTP/1.1 200")) {
            throw new IOException(path + " answered '" + status + "'");
        }
        consume(headEnd + 4);
        String lower = head.toLowerCase(Locale.ROOT);
        int cl = lower.indexOf("\r\ncontent-length:");
        if (cl >= 0) {
            int end = lower.indexOf("\r\n", cl + 2);
            int length = Integer.parseInt(head.substring(cl + 17, end < 0 ? head.length() : end).trim());
            return new String(take(length, path), StandardCharsets.UTF_8);
        }
        if (!lower.contains("\r\ntransfer-encoding: chunked")) {
            throw new IOException(path + " answered without Content-Length or chunked encoding");
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            int lineEnd;
            while ((lineEnd = indexOf(in, "\r\n")) < 0) {
                fill(path);
            }
            int size = Integer.parseInt(new String(in.array(), 0, lineEnd, StandardCharsets.US_ASCII)
                    .split(";")[0].trim(), 16);
            consume(lineEnd + 2);
            byte[] chunk = take(size + 2, path);
            if (size == 0) {
                return body.toString(StandardCharsets.UTF_8);
            }
            body.write(chunk, 0, size);
        }
    }

    private byte[] take(int n, String path) throws IOException {
        while (in.position() < n) {
            fill(path);
        }
        byte[] out = new byte[n];
        System.arraycopy(in.array(), 0, out, 0, n);
        consume(n);
        return out;
    }

    private void consume(int n) {
        in.flip();
        in.position(n);
        in.compact();
    }

    private void fill(String path) throws IOException {
        if (selector.select(timeoutMillis) == 0) {
            throw new IOException("no answer to " + path + " within " + timeoutMillis + " ms");
        }
        selector.selectedKeys().clear();
        if (channel.read(in) < 0) {
            throw new IOException("the plugin closed the connection during " + path);
        }
    }

    private static int indexOf(ByteBuffer buf, String marker) {
        byte[] a = buf.array();
        byte[] m = marker.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + m.length <= buf.position(); i++) {
            for (int j = 0; j < m.length; j++) {
                if (a[i + j] != m[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void close() {
        try {
            selector.close();
            channel.close();
        } catch (IOException e) {
            // closing a connection we are done with: nothing to do about it
        }
    }
}
