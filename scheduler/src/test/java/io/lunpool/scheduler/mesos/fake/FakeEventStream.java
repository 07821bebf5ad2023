package io.lunpool.scheduler.mesos.fake;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * One subscription's event stream: RecordIO ({@code <length>\n<bytes>}) in the negotiated encoding, written to
 * the chunked HTTP response as the faults say. The HTTP handler thread waits in {@link #awaitEnd()} until the
 * stream ends, then ends the response or, for an abort, drops the connection.
 */
final class FakeEventStream {
    private static final JsonFormat.Printer JSON =
            JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();

    final String streamId;
    private final OutputStream out;
    private final boolean json;
    private final FakeMasterFaults faults;
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile boolean aborted;
    private volatile boolean broken;

    FakeEventStream(String streamId, OutputStream out, boolean json, FakeMasterFaults faults) {
        this.streamId = streamId;
        this.out = out;
        this.json = json;
        this.faults = faults;
    }

    /** Writes the events as records; false when the stream is over or the write failed (the client is gone). */
    synchronized boolean send(List<Event> events) {
        if (broken || ended.getCount() == 0) {
            return false;
        }
        if (faults.takeCut()) {
            byte[] record = frame(events.get(0));
            return cut(record);
        }
        try {
            if (faults.coalesce()) {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                for (Event e : events) {
                    all.write(frame(e));
                }
                write(all.toByteArray());
            } else {
                for (Event e : events) {
                    write(frame(e));
                }
            }
            return true;
        } catch (IOException e) {
            broken = true;
            ended.countDown();
            return false;
        }
    }

    boolean send(Event event) {
        return send(List.of(event));
    }

    /** Writes bytes as they are (to break the framing on purpose). */
    synchronized boolean sendRaw(byte[] bytes) {
        try {
            write(bytes);
            return true;
        } catch (IOException e) {
            broken = true;
            ended.countDown();
            return false;
        }
    }

    /** Ends the response normally (the last chunk); the client sees EOF. */
    void end() {
        ended.countDown();
    }

    /** Drops the connection without ending the response. */
    void abort() {
        aborted = true;
        ended.countDown();
    }

    boolean over() {
        return ended.getCount() == 0;
    }

    /** Blocks the handler until the stream is over; true when it must drop the connection. */
    boolean awaitEnd() throws InterruptedException {
        while (!ended.await(1, TimeUnit.SECONDS)) {
            // the stream lives until end() or abort()
        }
        return aborted || broken;
    }

    private boolean cut(byte[] record) {
        try {
            out.write(record, 0, Math.max(1, record.length / 2));
            out.flush();
        } catch (IOException e) {
            broken = true;
        }
        abort();
        return false;
    }

    private void write(byte[] bytes) throws IOException {
        int size = faults.chunkSize();
        if (size <= 0) {
            out.write(bytes);
            out.flush();
            return;
        }
        for (int i = 0; i < bytes.length; i += size) {
            out.write(bytes, i, Math.min(size, bytes.length - i));
            out.flush();
        }
    }

    private byte[] frame(Event event) {
        byte[] payload;
        if (json) {
            try {
                payload = JSON.print(event).getBytes(StandardCharsets.UTF_8);
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException(e);
            }
        } else {
            payload = event.toByteArray();
        }
        byte[] head = (payload.length + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] record = new byte[head.length + payload.length];
        System.arraycopy(head, 0, record, 0, head.length);
        System.arraycopy(payload, 0, record, head.length, payload.length);
        return record;
    }
}
