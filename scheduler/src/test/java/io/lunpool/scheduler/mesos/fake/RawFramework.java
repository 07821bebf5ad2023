package io.lunpool.scheduler.mesos.fake;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * A scheduler made of raw HTTP requests, for testing the fake master without the client: it subscribes on one
 * socket, reads that stream's events, and sends each call on a socket of its own with the stream id.
 */
final class RawFramework implements Closeable {
    static final Duration WAIT = Duration.ofSeconds(30);

    private final FakeMesosMaster master;
    private final RawHttp connection;
    final RawHttp.EventStream stream;
    final String streamId;
    final String frameworkId;
    final Event subscribed;

    private RawFramework(FakeMesosMaster master, RawHttp connection, RawHttp.EventStream stream, Event subscribed) {
        this.master = master;
        this.connection = connection;
        this.stream = stream;
        this.streamId = stream.header("Mesos-Stream-Id").orElseThrow();
        this.subscribed = subscribed;
        this.frameworkId = subscribed.getSubscribed().getFrameworkId().getValue();
    }

    /** Subscribes (JSON) and reads up to SUBSCRIBED. */
    static RawFramework subscribe(FakeMesosMaster master, FrameworkInfo info) throws IOException {
        RawHttp http = new RawHttp(master.url());
        RawHttp.EventStream s = http.stream("POST", "/api/v1/scheduler",
                headers(FakeMesosMaster.JSON, FakeMesosMaster.JSON), json(subscribeCall(info)));
        if (s.status != 200) {
            http.close();
            throw new IOException("SUBSCRIBE answered " + s.status);
        }
        Event first = s.nextEvent(WAIT);
        if (first.getType() != Event.Type.SUBSCRIBED) {
            http.close();
            throw new IOException("the first event is " + first);
        }
        return new RawFramework(master, http, s, first);
    }

    static FrameworkInfo info(String role, FrameworkInfo.Capability.Type... capabilities) {
        FrameworkInfo.Builder b = FrameworkInfo.newBuilder().setUser("root").setName("raw").setPrincipal("raw-principal")
                .setFailoverTimeout(60).addRoles(role)
                .addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.MULTI_ROLE));
        for (FrameworkInfo.Capability.Type c : capabilities) {
            b.addCapabilities(FrameworkInfo.Capability.newBuilder().setType(c));
        }
        return b.build();
    }

    static Call subscribeCall(FrameworkInfo info) {
        Call.Builder c = Call.newBuilder().setType(Call.Type.SUBSCRIBE)
                .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(info));
        if (info.hasId()) {
            c.setFrameworkId(info.getId());
        }
        return c.build();
    }

    static Map<String, String> headers(String contentType, String accept) {
        Map<String, String> h = new LinkedHashMap<>();
        if (contentType != null) {
            h.put("Content-Type", contentType);
        }
        if (accept != null) {
            h.put("Accept", accept);
        }
        return h;
    }

    static byte[] json(Call call) {
        try {
            return JsonFormat.printer().preservingProtoFieldNames().print(call).getBytes(StandardCharsets.UTF_8);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A call of this framework, with its framework id filled in. */
    Call.Builder call(Call.Type type) {
        return Call.newBuilder().setType(type).setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId));
    }

    /** Sends a call with this stream's id. */
    RawHttp.Response send(Call call) throws IOException {
        return send(call, streamId);
    }

    RawHttp.Response send(Call call, String withStreamId) throws IOException {
        try (RawHttp http = new RawHttp(master.url())) {
            Map<String, String> h = headers(FakeMesosMaster.JSON, FakeMesosMaster.JSON);
            if (withStreamId != null) {
                h.put("Mesos-Stream-Id", withStreamId);
            }
            return http.exchange("POST", "/api/v1/scheduler", h, json(call));
        }
    }

    /** The next event other than HEARTBEAT. */
    Event next() throws IOException {
        while (true) {
            Event e = stream.nextEvent(WAIT);
            if (e.getType() != Event.Type.HEARTBEAT) {
                return e;
            }
        }
    }

    /** The events other than HEARTBEAT up to and including the first of {@code type}. */
    List<Event> until(Event.Type type) throws IOException {
        List<Event> seen = new ArrayList<>();
        while (true) {
            Event e = next();
            seen.add(e);
            if (e.getType() == type) {
                return seen;
            }
        }
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }
}
