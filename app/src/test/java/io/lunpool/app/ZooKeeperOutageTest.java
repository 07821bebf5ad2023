package io.lunpool.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lunpool.backend.plugin.Await;
import io.lunpool.scheduler.ZooKeeperProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two control-plane applications; the leader reaches ZooKeeper through a {@link ZooKeeperProxy}. While its
 * traffic is black-holed (its session expires, the other instance takes the lead) and while ZooKeeper is
 * stopped, {@code /healthcheck} answers within a second (asserted with slack: under 2 s), unhealthy, saying
 * why; the instance that lost its session never redirects a write to itself.
 */
class ZooKeeperOutageTest {
    private static final String ROOT = "/lunpool-outage";
    private static final Duration HEALTH_LIMIT = Duration.ofSeconds(2);

    @TempDir
    Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final AtomicLong slowestHealthMillis = new AtomicLong();

    @AfterEach
    void closeNewestFirst() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closing(T c) {
        open.add(c);
        return c;
    }

    @Test
    void healthAnswersWithinASecondSayingWhyAndTheCutOffLeaderNeverRedirectsToItself() throws Exception {
        TestingServer server = closing(new TestingServer(true));
        ZooKeeperProxy proxy = closing(new ZooKeeperProxy(server.getConnectString()));
        ControlPlaneApp a = closing(new ControlPlaneApp(proxy::connectString, ROOT, () -> dir.resolve("array-a")));
        a.start();
        a.awaitLeading();
        ControlPlaneApp b = closing(new ControlPlaneApp(server::getConnectString, ROOT, () -> dir.resolve("array-b")));
        b.start();
        Await.until("b names a as the leader", Duration.ofSeconds(20), () -> a.url.equals(b.client().leader().leader()));
        assertThat(health(a).path("zookeeper").path("healthy").asBoolean()).isTrue();
        assertThat(health(a).path("leadership").path("message").asText()).isEqualTo("leader=" + a.url);

        // a's traffic is black-holed: its connection times out, its 4 s session expires, b takes the lead
        proxy.blackHole();
        Await.until("a's health says ZooKeeper is unreachable", Duration.ofSeconds(30), () -> {
            JsonNode h = health(a);
            return !h.path("zookeeper").path("healthy").asBoolean()
                    && h.path("zookeeper").path("message").asText().contains("not connected to ZooKeeper");
        });
        Await.until("b leads", Duration.ofSeconds(30), () -> b.client().leader().isLeader());
        Await.until("a steps down", Duration.ofSeconds(30), () -> !a.client().leader().isLeader());
        JsonNode cutOff = health(a);
        Http.Reply write = a.http().put("/v1/pools/gold", "{\"lunSize\":\"16M\"}");
        System.out.printf("[outage] a cut off: health %s; write answered %s%n", cutOff, write);
        assertThat(cutOff.path("leadership").path("healthy").asBoolean()).isFalse();
        assertThat(cutOff.path("leadership").path("message").asText()).contains("not connected to ZooKeeper");
        assertNotRedirectedTo(a, write);
        assertThat(write.status()).as("no leader a can name while cut off: %s", write).isIn(503, 307);

        proxy.heal();
        Await.until("a redirects writes to b", Duration.ofSeconds(30), () -> {
            Http.Reply w = a.http().put("/v1/pools/gold", "{\"lunSize\":\"16M\"}");
            assertNotRedirectedTo(a, w);
            return w.status() == 307 && w.location().orElse("").startsWith(b.url);
        });
        assertThat(health(a).path("leadership").path("message").asText()).isEqualTo("leader=" + b.url);

        // ZooKeeper stops altogether
        server.stop();
        Await.until("both instances' health says ZooKeeper is unreachable", Duration.ofSeconds(30),
                () -> !health(a).path("zookeeper").path("healthy").asBoolean()
                        && !health(b).path("zookeeper").path("healthy").asBoolean());
        JsonNode leaderHealth = health(b);
        JsonNode followerHealth = health(a);
        System.out.printf("[outage] ZooKeeper stopped: leader's health %s; follower's health %s%n", leaderHealth,
                followerHealth);
        assertThat(leaderHealth.path("leadership").path("message").asText())
                .contains("this instance leads, but its writes wait").contains("not connected to ZooKeeper");
        assertThat(followerHealth.path("leadership").path("message").asText()).contains("last known leader=" + b.url);
        for (int i = 0; i < 5; i++) {
            health(a);
            health(b);
        }

        server.restart();
        Await.until("b is healthy again", Duration.ofSeconds(60),
                () -> health(b).path("zookeeper").path("healthy").asBoolean());
        System.out.printf("[outage] slowest /healthcheck: %d ms%n", slowestHealthMillis.get());
        assertThat(b.http().put("/v1/pools/gold", "{\"lunSize\":\"16M\"}").status()).isEqualTo(200);
    }

    /** GET /healthcheck, asserting it answered within {@link #HEALTH_LIMIT}. */
    private JsonNode health(ControlPlaneApp app) {
        long start = System.nanoTime();
        Http.Reply r = app.admin().get("/healthcheck");
        long millis = (System.nanoTime() - start) / 1_000_000;
        slowestHealthMillis.accumulateAndGet(millis, Math::max);
        assertThat(millis).as("/healthcheck of %s answered in %d ms: %s", app.url, millis, r)
                .isLessThan(HEALTH_LIMIT.toMillis());
        assertThat(r.status()).as(r.toString()).isIn(200, 500);
        return r.json();
    }

    private static void assertNotRedirectedTo(ControlPlaneApp app, Http.Reply reply) {
        assertThat(reply.location().orElse("")).as("%s never redirects to itself: %s", app.url, reply)
                .doesNotStartWith(app.url);
    }
}
