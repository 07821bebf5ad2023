package io.lunpool.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lunpool.backend.plugin.Await;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad input gets a 4xx with {@code {"reason","message"}} naming the problem, and ZooKeeper
 * holds exactly what it held before (every node, data and version).
 */
class BadInputTest {
    private static final String LONG = "v".repeat(300);
    @RegisterExtension
    static final ControlPlaneAppExtension cluster = new ControlPlaneAppExtension("/lunpool-bad-input");
    private static final ControlPlaneApp app = cluster.leader();

    /** One bad request: what is sent, the status and reason expected, and words the message must hold. */
    record Case(String label, String method, String path, String contentType, Supplier<HttpRequest.BodyPublisher> body,
                int status, String reason, String messageHas) {
        @Override
        public String toString() {
            return label;
        }
    }

    private static Case json(String label, String method, String path, String body, int status, String reason,
                             String messageHas) {
        return new Case(label, method, path, "application/json",
                body == null ? null : () -> HttpRequest.BodyPublishers.ofString(body), status, reason, messageHas);
    }

    private static Case create(String label, String body, int status, String messageHas) {
        return json(label, "POST", "/v1/volumes", body, status, status == 404 ? "NOT_FOUND" : "INVALID", messageHas);
    }

    private static Case pool(String label, String body, String messageHas) {
        return json(label, "PUT", "/v1/pools/gold", body, 400, "INVALID", messageHas);
    }

    private static String volume(String name, String size) {
        return "{\"name\":\"" + name + "\",\"pool\":\"gold\",\"size\":\"" + size + "\"}";
    }

