package io.lunpool.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lunpool.scheduler.ZkState;
import io.lunpool.scheduler.store.Kind;
import io.lunpool.scheduler.store.ZkPaths;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The REST API of one leading control plane, over HTTP, with real loop LUNs behind the pool (root). */
class RestApiTest {
    private static final String ROOT = "/lunpool-rest";
    @RegisterExtension
    static final ControlPlaneAppExtension cluster = new ControlPlaneAppExtension(ROOT);
    private static final ControlPlaneApp app = cluster.leader();
    private static final Http http = app.http();

    @BeforeAll
    static void goldPoolWithFreeLuns() {
        assertThat(http.put("/v1/pools/gold", "{\"lunSize\":\"16M\",\"minFree\":2,\"maxFree\":3}").status())
                .isEqualTo(200);
        assertThat(app.admin().post("/tasks/run-maintainer", "").status()).isEqualTo(200);
    }

    private static String create(String name, String size, String options) {
        return "{\"name\":\"" + name + "\",\"pool\":\"gold\",\"size\":\"" + size + "\",\"options\":" + options + "}";
    }

    @Test
    void createIs201ThenSameOptions200AndDifferentOptions409() {
        Http.Reply first = http.post("/v1/volumes", create("rv-create", "8M", "{\"iops\":\"100\"}"));
        assertThat(first.status()).as(first.toString()).isEqualTo(201);
        assertThat(first.json().path("name").asText()).isEqualTo("rv-create");

        Http.Reply again = http.post("/v1/volumes", create("rv-create", "8M", "{\"iops\":\"100\"}"));
        assertThat(again.status()).as(again.toString()).isEqualTo(200);
        assertThat(again.json().path("lun").asText()).isEqualTo(first.json().path("lun").asText());

        Http.Reply other = http.post("/v1/volumes", create("rv-create", "8M", "{\"iops\":\"200\"}"));
        assertThat(other.status()).as(other.toString()).isEqualTo(409);
        assertThat(other.json().path("reason").asText()).isEqualTo("CONFLICT");
        assertThat(other.json().path("message").asText()).contains("rv-create");
    }

    @Test
    void getAndListShowLunPoolSizeAndAttachment() {
        assertThat(http.post("/v1/volumes", create("rv-get", "16M", "{}")).status()).isEqualTo(201);
        JsonNode v = http.get("/v1/volumes/rv-get").json();
        assertThat(v.path("pool").asText()).isEqualTo("gold");
        assertThat(v.path("lun").asText()).startsWith("naa.");
        assertThat(v.path("sizeBytes").asLong()).isEqualTo(16L << 20);
        assertThat(v.path("attachedTo").isNull()).as(v.toString()).isTrue();

        Http.Reply attach = http.post("/v1/volumes/rv-get/attachments", "{\"host\":\"agent-1\",\"initiators\":[]}");
        assertThat(attach.status()).as(attach.toString()).isEqualTo(200);
        assertThat(attach.json().path("lun").asText()).isEqualTo(v.path("lun").asText());

        JsonNode listed = null;
        for (JsonNode n : http.get("/v1/volumes").json()) {
            if (n.path("name").asText().equals("rv-get")) {
                listed = n;
            }
        }
        assertThat(listed).as("rv-get in the list").isNotNull();
        assertThat(listed.path("attachedTo").asText()).isEqualTo("agent-1");
        assertThat(listed.path("lun").asText()).isEqualTo(v.path("lun").asText());
        assertThat(http.get("/v1/volumes/rv-get").json().path("attachedTo").asText()).isEqualTo("agent-1");
    }

