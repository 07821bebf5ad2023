package io.lunpool.executor.fake;

import com.google.protobuf.InvalidProtocolBufferException;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.mesos.v1.executor.Protos.Call;

/**
 * The fake agent's HTTP side ({@code Http::executor}), in the agent's order: 503 while it has not finished
 * recovery, 405 for another method than POST, 400 without Content-Type, 415 for another media type than exactly
 * {@code application/json} or {@code application/x-protobuf}, 400 for a body that does not parse or a call that
 * fails validation, 202 for HEARTBEAT, then for SUBSCRIBE 406 when {@code Accept} allows neither encoding, for other
 * calls 503 while executors re-register, 400 for an unknown framework or executor, 401 without the executor's
 * token when one is required, 403 for a call before the executor's first SUBSCRIBE, and finally 200 with the event
 * stream for SUBSCRIBE and 202 for UPDATE and MESSAGE.
 */
final class FakeAgentEndpoint {
    static final String JSON = "application/json";
    static final String PROTOBUF = "application/x-protobuf";
    private final FakeMesosAgent agent;

    FakeAgentEndpoint(FakeMesosAgent agent) {
        this.agent = agent;
    }

    void route(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        byte[] body = ex.getRequestBody().readAllBytes();
        if (!path.equals("/api/v1/executor") && !path.equals("/slave(1)/api/v1/executor")) {
            answer(ex, Optional.empty(), 404, "");
            return;
        }
        FakeMesosAgent.Phase phase = agent.phase();
        if (phase == FakeMesosAgent.Phase.UNAVAILABLE || phase == FakeMesosAgent.Phase.DOWN) {
            answer(ex, peek(ex.getRequestHeaders().getFirst("Content-Type"), body), 503,
                    "Agent has not finished recovery");
            return;
        }
        if (!ex.getRequestMethod().equals("POST")) {
            ex.getResponseHeaders().set("Allow", "POST");
            answer(ex, Optional.empty(), 405, "Expecting one of { 'POST' }, but received '" + ex.getRequestMethod()
                    + "'");
            return;
        }
        Headers h = ex.getRequestHeaders();
        String type = h.getFirst("Content-Type");
        if (type == null) {
            answer(ex, Optional.empty(), 400, "Expecting 'Content-Type' to be present");
            return;
        }
        Call call;
        if (type.equals(PROTOBUF)) {
            try {
                call = Call.parseFrom(body);
            } catch (InvalidProtocolBufferException e) {
                answer(ex, Optional.empty(), 400, "Failed to parse body into Call protobuf");
                return;
            }
        } else if (type.equals(JSON)) {
            try {
                call = AgentCallJson.parse(new String(body, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                answer(ex, Optional.empty(), 400, e.getMessage());
                return;
            }
        } else {
            answer(ex, Optional.empty(), 415, "Expecting 'Content-Type' of " + JSON + " or " + PROTOBUF);
            return;
        }
        Optional<String> invalid = ExecutorCallRules.invalid(call);
        if (invalid.isPresent()) {
            answer(ex, Optional.of(call), 400, "Failed to validate executor::Call: " + invalid.get());
            return;
        }
        if (call.getType() == Call.Type.HEARTBEAT) {
            answer(ex, Optional.of(call), 202, "");
            return;
        }
        Optional<String> accepted = Optional.empty();
        if (call.getType() == Call.Type.SUBSCRIBE) {
            accepted = accepted(h.getFirst("Accept"));
            if (accepted.isEmpty()) {
                answer(ex, Optional.of(call), 406, "Expecting 'Accept' to allow '" + PROTOBUF + "' or '" + JSON + "'");
                return;
            }
        } else if (phase == FakeMesosAgent.Phase.REREGISTERING) {
            answer(ex, Optional.of(call), 503, "Agent has not finished recovery");
            return;
        }
        if (!call.getFrameworkId().getValue().equals(agent.settings().frameworkId())) {
            answer(ex, Optional.of(call), 400, "Framework cannot be found");
            return;
        }
        Optional<FakeAgentExecutor> exec = agent.executorFor(call);
        if (exec.isEmpty()) {
            answer(ex, Optional.of(call), 400, "Executor cannot be found");
            return;
        }
        if (agent.settings().token().isPresent()
                && !("Bearer " + agent.settings().token().get()).equals(h.getFirst("Authorization"))) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"mesos-agent-executor\"");
            answer(ex, Optional.of(call), 401, "Unauthorized");
            return;
        }
        if (call.getType() != Call.Type.SUBSCRIBE && !registered(exec.get())) {
            answer(ex, Optional.of(call), 403, "Executor is not subscribed");
            return;
        }
        switch (call.getType()) {
            case SUBSCRIBE -> subscribe(ex, call, exec.get(), accepted.get());
            case UPDATE -> {
                answer(ex, Optional.of(call), 202, "");
                agent.updated(exec.get(), call.getUpdate().getStatus());
            }
            case MESSAGE -> answer(ex, Optional.of(call), 202, "");
            default -> answer(ex, Optional.of(call), 501, "Received 'UNKNOWN' call");
        }
    }

