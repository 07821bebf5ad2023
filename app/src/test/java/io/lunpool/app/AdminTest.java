package io.lunpool.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lunpool.core.model.Lun;
import io.lunpool.core.model.LunState;
import io.lunpool.scheduler.store.Kind;
import io.lunpool.scheduler.store.Versioned;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The admin connector: health checks, metrics and the tasks, against real loop LUNs (root). */
class AdminTest {
    @RegisterExtension
    static final ControlPlaneAppExtension cluster = new ControlPlaneAppExtension("/lunpool-admin");
    private static final ControlPlaneApp app = cluster.leader();

    private static JsonNode health() {
        Http.Reply r = app.admin().get("/healthcheck");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    private static Stream<Versioned<Lun>> luns(String pool, LunState state) {
        return cluster.store().list(Kind.LUN).stream()
                .filter(l -> l.value().pool().equals(pool) && l.value().state() == state);
    }

    @Test
    void healthCheckNamesZooKeeperLeadershipAndWarnsAboutAPoolUnderMinFree() {
        assertThat(app.http().put("/v1/pools/thin", "{\"lunSize\":\"16M\",\"minFree\":2,\"maxFree\":3}").status())
                .isEqualTo(200);
        JsonNode h = health();
        assertThat(h.path("zookeeper").path("healthy").asBoolean()).as(h.toString()).isTrue();
        assertThat(h.path("leadership").path("healthy").asBoolean()).as(h.toString()).isTrue();
        assertThat(h.path("leadership").path("message").asText()).contains(app.url);
        assertThat(h.path("pools").path("healthy").asBoolean()).as("a warning, not a failure").isTrue();
        assertThat(h.path("pools").path("message").asText()).contains("WARNING").contains("thin")
                .contains("below minFree 2");
    }

    @Test
    void runMaintainerTaskRefillsAPoolWithRealLoopLuns() throws Exception {
        assertThat(app.http().put("/v1/pools/refill", "{\"lunSize\":\"16M\",\"minFree\":2,\"maxFree\":3}").status())
                .isEqualTo(200);
        assertThat(luns("refill", LunState.FREE)).isEmpty();
        Http.Reply task = app.admin().post("/tasks/run-maintainer", "");
        assertThat(task.status()).as(task.toString()).isEqualTo(200);
        assertThat(task.body()).contains("maintainer pass done");

        JsonNode counts = app.http().get("/v1/pools/refill").json().path("counts");
        assertThat(counts.path("free").asInt()).as(counts.toString()).isBetween(2, 3);
        assertThat(counts.path("failed").asInt()).isZero();
        for (Versioned<Lun> l : luns("refill", LunState.FREE).toList()) {
            Path image = Path.of(l.value().backing());
            assertThat(image).as("backing file of %s", l.key()).startsWith(app.arrayDirectory()).isRegularFile();
            assertThat(Files.size(image)).isEqualTo(16L << 20);
        }
        assertThat(health().path("pools").path("message").asText()).doesNotContain("pool refill");
    }

    @Test
    void wipeLunTaskSendsAFreeLunThroughWipingBackToFree() throws Exception {
        assertThat(app.http().put("/v1/pools/wipe", "{\"lunSize\":\"16M\",\"minFree\":1,\"maxFree\":1}").status())
                .isEqualTo(200);
        assertThat(app.admin().post("/tasks/run-maintainer", "").status()).isEqualTo(200);
        String wwn = luns("wipe", LunState.FREE).findFirst().orElseThrow().key();

        Http.Reply task = app.admin().post("/tasks/wipe-lun?wwn=" + wwn, "");
        assertThat(task.status()).as(task.toString()).isEqualTo(200);
        assertThat(task.body()).contains(wwn).contains("WIPING");
        assertThat(cluster.store().get(Kind.LUN, wwn).orElseThrow().value().state()).isEqualTo(LunState.WIPING);
        assertThat(app.http().get("/v1/pools/wipe").json().path("counts").path("wiping").asInt()).isEqualTo(1);

        assertThat(app.admin().post("/tasks/run-maintainer", "").status()).isEqualTo(200);
        assertThat(cluster.store().get(Kind.LUN, wwn).orElseThrow().value().state()).isEqualTo(LunState.FREE);

        Http.Reply unknown = app.admin().post("/tasks/wipe-lun?wwn=naa.0000", "");
        assertThat(unknown.status()).as(unknown.toString()).isBetween(400, 599);
        assertThat(unknown.body()).contains("naa.0000");
    }

    @Test
    void metricsHaveTheTimersHistogramAndGauges() {
        assertThat(app.http().put("/v1/pools/metered", "{\"lunSize\":\"16M\",\"minFree\":0,\"maxFree\":1}").status())
                .isEqualTo(200);
        assertThat(app.http().post("/v1/volumes", "{\"name\":\"m-1\",\"pool\":\"metered\",\"size\":\"8M\"}").status())
                .isEqualTo(201);
        Http.Reply r = app.admin().get("/metrics");
        assertThat(r.status()).isEqualTo(200);
        JsonNode m = r.json();
        assertThat(m.path("timers").path("lunpool.volumes.create").path("count").asLong()).as(r.body()).isPositive();
        for (String t : new String[] {"lunpool.volumes.attach", "lunpool.volumes.detach", "lunpool.volumes.delete"}) {
            assertThat(m.path("timers").has(t)).as(t).isTrue();
        }
        assertThat(m.path("histograms").path("lunpool.batch.size").path("count").asLong()).isPositive();
        assertThat(m.path("gauges").path("lunpool.batch.queue-depth").has("value")).isTrue();
        JsonNode free = m.path("gauges").path("lunpool.pools.free").path("value");
        assertThat(free.has("metered")).as("FREE per pool: %s", free).isTrue();
    }
}
