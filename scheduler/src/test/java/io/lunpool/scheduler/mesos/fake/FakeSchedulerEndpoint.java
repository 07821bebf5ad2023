package io.lunpool.scheduler.mesos.fake;

import static io.lunpool.scheduler.mesos.fake.FakeMesosMaster.JSON;
import static io.lunpool.scheduler.mesos.fake.FakeMesosMaster.PROTOBUF;

import com.google.protobuf.InvalidProtocolBufferException;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.mesos.v1.scheduler.Protos.Call;

/**
 * The fake master's HTTP side: {@code /api/v1/scheduler} checked in the master's order (credentials, leadership,
 * recovery, method, Content-Type, body, call validation, Accept, stream id) before the call reaches the core,
 * and {@code /redirect}. Every request is recorded with the status it got.
 */
final class FakeSchedulerEndpoint {
    /** Whether this master leads, follows a leader (307) or knows none (503). */
    sealed interface Leadership {
        record Leading() implements Leadership {
        }

        record Following(String leaderHostPort) implements Leadership {
        }

        record NoLeader() implements Leadership {
        }
    }

    private final FakeMesosMaster.Settings settings;
    private final FakeMasterCore core;
    private final FakeMasterFaults faults;
    private final List<FakeMesosMaster.Received> received;
    private final List<FakeEventStream> streams;
    private final Supplier<String> self;
    private volatile Leadership leadership = new Leadership.Leading();
    private volatile boolean recovering;

    FakeSchedulerEndpoint(FakeMesosMaster.Settings settings, FakeMasterCore core, FakeMasterFaults faults,
                          List<FakeMesosMaster.Received> received, List<FakeEventStream> streams,
                          Supplier<String> self) {
        this.settings = settings;
        this.core = core;
        this.faults = faults;
        this.received = received;
        this.streams = streams;
        this.self = self;
    }

    void leadership(Leadership l) {
        leadership = l;
    }

    void recovering(boolean on) {
        recovering = on;
    }

    void route(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        if (path.equals("/api/v1/scheduler")) {
            scheduler(ex);
        } else if (path.equals("/redirect")) {
            byte[] body = ex.getRequestBody().readAllBytes();
            Leadership l = leadership;
            if (l instanceof Leadership.NoLeader) {
                answer(ex, body, Optional.empty(), 503, "No leader elected", Map.of());
            } else {
                String leader = l instanceof Leadership.Following f ? f.leaderHostPort() : self.get();
                answer(ex, body, Optional.empty(), 307, "", Map.of("Location", "//" + leader));
            }
        } else {
            answer(ex, ex.getRequestBody().readAllBytes(), Optional.empty(), 404, "", Map.of());
        }
    }

