package io.lunpool.core.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lunpool.core.Json;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Java client of the control plane's REST API. Errors come back as {@link LunpoolException} with the
 * server's reason; a 307 from a follower is followed to the leader (at most {@value #MAX_REDIRECTS} hops).
 */
public final class LunpoolClient {
    private static final int MAX_REDIRECTS = 3;
    private final URI base;
    private final HttpClient http;
    private final ObjectMapper json = Json.mapper();
    private final Duration timeout;

    public LunpoolClient(URI base) {
        this(base, Duration.ofSeconds(30));
    }

    public LunpoolClient(URI base, Duration timeout) {
        this.base = URI.create(base.toString().replaceAll("/+$", ""));
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();
    }

    public URI base() {
        return base;
    }

    public List<PoolView> pools() {
        return call("GET", "/v1/pools", null, new TypeReference<>() { });
    }

    public PoolView pool(String name) {
        return call("GET", "/v1/pools/" + enc(name), null, new TypeReference<>() { });
    }

    public PoolView setPool(String name, PoolRequest policy) {
        return call("PUT", "/v1/pools/" + enc(name), policy, new TypeReference<>() { });
    }

    public VolumeView createVolume(CreateVolumeRequest request) {
        return call("POST", "/v1/volumes", request, new TypeReference<>() { });
    }

    public List<VolumeView> volumes() {
        return call("GET", "/v1/volumes", null, new TypeReference<>() { });
    }

    public VolumeView volume(String name) {
        return call("GET", "/v1/volumes/" + enc(name), null, new TypeReference<>() { });
    }

    public void deleteVolume(String name) {
        call("DELETE", "/v1/volumes/" + enc(name), null, new TypeReference<Void>() { });
    }

    public AttachmentView attach(String volume, AttachRequest request) {
        return call("POST", "/v1/volumes/" + enc(volume) + "/attachments", request, new TypeReference<>() { });
    }

    public void detach(String volume, String host) {
        call("DELETE", "/v1/volumes/" + enc(volume) + "/attachments/" + enc(host), null,
                new TypeReference<Void>() { });
    }

    public void registerHost(String host, HostRequest request) {
        call("POST", "/v1/hosts/" + enc(host), request, new TypeReference<Void>() { });
    }

    public LeaderView leader() {
        return call("GET", "/v1/leader", null, new TypeReference<>() { });
    }

    private static String enc(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private <T> T call(String method, String path, Object body, TypeReference<T> type) {
        try {
            byte[] payload = body == null ? new byte[0] : json.writeValueAsBytes(body);
            URI uri = base.resolve(path);
            for (int hop = 0; ; hop++) {
                HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(timeout)
                        .header("Accept", "application/json");
                if (body != null) {
                    req.header("Content-Type", "application/json");
                }
                req.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(payload));
                HttpResponse<byte[]> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
                int status = resp.statusCode();
                if ((status == 307 || status == 308) && hop < MAX_REDIRECTS) {
                    String location = resp.headers().firstValue("Location").orElseThrow(() ->
                            new LunpoolException(Reason.TRANSIENT, method + " " + path + ": redirect without Location"));
                    uri = uri.resolve(location);
                    continue;
                }
                if (status >= 400 || status >= 300) {
                    throw error(method, path, status, resp.body());
                }
                if (resp.body().length == 0 || type.getType() == Void.class) {
                    return null;
                }
                return json.readValue(resp.body(), type);
            }
        } catch (IOException e) {
            throw new LunpoolException(Reason.TRANSIENT, method + " " + base + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LunpoolException(Reason.TRANSIENT, method + " " + path + " was interrupted", e);
        }
    }

    private LunpoolException error(String method, String path, int status, byte[] body) {
        try {
            ErrorBody err = json.readValue(body, ErrorBody.class);
            Reason reason = Reason.valueOf(err.reason());
            return new LunpoolException(reason, err.message());
        } catch (IOException | IllegalArgumentException | NullPointerException e) {
            String text = new String(body, StandardCharsets.UTF_8);
            Reason reason = status >= 500 ? Reason.TRANSIENT : Reason.INVALID;
            return new LunpoolException(reason, method + " " + path + " answered " + status + ": " + text);
        }
    }
}