    /** The call, for the record only, when the body parses (the agent refused it before looking). */
    private static Optional<Call> peek(String type, byte[] body) {
        try {
            if (PROTOBUF.equals(type)) {
                return Optional.of(Call.parseFrom(body));
            }
            if (JSON.equals(type)) {
                return Optional.of(AgentCallJson.parse(new String(body, StandardCharsets.UTF_8)));
            }
        } catch (InvalidProtocolBufferException | IllegalArgumentException unparsable) {
            // recorded without a call
        }
        return Optional.empty();
    }

    private boolean registered(FakeAgentExecutor exec) {
        synchronized (agent) {
            return exec.registered;
        }
    }

    private void subscribe(HttpExchange ex, Call call, FakeAgentExecutor exec, String type) throws IOException {
        record(ex, Optional.of(call), 200, "");
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        AgentEventStream stream = new AgentEventStream(out, type.equals(JSON));
        agent.subscribed(exec, call.getSubscribe(), stream);
        boolean drop;
        try {
            drop = stream.awaitEnd();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drop = true;
        }
        if (drop) {
            throw new IOException("the fake agent drops the subscription's connection");
        }
        out.close();
        ex.close();
    }

    /** JSON when acceptable (no Accept header allows everything), else protobuf, else nothing (libprocess' rules). */
    static Optional<String> accepted(String accept) {
        if (acceptsMediaType(accept, JSON)) {
            return Optional.of(JSON);
        }
        if (acceptsMediaType(accept, PROTOBUF)) {
            return Optional.of(PROTOBUF);
        }
        return Optional.empty();
    }

    private static boolean acceptsMediaType(String header, String mediaType) {
        if (header == null) {
            return true;
        }
        String[] wanted = mediaType.split("/", 2);
        for (String item : header.split(",")) {
            String[] parts = item.trim().split(";");
            String range = parts[0].trim().toLowerCase();
            double q = 1.0;
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].trim();
                if (p.startsWith("q=")) {
                    try {
                        q = Double.parseDouble(p.substring(2));
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            if (q > 0 && (range.equals("*/*") || range.equals(mediaType) || range.equals(wanted[0] + "/*"))) {
                return true;
            }
        }
        return false;
    }

    private void answer(HttpExchange ex, Optional<Call> call, int status, String text) throws IOException {
        record(ex, call, status, text);
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

    private void record(HttpExchange ex, Optional<Call> call, int status, String text) {
        Map<String, String> headers = new HashMap<>();
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
        agent.received.add(new FakeMesosAgent.Received(ex.getRequestMethod(), ex.getRequestURI().getPath(),
                Map.copyOf(headers), call, status, text));
    }
}