    static Stream<Case> cases() {
        byte[] big = ("{\"name\":\"bv-big\",\"pool\":\"gold\",\"size\":\"8M\",\"requestId\":\"" + "x".repeat(100_000)
                + "\"}").getBytes(StandardCharsets.UTF_8);
        return Stream.of(
                create("empty name", volume("", "8M"), 400, "empty"),
                create("name with /", volume("a/b", "8M"), 400, "path separator"),
                create("name with ..", volume("a..b", "8M"), 400, "'..'"),
                create("name of 300 characters", volume(LONG, "8M"), 400, "300 characters"),
                create("name with a control character", volume("v\\u0001x", "8M"), 400, "control character"),
                create("negative size", volume("bv-x", "-1G"), 400, "negative"),
                create("zero size", volume("bv-x", "0"), 400, "zero"),
                create("huge size", volume("bv-x", "2000P"), 400, "larger than"),
                create("unparseable size", volume("bv-x", "lots"), 400, "cannot be parsed"),
                create("size over the pool's LUN size", volume("bv-x", "1G"), 400, "16M"),
                create("unknown option key", "{\"name\":\"bv-x\",\"pool\":\"gold\",\"options\":{\"colour\":\"red\"}}",
                        400, "unknown option 'colour'"),
                create("bad option value", "{\"name\":\"bv-x\",\"pool\":\"gold\",\"options\":{\"iops\":\"-5\"}}",
                        400, "iops"),
                create("malformed JSON", "{\"name\": \"bv-x\",", 400, "malformed JSON"),
                create("trailing tokens", "{\"name\": \"bv-x\"} {}", 400, "malformed JSON"),
                create("wrong JSON type", "{\"name\": [\"bv-x\"]}", 400, "field 'name'"),
                create("unknown JSON field", "{\"name\":\"bv-x\",\"pool\":\"gold\",\"colour\":\"red\"}", 400,
                        "unknown field 'colour'"),
                create("missing body", null, 400, "missing"),
                create("JSON null body", "null", 400, "missing"),
                create("unknown pool", "{\"name\":\"bv-x\",\"pool\":\"nosuch\",\"size\":\"8M\"}", 404, "nosuch"),
                create("pool name with ..", "{\"name\":\"bv-x\",\"pool\":\"..\",\"size\":\"8M\"}", 400, "pool name"),
                create("requestId with a control character",
                        "{\"name\":\"bv-x\",\"pool\":\"gold\",\"requestId\":\"a\\u0007b\"}", 400, "requestId"),
                new Case("over-size body (Content-Length)", "POST", "/v1/volumes", "application/json",
                        () -> HttpRequest.BodyPublishers.ofByteArray(big), 413, "INVALID", "limit"),
                new Case("over-size body (streamed, chunked)", "POST", "/v1/volumes", "application/json",
                        () -> HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)), 413,
                        "INVALID", "limit"),
                new Case("not JSON content type", "POST", "/v1/volumes", "text/plain",
                        () -> HttpRequest.BodyPublishers.ofString(volume("bv-x", "8M")), 415, "INVALID", "media type"),
                json("GET name with ..", "GET", "/v1/volumes/a..b", null, 400, "INVALID", "'..'"),
                json("DELETE name with a control character (Jetty refuses it)", "DELETE", "/v1/volumes/v%01x", null,
                        400, "INVALID", "Suspicious Path Character"),
                json("DELETE name of 300 characters", "DELETE", "/v1/volumes/" + LONG, null, 400, "INVALID",
                        "300 characters"),
                json("DELETE name with ..", "DELETE", "/v1/volumes/a..b", null, 400, "INVALID", "'..'"),
                json("DELETE unknown volume", "DELETE", "/v1/volumes/bv-none", null, 404, "NOT_FOUND", "bv-none"),
                json("attach to unknown volume", "POST", "/v1/volumes/bv-none/attachments", "{\"host\":\"h1\"}", 404,
                        "NOT_FOUND", "bv-none"),
                json("attach host with /", "POST", "/v1/volumes/bv-1/attachments", "{\"host\":\"a/b\"}", 400,
                        "INVALID", "path separator"),
                json("attach empty host", "POST", "/v1/volumes/bv-1/attachments", "{\"host\":\"\"}", 400, "INVALID",
                        "empty"),
                json("attach unknown field", "POST", "/v1/volumes/bv-1/attachments",
                        "{\"host\":\"h1\",\"force\":true}", 400, "INVALID", "unknown field 'force'"),
                json("attach 65 initiators", "POST", "/v1/volumes/bv-1/attachments",
                        "{\"host\":\"h1\",\"initiators\":[" + "\"i\",".repeat(64) + "\"i\"]}", 400, "INVALID",
                        "at most 64"),
                json("attach missing body", "POST", "/v1/volumes/bv-1/attachments", null, 400, "INVALID", "missing"),
                json("detach host with a control character (Jetty refuses it)", "DELETE",
                        "/v1/volumes/bv-1/attachments/h%0A1", null, 400, "INVALID", "Suspicious Path Character"),
                json("host name with ..", "POST", "/v1/hosts/a..b", "{}", 400, "INVALID", "'..'"),
                json("host label with a control character", "POST", "/v1/hosts/h1",
                        "{\"labels\":{\"rack\":\"r\\u0000\"}}", 400, "INVALID", "label value"),
                json("GET pool name with ..", "GET", "/v1/pools/a..b", null, 400, "INVALID", "'..'"),
                json("PUT pool name with ..", "PUT", "/v1/pools/a..b", "{\"lunSize\":\"16M\"}", 400, "INVALID", "'..'"),
                pool("minFree > maxFree", "{\"minFree\":5,\"maxFree\":2}", "minFree 5 is greater than maxFree 2"),
                pool("lunSize below 16M", "{\"lunSize\":\"8M\"}", "below the minimum of 16M"),
                pool("xfs below 300M", "{\"lunSize\":\"100M\",\"fsType\":\"xfs\"}", "xfs needs LUNs of at least 300M"),
                pool("unknown fsType", "{\"fsType\":\"zfs\"}", "fsType 'zfs' is not supported"),
                pool("unparseable lunSize", "{\"lunSize\":\"big\"}", "cannot be parsed"),
                pool("negative minFree", "{\"minFree\":-1}", "negative"),
                pool("maxLuns below maxFree", "{\"maxLuns\":1,\"maxFree\":3}", "maxLuns 1"),
                pool("unknown pool field", "{\"lunsize\":\"16M\"}", "unknown field 'lunsize'"),
                pool("malformed pool JSON", "{\"minFree\":", "malformed JSON"),
                pool("missing pool body", null, "missing"));
    }

    /** Encoded separators in a path segment: Jetty or Jersey may refuse them first; any 4xx will do. */
    static Stream<String> encodedPaths() {
        return Stream.of("/v1/volumes/a%2Fb", "/v1/volumes/%2E%2E", "/v1/volumes/%2e%2e%2fetc",
                "/v1/volumes/bv-1%2F..%2F..", "/v1/pools/%2E%2E", "/v1/hosts/a%2Fb",
                "/v1/volumes/bv-1/attachments/%2E%2E");
    }

    @BeforeAll
    static void goldPoolWithOneVolume() throws Exception {
        Http http = app.http();
        assertThat(http.put("/v1/pools/gold", "{\"lunSize\":\"16M\",\"minFree\":0,\"maxFree\":1}").status())
                .isEqualTo(200);
        assertThat(http.post("/v1/volumes", volume("bv-1", "8M")).status()).isEqualTo(201);
        Await.until("ZooKeeper settles after the set-up", Duration.ofSeconds(20), () -> {
            try {
                return cluster.dump().equals(cluster.dump());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputIsRefusedAndChangesNothing(Case c) throws Exception {
        Map<String, String> before = cluster.dump();
        Http.Reply reply = app.http().send(c.method(), c.path(), c.contentType(),
                c.body() == null ? null : c.body().get());
        assertThat(reply.status()).as("%s: %s", c.label(), reply).isEqualTo(c.status());
        assertThat(reply.contentType()).as("%s content type: %s", c.label(), reply).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/json"));
        JsonNode body = reply.json();
        assertThat(body.path("reason").asText()).as("%s: %s", c.label(), reply).isEqualTo(c.reason());
        assertThat(body.path("message").asText()).as("%s: %s", c.label(), reply).contains(c.messageHas());
        assertThat(cluster.dump()).as("ZooKeeper after %s", c.label()).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("encodedPaths")
    void encodedSeparatorsInAPathAreRefusedAndChangeNothing(String path) throws Exception {
        Map<String, String> before = cluster.dump();
        for (String method : List.of("GET", "DELETE", "PUT", "POST")) {
            Http.Reply reply = app.http().send(method, path, "application/json",
                    HttpRequest.BodyPublishers.ofString("{\"host\":\"h1\",\"lunSize\":\"16M\"}"));
            assertThat(reply.status()).as("%s %s: %s", method, path, reply).isBetween(400, 499);
        }
        assertThat(cluster.dump()).as("ZooKeeper after %s", path).isEqualTo(before);
        assertThat(app.http().get("/v1/volumes/bv-1").status()).as("bv-1 is still there").isEqualTo(200);
    }
}
