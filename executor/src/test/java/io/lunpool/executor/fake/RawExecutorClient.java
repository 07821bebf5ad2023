package io.lunpool.executor.fake;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.lunpool.core.recordio.RecordIoDecoder;
import io.lunpool.core.recordio.RecordIoFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.executor.Protos.Call;
import org.apache.mesos.v1.executor.Protos.Event;

/**
 * An executor written by hand for the fake agent's own tests: raw requests with any headers and bodies, and a
 * subscription whose events (JSON, decoded from RecordIO) queue up for the test to take.
 */
final class RawExecutorClient implements AutoCloseable {
    private static final JsonFormat.Printer JSON =
            JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();
    private final URI api;
    private final String frameworkId;
    private final String executorId;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private volatile InputStream stream;

    RawExecutorClient(String endpoint, String frameworkId, String executorId) {
        this.api = URI.create("http://" + endpoint + "/api/v1/executor");
        this.frameworkId = frameworkId;
        this.executorId = executorId;
    }

    /** An answer's status and body. */
    record Answer(int status, Map<String, List<String>> headers, String body) {
    }

    Answer send(String method, String path, Map<String, String> headers, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.headers().map(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Answer json(Call call) {
        return send("POST", "/api/v1/executor", Map.of("Content-Type", "application/json"), print(call));
    }

    Answer protobuf(Call call) {
        return send("POST", "/api/v1/executor", Map.of("Content-Type", "application/x-protobuf"),
                call.toByteArray());
    }

    Call.Builder call(Call.Type type) {
        return Call.newBuilder().setType(type).setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId))
                .setExecutorId(ExecutorID.newBuilder().setValue(executorId));
    }

    Call subscribe(List<TaskInfo> unacknowledgedTasks, List<Call.Update> unacknowledgedUpdates) {
        return call(Call.Type.SUBSCRIBE).setSubscribe(Call.Subscribe.newBuilder()
                .addAllUnacknowledgedTasks(unacknowledgedTasks).addAllUnacknowledgedUpdates(unacknowledgedUpdates))
                .build();
    }

    Call.Update status(String taskId, TaskState state, ByteString uuid) {
        return Call.Update.newBuilder().setStatus(TaskStatus.newBuilder().setTaskId(TaskID.newBuilder()
                .setValue(taskId)).setState(state).setSource(TaskStatus.Source.SOURCE_EXECUTOR).setUuid(uuid)
                .setExecutorId(ExecutorID.newBuilder().setValue(executorId))).build();
    }

    Call update(Call.Update update) {
        return call(Call.Type.UPDATE).setUpdate(update).build();
    }

    static ByteString uuid() {
        UUID u = UUID.randomUUID();
        return ByteString.copyFrom(ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
                .putLong(u.getLeastSignificantBits()).array());
    }

    /** SUBSCRIBE as JSON; on 200 the events are read on a thread of their own. Returns the status and headers. */
    Answer openStream(Call subscribe, String accept) {
        HttpRequest.Builder b = HttpRequest.newBuilder(api).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(print(subscribe)));
        if (accept != null) {
            b.header("Accept", accept);
        }
        try {
            HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                String body = new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
                return new Answer(r.statusCode(), r.headers().map(), body);
            }
            stream = r.body();
            Thread reader = new Thread(() -> read(r.body()), "raw-executor-events");
            reader.setDaemon(true);
            reader.start();
            return new Answer(200, r.headers().map(), "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The next event, or fails after the timeout; the end of the stream fails with its reason. */
    Event next(Duration timeout) {
        try {
            Object e = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (e == null) {
                throw new AssertionError("no event within " + timeout);
            }
            if (e instanceof String end) {
                throw new AssertionError("the stream ended: " + end);
            }
            return (Event) e;
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ie);
        }
    }

    /** Waits for the stream to end (EOF or a dropped connection) and returns how it ended. */
    String awaitEnd(Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            try {
                Object e = events.poll(100, TimeUnit.MILLISECONDS);
                if (e instanceof String reason) {
                    return reason;
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ie);
            }
        }
        throw new AssertionError("the stream did not end within " + timeout);
    }

    private void read(InputStream in) {
        RecordIoDecoder decoder = new RecordIoDecoder(1 << 20);
        byte[] buf = new byte[8192];
        try (in) {
            for (int n; (n = in.read(buf)) != -1; ) {
                decoder.feed(buf, 0, n, record -> {
                    Event.Builder e = Event.newBuilder();
                    try {
                        JsonFormat.parser().ignoringUnknownFields().merge(new String(record, StandardCharsets.UTF_8), e);
                    } catch (InvalidProtocolBufferException ex) {
                        throw new UncheckedIOException(ex);
                    }
                    events.add(e.build());
                });
            }
            events.add("EOF");
        } catch (RecordIoFormatException e) {
            events.add("framing: " + e.getMessage());
        } catch (IOException | UncheckedIOException e) {
            events.add("error: " + e);
        }
    }

    static byte[] print(Call call) {
        try {
            return JSON.print(call).getBytes(StandardCharsets.UTF_8);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        InputStream s = stream;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing is all that is wanted
            }
        }
    }
}
