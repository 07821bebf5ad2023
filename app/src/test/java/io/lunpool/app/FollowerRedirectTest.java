package io.lunpool.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lunpool.backend.plugin.Await;
import io.lunpool.core.api.CreateVolumeRequest;
import io.lunpool.core.api.LeaderView;
import io.lunpool.core.api.PoolRequest;
import io.lunpool.core.api.VolumeView;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two control-plane applications on one ZooKeeper root: the follower redirects writes and serves reads. */
class FollowerRedirectTest {
    @RegisterExtension
    static final ControlPlaneAppExtension cluster = new ControlPlaneAppExtension("/lunpool-redirect");
    private static final ControlPlaneApp leader = cluster.leader();
    private static final ControlPlaneApp follower = cluster.follower();

    @BeforeAll
    static void followerSeesTheLeaderAndGoldExists() throws Exception {
        Await.until("the follower sees the leader", Duration.ofSeconds(20),
                () -> leader.url.equals(follower.client().leader().leader()));
        assertThat(leader.http().put("/v1/pools/gold", "{\"lunSize\":\"16M\",\"minFree\":0,\"maxFree\":2}").status())
                .isEqualTo(200);
    }

    @Test
    void bothInstancesNameTheSameLeader() {
        LeaderView a = leader.client().leader();
        LeaderView b = follower.client().leader();
        assertThat(a.leader()).isEqualTo(leader.url).isEqualTo(b.leader());
        assertThat(a.isLeader()).isTrue();
        assertThat(b.isLeader()).isFalse();
        assertThat(b.self()).isEqualTo(follower.url);
    }

    @Test
    void writesToTheFollowerAre307ToTheLeaderWithTheSamePath() throws Exception {
        Map<String, String> before = cluster.dump();
        record Write(String method, String path, String body) {
        }
        for (Write w : new Write[] {
                new Write("POST", "/v1/volumes", "{\"name\":\"fr-1\",\"pool\":\"gold\",\"size\":\"8M\"}"),
                new Write("PUT", "/v1/pools/silver", "{\"lunSize\":\"16M\"}"),
                new Write("DELETE", "/v1/volumes/fr-1", null),
                new Write("POST", "/v1/volumes/fr-1/attachments", "{\"host\":\"agent-1\"}"),
                new Write("DELETE", "/v1/volumes/fr-1/attachments/agent-1", null),
                new Write("POST", "/v1/hosts/agent-1", "{}")}) {
            Http.Reply r = follower.http().send(w.method(), w.path(), "application/json",
                    w.body() == null ? null : java.net.http.HttpRequest.BodyPublishers.ofString(w.body()));
            assertThat(r.status()).as("%s %s: %s", w.method(), w.path(), r).isEqualTo(307);
            assertThat(r.location()).as("%s %s", w.method(), w.path()).contains(leader.url + w.path());
        }
        assertThat(cluster.dump()).as("a redirected write changes nothing").isEqualTo(before);
    }

    @Test
    void theJavaClientPointedAtTheFollowerFollowsTheRedirect() {
        var client = follower.client();
        assertThat(client.setPool("bronze", new PoolRequest("16M", 0, 1, "ext4", null, 0)).name()).isEqualTo("bronze");
        VolumeView v = client.createVolume(new CreateVolumeRequest("fr-client", "gold", "8M", Map.of(), null));
        assertThat(v.lun()).startsWith("naa.");
        assertThat(client.attach("fr-client", new io.lunpool.core.api.AttachRequest("agent-2", null, false)).host())
                .isEqualTo("agent-2");
        assertThat(leader.client().volume("fr-client").attachedTo()).isEqualTo("agent-2");
        client.detach("fr-client", "agent-2");
        client.deleteVolume("fr-client");
        assertThat(leader.http().get("/v1/volumes/fr-client").status()).isEqualTo(404);
    }

    @Test
    void readsOnTheFollowerAreServedLocally() throws Exception {
        assertThat(leader.client().createVolume(new CreateVolumeRequest("fr-read", "gold", "8M", Map.of(), null))
                .name()).isEqualTo("fr-read");
        Http.Reply pools = follower.http().get("/v1/pools");
        assertThat(pools.status()).as(pools.toString()).isEqualTo(200);
        boolean gold = false;
        for (JsonNode p : pools.json()) {
            gold |= p.path("name").asText().equals("gold") && p.path("counts").path("claimed").asInt() >= 1;
        }
        assertThat(gold).as("gold with its claimed LUN in %s", pools).isTrue();
        Http.Reply volume = follower.http().get("/v1/volumes/fr-read");
        assertThat(volume.status()).as(volume.toString()).isEqualTo(200);
        assertThat(volume.json().path("lun").asText())
                .isEqualTo(leader.http().get("/v1/volumes/fr-read").json().path("lun").asText());
        assertThat(follower.http().get("/v1/volumes").status()).isEqualTo(200);
        assertThat(follower.http().get("/v1/pools/gold").status()).isEqualTo(200);
        assertThat(follower.http().get("/v1/volumes/fr-none").status()).isEqualTo(404);
    }
}
