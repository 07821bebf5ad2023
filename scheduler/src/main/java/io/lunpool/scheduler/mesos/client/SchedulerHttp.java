package io.lunpool.scheduler.mesos.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.scheduler.Protos.Call;

/**
 * The HTTP side of the scheduler API: one POST per call to {@code /api/v1/scheduler} with the exact media type,
 * {@code Accept}, the stream id on every call but SUBSCRIBE, and Basic credentials when configured. A 307 is
 * followed by hand (the JDK client would turn the POST into a GET): its protocol-relative {@code Location} is
 * resolved against the current URL and the same call is sent again, at most {@code maxRedirects} times. Calls
 * answered 503 (no leader, master recovering) are sent again with backoff until the call timeout.
 */
final class SchedulerHttp {
    static final String PATH = "/api/v1/scheduler";
    static final String STREAM_ID = "Mesos-Stream-Id";
    private static final int MAX_ERROR_BODY = 4096;

    /** The master's answer to a call, and the base URL of the master that gave it. */
    record Answer(int status, String body, URI base) {
    }

    /** The answer to SUBSCRIBE: an open event stream, or a refusal with its status. */
    sealed interface Subscription {
        record Opened(URI base, String streamId, InputStream events) implements Subscription {
        }

        record Refused(URI base, int status, String body) implements Subscription {
        }
    }

    private final HttpClient http;
    private final MesosCodec codec;
    private final Optional<MesosCredentials> credentials;
    private final Duration timeout;
    private final int maxRedirects;
    private final ReconnectBackoff unavailableBackoff;
    private final Clock clock;

    SchedulerHttp(HttpClient http, MesosCodec codec, Optional<MesosCredentials> credentials, Duration timeout,
                  int maxRedirects, ReconnectBackoff unavailableBackoff, Clock clock) {
        this.http = http;
        this.codec = codec;
        this.credentials = credentials;
        this.timeout = timeout;
        this.maxRedirects = maxRedirects;
        this.unavailableBackoff = unavailableBackoff;
        this.clock = clock;
    }

    static HttpClient client(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .build();
    }

    /** Sends SUBSCRIBE and, on 200, hands back the open event stream; redirects are followed. */
    Subscription subscribe(URI base, Call call, MasterDetector detector) throws IOException, InterruptedException {
        byte[] body = codec.encode(call);
        URI current = base;
        for (int redirects = 0; ; redirects++) {
            HttpResponse<InputStream> response = http.send(request(current, body, Optional.empty(), timeout),
                    HttpResponse.BodyHandlers.ofInputStream());
            int status = response.statusCode();
            if (status == 200) {
                Optional<String> type = response.headers().firstValue("Content-Type");
                Optional<String> streamId = response.headers().firstValue(STREAM_ID);
                if (type.isEmpty() || !type.get().equals(codec.type().mediaType()) || streamId.isEmpty()) {
                    response.body().close();
                    return new Subscription.Refused(current, status, "the subscription answered with Content-Type "
                            + type.orElse("<none>") + " and stream id " + streamId.orElse("<none>")
                            + "; expected " + codec.type().mediaType() + " and a stream id");
                }
                return new Subscription.Opened(current, streamId.get(), response.body());
            }
            String text = readBounded(response.body());
            if (status != 307) {
                return new Subscription.Refused(current, status, text);
            }
            Optional<URI> next = redirect(current, response.headers().firstValue("Location"));
            if (next.isEmpty() || redirects + 1 > maxRedirects) {
                return new Subscription.Refused(current, status, next.isEmpty() ? "a 307 without a usable Location"
                        : "more than " + maxRedirects + " redirects, the last to " + next.get());
            }
            current = next.get();
            detector.leaderSeen(current);
        }
    }

    /** Sends a call on the subscription's stream id; redirects are followed, 503s retried until the timeout. */
    CompletableFuture<Answer> call(URI base, Call call, String streamId) {
        byte[] body = codec.encode(call);
        Instant deadline = clock.instant().plus(timeout);
        return attempt(base, body, streamId, 0, 0, deadline)
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private CompletableFuture<Answer> attempt(URI base, byte[] body, String streamId, int redirects, int retries,
                                              Instant deadline) {
        Duration left = Duration.between(clock.instant(), deadline);
        if (left.isNegative() || left.isZero()) {
            return CompletableFuture.failedFuture(new MesosCallException("no answer within " + timeout, 0));
        }
        return http.sendAsync(request(base, body, Optional.of(streamId), left), HttpResponse.BodyHandlers.ofString())
                .thenCompose(response -> {
                    int status = response.statusCode();
                    if (status == 307) {
                        Optional<URI> next = redirect(base, response.headers().firstValue("Location"));
                        if (next.isEmpty() || redirects + 1 > maxRedirects) {
                            return CompletableFuture.completedFuture(new Answer(status, next.isEmpty()
                                    ? "a 307 without a usable Location"
                                    : "more than " + maxRedirects + " redirects, the last to " + next.get(), base));
                        }
                        return attempt(next.get(), body, streamId, redirects + 1, retries, deadline);
                    }
                    if (status == 503) {
                        Duration wait = unavailableBackoff.delay(retries);
                        if (clock.instant().plus(wait).isBefore(deadline)) {
                            return CompletableFuture.supplyAsync(() -> null,
                                            CompletableFuture.delayedExecutor(wait.toMillis(), TimeUnit.MILLISECONDS))
                                    .thenCompose(x -> attempt(base, body, streamId, redirects, retries + 1, deadline));
                        }
                    }
                    return CompletableFuture.completedFuture(new Answer(status, response.body(), base));
                });
    }

    private HttpRequest request(URI base, byte[] body, Optional<String> streamId, Duration wait) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(PATH))
                .timeout(wait)
                .header("Content-Type", codec.type().mediaType())
                .header("Accept", codec.type().mediaType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        streamId.ifPresent(id -> b.header(STREAM_ID, id));
        credentials.ifPresent(c -> b.header("Authorization", c.authorization()));
        return b.build();
    }

    /** The base URL ({@code scheme://host:port}) a Location names, resolved against the current one. */
    static Optional<URI> redirect(URI current, Optional<String> location) {
        if (location.isEmpty() || location.get().isBlank()) {
            return Optional.empty();
        }
        try {
            URI target = current.resolve(PATH).resolve(location.get().trim());
            if (target.getHost() == null || target.getScheme() == null) {
                return Optional.empty();
            }
            return Optional.of(new URI(target.getScheme(), null, target.getHost(), target.getPort(), null, null, null));
        } catch (IllegalArgumentException | URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static String readBounded(InputStream in) throws IOException {
        try (in) {
            byte[] bytes = in.readNBytes(MAX_ERROR_BODY);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
