package io.lunpool.executor.fake;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.executor.Protos.Event;

/**
 * One executor subscription's event stream: RecordIO ({@code <length>\n<bytes>}) in the negotiated encoding on the
 * chunked HTTP response. The HTTP handler thread waits in {@link #awaitEnd()} until the stream ends, then ends the
 * response or, for an abort (the agent going away), drops the connection.
 */
final class AgentEventStream {
    private static final JsonFormat.Printer JSON =
            JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();
    private final OutputStream out;
    private final boolean json;
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile boolean aborted;

    AgentEventStream(OutputStream out, boolean json) {
        this.out = out;
        this.json = json;
    }

    /** Writes the event as one record; false when the stream is over or the executor is gone. */
    synchronized boolean send(Event event) {
        if (ended.getCount() == 0) {
            return false;
        }
        try {
            byte[] payload = json ? JSON.print(event).getBytes(StandardCharsets.UTF_8) : event.toByteArray();
            out.write((payload.length + "\n").getBytes(StandardCharsets.US_ASCII));
            out.write(payload);
            out.flush();
            return true;
        } catch (IOException e) {
            abort();
            return false;
        }
    }

    /** Ends the response normally: the executor reads EOF. */
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
        return aborted;
    }

    static String print(Event event) {
        try {
            return JSON.print(event);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}