    private void scheduler(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        Headers h = ex.getRequestHeaders();
        Optional<String> principal = Optional.empty();
        if (!settings.credentials().isEmpty()) {
            principal = authenticated(h.getFirst("Authorization"));
            if (principal.isEmpty()) {
                answer(ex, body, Optional.empty(), 401, "Unauthorized",
                        Map.of("WWW-Authenticate", "Basic realm=\"mesos-master-scheduler\""));
                return;
            }
        }
        Leadership l = leadership;
        if (l instanceof Leadership.Following f) {
            answer(ex, body, Optional.empty(), 307, "", Map.of("Location", "//" + f.leaderHostPort()
                    + ex.getRequestURI().getRawPath()
                    + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery())));
            return;
        }
        if (l instanceof Leadership.NoLeader) {
            answer(ex, body, Optional.empty(), 503, "No leader elected", Map.of());
            return;
        }
        if (recovering) {
            answer(ex, body, Optional.empty(), 503, "Master has not finished recovery", Map.of());
            return;
        }
        if (!ex.getRequestMethod().equals("POST")) {
            answer(ex, body, Optional.empty(), 405, "Expecting one of { 'POST' }, but received '"
                    + ex.getRequestMethod() + "'", Map.of("Allow", "POST"));
            return;
        }
        String type = h.getFirst("Content-Type");
        if (type == null) {
            answer(ex, body, Optional.empty(), 400, "Expecting 'Content-Type' to be present", Map.of());
            return;
        }
        Call call;
        if (type.equals(PROTOBUF)) {
            try {
                call = Call.parseFrom(body);
            } catch (InvalidProtocolBufferException e) {
                answer(ex, body, Optional.empty(), 400, "Failed to parse body into Call protobuf", Map.of());
                return;
            }
        } else if (type.equals(JSON)) {
            try {
                call = (Call) StoutJson.parse(new String(body, StandardCharsets.UTF_8), Call.newBuilder());
            } catch (IllegalArgumentException e) {
                answer(ex, body, Optional.empty(), 400, e.getMessage(), Map.of());
                return;
            }
        } else {
            answer(ex, body, Optional.empty(), 415, "Expecting 'Content-Type' of " + JSON + " or " + PROTOBUF,
                    Map.of());
            return;
        }
        Optional<String> invalid = SchedulerCallRules.invalid(call, principal);
        if (invalid.isPresent()) {
            answer(ex, body, Optional.of(call), 400, "Failed to validate scheduler::Call: " + invalid.get(), Map.of());
            return;
        }
        if (call.getType() == Call.Type.SUBSCRIBE) {
            subscribe(ex, body, call, principal);
            return;
        }
        if (call.getType() == Call.Type.RECONCILE_OPERATIONS && accepted(h).isEmpty()) {
            answer(ex, body, Optional.of(call), 406, notAcceptable(), Map.of());
            return;
        }
        FakeMasterCore.Answer a = core.call(call, principal, Optional.ofNullable(h.getFirst("Mesos-Stream-Id")));
        Duration delay = faults.delayAnswers();
        if (!delay.isZero()) {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        answer(ex, body, Optional.of(call), a.status(), a.body(), Map.of());
    }

    private void subscribe(HttpExchange ex, byte[] body, Call call, Optional<String> principal) throws IOException {
        Optional<String> type = accepted(ex.getRequestHeaders());
        if (type.isEmpty()) {
            answer(ex, body, Optional.of(call), 406, notAcceptable(), Map.of());
            return;
        }
        if (ex.getRequestHeaders().containsKey("Mesos-Stream-Id")) {
            answer(ex, body, Optional.of(call), 400,
                    "Subscribe calls should not include the 'Mesos-Stream-Id' header", Map.of());
            return;
        }
        String streamId = UUID.randomUUID().toString();
        record(ex, body, Optional.of(call), 200, "");
        ex.getResponseHeaders().set("Content-Type", type.get());
        ex.getResponseHeaders().set("Mesos-Stream-Id", streamId);
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        FakeEventStream stream = new FakeEventStream(streamId, out, type.get().equals(JSON), faults);
        streams.add(stream);
        core.subscribe(call.getSubscribe(), principal, stream);
        boolean drop;
        try {
            drop = stream.awaitEnd();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drop = true;
        }
        if (drop) {
            throw new IOException("the fake master drops the subscription's connection");
        }
        out.close();
        ex.close();
    }

    private static Optional<String> accepted(Headers h) {
        String accept = h.getFirst("Accept");
        if (AcceptHeader.accepts(accept, JSON)) {
            return Optional.of(JSON);
        }
        if (AcceptHeader.accepts(accept, PROTOBUF)) {
            return Optional.of(PROTOBUF);
        }
        return Optional.empty();
    }

    private static String notAcceptable() {
        return "Expecting 'Accept' to allow '" + PROTOBUF + "' or '" + JSON + "'";
    }

    private Optional<String> authenticated(String header) {
        if (header == null || !header.startsWith("Basic ")) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        String principal = decoded.substring(0, colon);
        String secret = decoded.substring(colon + 1);
        return secret.equals(settings.credentials().get(principal)) ? Optional.of(principal) : Optional.empty();
    }

    private void answer(HttpExchange ex, byte[] body, Optional<Call> call, int status, String text,
                        Map<String, String> headers) throws IOException {
        record(ex, body, call, status, text);
        headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (!text.isEmpty()) {
            ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        }
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
        ex.close();
    }

    private void record(HttpExchange ex, byte[] body, Optional<Call> call, int status, String text) {
        Map<String, String> headers = new HashMap<>();
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
        received.add(new FakeMesosMaster.Received(ex.getRequestMethod(), ex.getRequestURI().getPath(), Map.copyOf(headers), call,
                body, status, text));
    }
}
