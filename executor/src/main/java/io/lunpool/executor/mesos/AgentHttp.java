package io.lunpool.executor.mesos;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.mesos.v1.executor.Protos.Call;

/**
 * The HTTP side of the executor API: one POST per call to the agent's {@code /api/v1/executor}, in protobuf
 * ({@code Content-Type} and {@code Accept} exactly {@code application/x-protobuf}), over HTTP/1.1, with the
 * executor's token as {@code Authorization: Bearer} when the agent gave one. SUBSCRIBE answers 200 with an endless
 * RecordIO stream of events; every other call answers 202.
 */
final class AgentHttp {
    static final String PROTOBUF = "application/x-protobuf";
    private static final int MAX_ERROR_BODY = 4096;

    /** The agent's answer to a call. */
    record Answer(int status, String body) {
    }

    /** The answer to SUBSCRIBE: the open event stream, or a refusal with its status. */
    sealed interface Subscription {
        record Opened(InputStream events) implements Subscription {
        }

        record Refused(int status, String body) implements Subscription {
        }
    }

    private final URI api;
    private final Optional<String> token;
    private final Duration callTimeout;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    AgentHttp(URI api, Optional<String> token, Duration callTimeout) {
        this.api = api;
        this.token = token;
        this.callTimeout = callTimeout;
    }

    URI api() {
        return api;
    }

    Subscription subscribe(Call call) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = http.send(request(call, Optional.of(callTimeout)),
                HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() == 200) {
            String type = response.headers().firstValue("Content-Type").orElse("<none>");
            if (!type.equals(PROTOBUF)) {
                response.body().close();
                return new Subscription.Refused(200, "the event stream came as " + type + ", not " + PROTOBUF);
            }
            return new Subscription.Opened(response.body());
        }
        return new Subscription.Refused(response.statusCode(), readBounded(response.body()));
    }

    CompletableFuture<Answer> call(Call call) {
        return http.sendAsync(request(call, Optional.of(callTimeout)), HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(r -> new Answer(r.statusCode(), new String(r.body(), 0,
                        Math.min(r.body().length, MAX_ERROR_BODY), StandardCharsets.UTF_8)));
    }

    private HttpRequest request(Call call, Optional<Duration> timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(api)
                .header("Content-Type", PROTOBUF)
                .header("Accept", PROTOBUF)
                .POST(HttpRequest.BodyPublishers.ofByteArray(call.toByteArray()));
        timeout.ifPresent(b::timeout);
        token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        return b.build();
    }

    private static String readBounded(InputStream in) throws IOException {
        try (in) {
            return new String(in.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8).strip();
        }
    }
}
