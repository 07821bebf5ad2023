package io.lunpool.scheduler.mesos.fake;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * HTTP/1.1 over a plain socket, for testing the fake master byte by byte: the request carries exactly the
 * headers given (plus Host and Content-Length), and a streamed response is read chunk by chunk, so a test sees
 * the chunk boundaries and the RecordIO framing as they are on the wire.
 */
public final class RawHttp implements Closeable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String host;

    /** A whole response. */
    public record Response(int status, Map<String, String> headers, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase()));
        }
    }

    public RawHttp(URI base) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
        socket.setSoTimeout(30_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        host = base.getHost() + ":" + base.getPort();
    }

    /** Sends a request and reads the whole response. */
    public Response exchange(String method, String path, Map<String, String> headers, byte[] body) throws IOException {
        send(method, path, headers, body);
        int status = statusLine();
        Map<String, String> h = headers();
        byte[] content;
        if ("chunked".equalsIgnoreCase(h.get("transfer-encoding"))) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (byte[] chunk; (chunk = chunk()) != null; ) {
                all.write(chunk);
            }
            content = all.toByteArray();
        } else {
            int length = Integer.parseInt(h.getOrDefault("content-length", "0"));
            content = in.readNBytes(length);
        }
        return new Response(status, h, content);
    }

    /** Sends a request whose response streams (SUBSCRIBE); the status and headers are read, the body is not. */
    public EventStream stream(String method, String path, Map<String, String> headers, byte[] body)
            throws IOException {
        send(method, path, headers, body);
        int status = statusLine();
        return new EventStream(status, headers());
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** A streamed response: its chunks as they arrive and the RecordIO records they carry. */
    public final class EventStream {
        public final int status;
        public final Map<String, String> headers;
        public final List<Integer> chunkSizes = new ArrayList<>();
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private boolean ended;

        EventStream(int status, Map<String, String> headers) {
            this.status = status;
            this.headers = headers;
        }

        public Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase()));
        }

        /** The next RecordIO record, read within {@code timeout}; empty when the stream ended cleanly. */
        public Optional<byte[]> nextRecord(Duration timeout) throws IOException {
            socket.setSoTimeout((int) timeout.toMillis());
            try {
                while (true) {
                    Optional<byte[]> record = takeRecord();
                    if (record.isPresent()) {
                        return record;
                    }
                    if (ended) {
                        if (pending.size() > 0) {
                            throw new EOFException("the stream ended inside a record (" + pending.size() + " bytes)");
                        }
                        return Optional.empty();
                    }
                    byte[] chunk = chunk();
                    if (chunk == null) {
                        ended = true;
                    } else {
                        chunkSizes.add(chunk.length);
                        pending.write(chunk);
                    }
                }
            } finally {
                socket.setSoTimeout(30_000);
            }
        }

        public Event nextEvent(Duration timeout) throws IOException {
            byte[] record = nextRecord(timeout).orElseThrow(() -> new EOFException("the stream ended"));
            boolean json = header("Content-Type").orElse("").equals(FakeMesosMaster.JSON);
            if (!json) {
                return Event.parseFrom(record);
            }
            Event.Builder e = Event.newBuilder();
            try {
                JsonFormat.parser().merge(new String(record, StandardCharsets.UTF_8), e);
            } catch (InvalidProtocolBufferException x) {
                throw new IOException("a JSON record is no Event: " + new String(record, StandardCharsets.UTF_8), x);
            }
            return e.build();
        }

        /** True when no record arrives within {@code wait} (the stream stays open and silent). */
        public boolean silentFor(Duration wait) throws IOException {
            try {
                nextRecord(wait);
                return false;
            } catch (SocketTimeoutException e) {
                return true;
            }
        }

        /** The bytes received beyond the last whole record. */
        public int partialBytes() {
            return pending.size();
        }

        private Optional<byte[]> takeRecord() {
            byte[] bytes = pending.toByteArray();
            int newline = -1;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    newline = i;
                    break;
                }
            }
            if (newline < 0) {
                return Optional.empty();
            }
            int length = Integer.parseInt(new String(bytes, 0, newline, StandardCharsets.US_ASCII));
            if (bytes.length - newline - 1 < length) {
                return Optional.empty();
            }
            byte[] record = new byte[length];
            System.arraycopy(bytes, newline + 1, record, 0, length);
            pending.reset();
            pending.write(bytes, newline + 1 + length, bytes.length - newline - 1 - length);
            return Optional.of(record);
        }
    }

    private void send(String method, String path, Map<String, String> headers, byte[] body) throws IOException {
        StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append("\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    private int statusLine() throws IOException {
        String line = line();
        String[] parts = line.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP status line: " + line);
        }
        return Integer.parseInt(parts[1]);
    }

    private Map<String, String> headers() throws IOException {
        Map<String, String> h = new HashMap<>();
        for (String line; !(line = line()).isEmpty(); ) {
            int colon = line.indexOf(':');
            h.merge(line.substring(0, colon).trim().toLowerCase(), line.substring(colon + 1).trim(),
                    (a, b) -> a + "," + b);
        }
        return h;
    }

    /** The next chunk of a chunked body; null for the last (empty) chunk. */
    private byte[] chunk() throws IOException {
        String size = line();
        int semicolon = size.indexOf(';');
        int length = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
        if (length == 0) {
            line();
            return null;
        }
        byte[] data = in.readNBytes(length);
        if (data.length < length) {
            throw new EOFException("the connection closed inside a chunk");
        }
        line();
        return data;
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c == -1) {
                throw new EOFException("the connection closed");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }
}
