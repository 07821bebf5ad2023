package io.lunpool.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.lunpool.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/** Raw HTTP against one instance: exact bytes out, status, headers and body back; redirects are not followed. */
final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    Http(String base) {
        this.base = base;
    }

    record Reply(int status, String body, Optional<String> location, Optional<String> contentType) {
        JsonNode json() {
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (status " + status + "): " + body, e);
            }
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    Reply get(String path) {
        return send("GET", path, null, null);
    }

    Reply delete(String path) {
        return send("DELETE", path, null, null);
    }

    Reply post(String path, String json) {
        return send("POST", path, "application/json", json == null ? null : HttpRequest.BodyPublishers.ofString(json));
    }

    Reply put(String path, String json) {
        return send("PUT", path, "application/json", json == null ? null : HttpRequest.BodyPublishers.ofString(json));
    }

    Reply send(String method, String path, String contentType, HttpRequest.BodyPublisher body) {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body);
        if (contentType != null) {
            req.header("Content-Type", contentType);
        }
        try {
            HttpResponse<String> resp = CLIENT.send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Reply(resp.statusCode(), resp.body(), resp.headers().firstValue("Location"),
                    resp.headers().firstValue("Content-Type"));
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + base + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