    @Test
    void getUnknownVolumeIs404() {
        Http.Reply r = http.get("/v1/volumes/no-such-volume");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().path("reason").asText()).isEqualTo("NOT_FOUND");
        assertThat(r.json().path("message").asText()).contains("no-such-volume");
    }

    @Test
    void deleteIs204AndUnknownIs404() {
        assertThat(http.post("/v1/volumes", create("rv-delete", "8M", "{}")).status()).isEqualTo(201);
        assertThat(http.delete("/v1/volumes/rv-delete").status()).isEqualTo(204);
        assertThat(http.get("/v1/volumes/rv-delete").status()).isEqualTo(404);
        Http.Reply unknown = http.delete("/v1/volumes/rv-never-was");
        assertThat(unknown.status()).as(unknown.toString()).isEqualTo(404);
        assertThat(unknown.json().path("reason").asText()).isEqualTo("NOT_FOUND");
        assertThat(unknown.json().path("message").asText()).contains("rv-never-was");
    }

    @Test
    void deleteWhileAttachedIs409NamingTheHost() {
        assertThat(http.post("/v1/volumes", create("rv-busy", "8M", "{}")).status()).isEqualTo(201);
        assertThat(http.post("/v1/volumes/rv-busy/attachments", "{\"host\":\"agent-7\"}").status()).isEqualTo(200);
        Http.Reply r = http.delete("/v1/volumes/rv-busy");
        assertThat(r.status()).as(r.toString()).isEqualTo(409);
        assertThat(r.json().path("reason").asText()).isEqualTo("IN_USE");
        assertThat(r.json().path("message").asText()).contains("agent-7");
        assertThat(http.delete("/v1/volumes/rv-busy/attachments/agent-7").status()).isEqualTo(204);
        assertThat(http.delete("/v1/volumes/rv-busy").status()).isEqualTo(204);
    }

    @Test
    void secondHostIsRefusedWithoutPreemptAndTakesOverWithIt() {
        assertThat(http.post("/v1/volumes", create("rv-preempt", "8M", "{}")).status()).isEqualTo(201);
        String a = "{\"host\":\"agent-a\",\"initiators\":[\"iqn.a\"]}";
        assertThat(http.post("/v1/volumes/rv-preempt/attachments", a).status()).isEqualTo(200);
        assertThat(http.post("/v1/volumes/rv-preempt/attachments", a).status()).as("same host again").isEqualTo(200);

        Http.Reply refused = http.post("/v1/volumes/rv-preempt/attachments", "{\"host\":\"agent-b\"}");
        assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
        assertThat(refused.json().path("reason").asText()).isEqualTo("IN_USE");
        assertThat(refused.json().path("message").asText()).contains("agent-a").contains("preempt");

        Http.Reply taken = http.post("/v1/volumes/rv-preempt/attachments", "{\"host\":\"agent-b\",\"preempt\":true}");
        assertThat(taken.status()).as(taken.toString()).isEqualTo(200);
        assertThat(taken.json().path("host").asText()).isEqualTo("agent-b");
        assertThat(taken.json().path("preemptedHost").asText()).isEqualTo("agent-a");
        assertThat(http.get("/v1/volumes/rv-preempt").json().path("attachedTo").asText()).isEqualTo("agent-b");

        assertThat(http.delete("/v1/volumes/rv-preempt/attachments/agent-b").status()).isEqualTo(204);
        assertThat(http.get("/v1/volumes/rv-preempt").json().path("attachedTo").isNull()).isTrue();
    }

    @Test
    void registeringAHostIsStored() throws Exception {
        Http.Reply r = http.post("/v1/hosts/agent-9", "{\"initiators\":[\"iqn.9\"],\"labels\":{\"rack\":\"r1\"},"
                + "\"agentId\":\"8c0e-S9\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(204);
        String node = cluster.dump().get(new ZkPaths(ROOT).node(Kind.HOST, "agent-9"));
        assertThat(node).as("host node").contains("iqn.9").contains("r1").contains("\"agentId\":\"8c0e-S9\"");
    }

    @Test
    void poolsListTheirCountsAndUnknownPoolIs404() {
        JsonNode gold = http.get("/v1/pools/gold").json();
        assertThat(gold.path("policy").path("lunSizeBytes").asLong()).isEqualTo(16L << 20);
        for (String field : new String[] {"free", "claimed", "preparing", "wiping", "failed"}) {
            assertThat(gold.path("counts").has(field)).as("counts.%s in %s", field, gold).isTrue();
        }
        boolean listed = false;
        for (JsonNode p : http.get("/v1/pools").json()) {
            listed |= p.path("name").asText().equals("gold") && p.path("counts").has("free");
        }
        assertThat(listed).isTrue();
        Http.Reply missing = http.get("/v1/pools/nosuch");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().path("message").asText()).contains("nosuch");
    }

    @Test
    void aCreateTakesAFreeLunAndTheCountsShowIt() throws Exception {
        assertThat(app.admin().post("/tasks/run-maintainer", "").status()).isEqualTo(200);
        JsonNode before = http.get("/v1/pools/gold").json().path("counts");
        assertThat(before.path("free").asInt()).as("refilled by the maintainer: %s", before).isPositive();
        assertThat(http.post("/v1/volumes", create("rv-count", "8M", "{}")).status()).isEqualTo(201);
        JsonNode after = http.get("/v1/pools/gold").json().path("counts");
        assertThat(after.path("claimed").asInt()).isEqualTo(before.path("claimed").asInt() + 1);
        ZkState.assertNoLunClaimedTwice(cluster.store());
    }

    @Test
    void leaderNamesThisInstance() {
        JsonNode leader = http.get("/v1/leader").json();
        assertThat(leader.path("leader").asText()).isEqualTo(app.url);
        assertThat(leader.path("self").asText()).isEqualTo(app.url);
        assertThat(leader.path("isLeader").asBoolean()).isTrue();
    }
}
