package io.lunpool.scheduler.mesos.fake;

import static io.lunpool.scheduler.mesos.fake.FakeResources.scalar;
import static io.lunpool.scheduler.mesos.fake.RawFramework.WAIT;
import static io.lunpool.scheduler.mesos.fake.RawFramework.headers;
import static io.lunpool.scheduler.mesos.fake.RawFramework.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.lunpool.backend.plugin.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fake master's protocol against raw HTTP requests, each FM check in the master's own terms (status codes and
 * messages, events on the wire): rejections, JSON field names, the event stream, invalid and failed-over
 * subscriptions, disconnection and removal, redirects, call answers, fault injection. No client is involved.
 */
@SuppressWarnings("deprecation")
class FakeMasterProtocolTest {
    private static final String ROLE = "storage";
    private static final Duration HEARTBEAT = Duration.ofMillis(200);
    private FakeMesosMaster master;

    @BeforeEach
    void start() throws IOException {
        master = FakeMesosMaster.start(FakeMesosMaster.Settings.defaults().heartbeat(HEARTBEAT)
                .redelivery(Duration.ofMillis(300)).manualAllocation());
    }

    @AfterEach
    void stop() {
        master.close();
    }

    @Test
    void fm01_rejectsWhatTheRealMasterRejects() throws IOException {
        byte[] subscribe = json(RawFramework.subscribeCall(RawFramework.info(ROLE)));
        assertThat(raw("GET", headers(null, null), new byte[0]).status()).isEqualTo(405);
        RawHttp.Response noType = raw("POST", headers(null, null), subscribe);
        assertThat(noType.status()).isEqualTo(400);
        assertThat(noType.text()).isEqualTo("Expecting 'Content-Type' to be present");
        assertThat(raw("POST", headers("application/json; charset=utf-8", null), subscribe).status()).isEqualTo(415);
        assertThat(raw("POST", headers("text/plain", null), subscribe).status()).isEqualTo(415);
        assertThat(raw("POST", headers("application/json", null), "{not json".getBytes(StandardCharsets.UTF_8))
                .status()).isEqualTo(400);
        assertThat(raw("POST", headers("application/x-protobuf", null), new byte[] {(byte) 0xff, 1, 2}).text())
                .isEqualTo("Failed to parse body into Call protobuf");
        Map<String, String> withStreamId = headers("application/json", "application/json");
        withStreamId.put("Mesos-Stream-Id", UUID.randomUUID().toString());
        RawHttp.Response streamIdOnSubscribe = raw("POST", withStreamId, subscribe);
        assertThat(streamIdOnSubscribe.status()).isEqualTo(400);
        assertThat(streamIdOnSubscribe.text()).contains("should not include the 'Mesos-Stream-Id'");
        Call mismatched = RawFramework.subscribeCall(RawFramework.info(ROLE)).toBuilder()
                .setFrameworkId(FrameworkID.newBuilder().setValue("other")).build();
        assertThat(raw("POST", headers("application/json", null), json(mismatched)).text())
                .contains("'framework_id' differs from 'subscribe.framework_info.id'");

        try (RawFramework f = RawFramework.subscribe(master, RawFramework.info(ROLE))) {
            Call revive = f.call(Call.Type.REVIVE).build();
            assertThat(f.send(revive, null).text()).contains("should include the 'Mesos-Stream-Id' header");
            assertThat(f.send(revive, UUID.randomUUID().toString()).text()).contains("didn't match the stream ID");
            assertThat(f.send(revive).status()).isEqualTo(202);
            Call unknown = revive.toBuilder().setFrameworkId(FrameworkID.newBuilder().setValue("no-such")).build();
            RawHttp.Response notFound = f.send(unknown);
            assertThat(notFound.status()).isEqualTo(400);
            assertThat(notFound.text()).isEqualTo("Framework cannot be found");
            Call shortUuid = f.call(Call.Type.ACKNOWLEDGE).setAcknowledge(Call.Acknowledge.newBuilder()
                    .setAgentId(AgentID.newBuilder().setValue("a")).setTaskId(TaskID.newBuilder().setValue("t"))
                    .setUuid(ByteString.copyFrom(new byte[15]))).build();
            assertThat(f.send(shortUuid).status()).isEqualTo(400);

            f.close();
            Await.until("the master notices the closed subscription", WAIT, () -> !master.connected(f.frameworkId));
            RawHttp.Response disconnected = f.send(revive);
            assertThat(disconnected.status()).isEqualTo(403);
            assertThat(disconnected.text()).isEqualTo("Framework is not subscribed");
        }
    }

    @Test
    void fm02_ignoresUnknownJsonFieldsSoCamelCaseIsAMissingField() throws IOException {
        String camel = "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"frameworkInfo\":{\"user\":\"root\",\"name\":\"x\"}}}";
        RawHttp.Response missing = raw("POST", headers("application/json", null), camel.getBytes(StandardCharsets.UTF_8));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.text()).containsIgnoringCase("missing required fields").contains("framework_info");

        String bareId = "{\"type\":\"REVIVE\",\"framework_id\":\"abc\"}";
        assertThat(raw("POST", headers("application/json", null), bareId.getBytes(StandardCharsets.UTF_8)).text())
                .contains("Not expecting a JSON string for field 'framework_id'");

        String camelId = "{\"type\":\"REVIVE\",\"frameworkId\":{\"value\":\"abc\"}}";
        assertThat(raw("POST", headers("application/json", null), camelId.getBytes(StandardCharsets.UTF_8)).text())
                .isEqualTo("Failed to validate scheduler::Call: Expecting 'framework_id' to be present");

        String extra = "{\"type\":\"SUBSCRIBE\",\"unknown\":1,\"subscribe\":{\"framework_info\":{\"user\":\"root\","
                + "\"name\":\"x\",\"roles\":[\"storage\"],\"capabilities\":[{\"type\":\"MULTI_ROLE\"}],"
                + "\"fancy\":true}}}";
        try (RawHttp http = new RawHttp(master.url())) {
            RawHttp.EventStream s = http.stream("POST", "/api/v1/scheduler", headers("application/json", null),
                    extra.getBytes(StandardCharsets.UTF_8));
            assertThat(s.status).isEqualTo(200);
            assertThat(s.nextEvent(WAIT).getType()).isEqualTo(Event.Type.SUBSCRIBED);
        }
    }

    @Test
    void fm03_subscribeAnswersTheNegotiatedRecordIoStreamWithSubscribedThenHeartbeats() throws IOException {
        byte[] subscribe = json(RawFramework.subscribeCall(RawFramework.info(ROLE)));
        List<String> seenStreamIds = new java.util.ArrayList<>();
        for (String[] accept : new String[][] {{null, FakeMesosMaster.JSON}, {"*/*", FakeMesosMaster.JSON},
                {"application/x-protobuf", FakeMesosMaster.PROTOBUF},
                {"application/x-protobuf, application/json;q=0", FakeMesosMaster.PROTOBUF}}) {
            try (RawHttp http = new RawHttp(master.url())) {
                RawHttp.EventStream s = http.stream("POST", "/api/v1/scheduler",
                        headers("application/json", accept[0]), subscribe);
                assertThat(s.status).isEqualTo(200);
                assertThat(s.header("Content-Type")).contains(accept[1]);
                assertThat(s.header("Transfer-Encoding")).contains("chunked");
                String streamId = s.header("Mesos-Stream-Id").orElseThrow();
                assertThat(UUID.fromString(streamId).toString()).isEqualTo(streamId);
                seenStreamIds.add(streamId);
                Event first = s.nextEvent(WAIT);
                assertThat(first.getType()).isEqualTo(Event.Type.SUBSCRIBED);
                assertThat(first.getSubscribed().getHeartbeatIntervalSeconds()).isEqualTo(0.2);
                assertThat(first.getSubscribed().getMasterInfo().getAddress().getPort()).isEqualTo(master.url().getPort());
                assertThat(s.nextEvent(WAIT).getType()).isEqualTo(Event.Type.HEARTBEAT);
                assertThat(s.nextEvent(WAIT).getType()).isEqualTo(Event.Type.HEARTBEAT);
            }
        }
        assertThat(seenStreamIds).doesNotHaveDuplicates();
        assertThat(raw("POST", headers("application/json", "text/html"), subscribe).status()).isEqualTo(406);
    }

    @Test
    void fm04_invalidSubscriptionGetsOneErrorThenTheStreamEnds() throws IOException {
        Call suppressedElsewhere = RawFramework.subscribeCall(RawFramework.info(ROLE)).toBuilder()
                .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(RawFramework.info(ROLE))
                        .addSuppressedRoles("other")).build();
        Call roleAndRoles = RawFramework.subscribeCall(RawFramework.info(ROLE).toBuilder().setRole("legacy").build());
        for (Call invalid : List.of(suppressedElsewhere, roleAndRoles)) {
            try (RawHttp http = new RawHttp(master.url())) {
                RawHttp.EventStream s = http.stream("POST", "/api/v1/scheduler", headers("application/json", null),
                        json(invalid));
                assertThat(s.status).isEqualTo(200);
                Event error = s.nextEvent(WAIT);
                assertThat(error.getType()).isEqualTo(Event.Type.ERROR);
                assertThat(error.getError().getMessage()).isNotBlank();
                assertThat(s.nextRecord(WAIT)).isEmpty();
            }
        }
    }

    @Test
    void fm05_aSecondSubscriptionFailsOverTheFirst() throws IOException {
        try (RawFramework first = RawFramework.subscribe(master, RawFramework.info(ROLE))) {
            FrameworkInfo again = RawFramework.info(ROLE).toBuilder()
                    .setId(FrameworkID.newBuilder().setValue(first.frameworkId)).build();
            try (RawFramework second = RawFramework.subscribe(master, again)) {
                assertThat(second.frameworkId).isEqualTo(first.frameworkId);
                assertThat(second.streamId).isNotEqualTo(first.streamId);
                Event error = first.next();
                assertThat(error.getType()).isEqualTo(Event.Type.ERROR);
                assertThat(error.getError().getMessage()).isEqualTo("Framework failed over");
                assertThat(first.stream.nextRecord(WAIT)).isEmpty();
                Call revive = second.call(Call.Type.REVIVE).build();
                assertThat(second.send(revive, first.streamId).status()).isEqualTo(400);
                assertThat(second.send(revive).status()).isEqualTo(202);
            }
        }
    }

    @Test
    void fm06_aClosedStreamDeactivatesTheFrameworkAndTheFailoverTimeoutRemovesIt() throws IOException {
        String agent = master.addAgent("agent-1", List.of(scalar("cpus", 4)));
        FrameworkInfo info = RawFramework.info(ROLE).toBuilder().setFailoverTimeout(1.0).build();
        RawFramework f = RawFramework.subscribe(master, info);
        master.allocate();
        Event offers = f.next();
        assertThat(offers.getOffers().getOffersList()).extracting(o -> o.getAgentId().getValue()).containsExactly(agent);
        f.close();
        Await.until("the framework is inactive", WAIT, () -> !master.connected(f.frameworkId));
        assertThat(master.outstandingOffers()).isEmpty();
        assertThat(f.send(f.call(Call.Type.REVIVE).build()).status()).isEqualTo(403);
        Await.until("the failover timeout removes the framework", WAIT, () -> master.removed(f.frameworkId));
        FrameworkInfo back = info.toBuilder().setId(FrameworkID.newBuilder().setValue(f.frameworkId)).build();
        try (RawHttp http = new RawHttp(master.url())) {
            RawHttp.EventStream s = http.stream("POST", "/api/v1/scheduler", headers("application/json", null),
                    json(RawFramework.subscribeCall(back)));
            assertThat(s.status).isEqualTo(200);
            Event error = s.nextEvent(WAIT);
            assertThat(error.getError().getMessage()).isEqualTo("Framework has been removed");
            assertThat(s.nextRecord(WAIT)).isEmpty();
        }
    }

    @Test
    void fm07_aFollowerRedirectsAndWithoutALeaderAnswers503() throws IOException {
        try (FakeMesosMaster leader = FakeMesosMaster.start(FakeMesosMaster.Settings.defaults())) {
            master.follow(leader);
            byte[] subscribe = json(RawFramework.subscribeCall(RawFramework.info(ROLE)));
            RawHttp.Response moved = raw("POST", headers("application/json", null), subscribe);
            assertThat(moved.status()).isEqualTo(307);
            assertThat(moved.header("Location")).contains("//" + leader.hostPort() + "/api/v1/scheduler");
            assertThat(get(master, "/redirect").header("Location")).contains("//" + leader.hostPort());
            RawHttp.Response self = get(leader, "/redirect");
            assertThat(self.status()).isEqualTo(307);
            assertThat(self.header("Location")).contains("//" + leader.hostPort());

            master.noLeader();
            RawHttp.Response none = raw("POST", headers("application/json", null), subscribe);
            assertThat(none.status()).isEqualTo(503);
            assertThat(none.text()).isEqualTo("No leader elected");
            assertThat(get(master, "/redirect").status()).isEqualTo(503);

            master.lead();
            master.recovering(true);
            assertThat(raw("POST", headers("application/json", null), subscribe).text())
                    .isEqualTo("Master has not finished recovery");
        }
    }

    @Test
    void fm08_callsAnswer202WithAnEmptyBodyAndUpdateFramework200() throws IOException {
        try (RawFramework f = RawFramework.subscribe(master, RawFramework.info(ROLE))) {
            List<Call> calls = List.of(
                    f.call(Call.Type.REVIVE).build(),
                    f.call(Call.Type.SUPPRESS).setSuppress(Call.Suppress.newBuilder().addRoles(ROLE)).build(),
                    f.call(Call.Type.RECONCILE).setReconcile(Call.Reconcile.getDefaultInstance()).build(),
                    f.call(Call.Type.DECLINE).setDecline(Call.Decline.newBuilder()
                            .addOfferIds(OfferID.newBuilder().setValue("gone"))).build(),
                    f.call(Call.Type.KILL).setKill(Call.Kill.newBuilder()
                            .setTaskId(TaskID.newBuilder().setValue("none"))).build());
            for (Call c : calls) {
                RawHttp.Response r = f.send(c);
                assertThat(r.status()).as(c.getType().name()).isEqualTo(202);
                assertThat(r.body()).as(c.getType().name()).isEmpty();
            }
            FrameworkInfo info = RawFramework.info(ROLE).toBuilder()
                    .setId(FrameworkID.newBuilder().setValue(f.frameworkId)).build();
            Call update = f.call(Call.Type.UPDATE_FRAMEWORK).setUpdateFramework(Call.UpdateFramework.newBuilder()
                    .setFrameworkInfo(info)).build();
            assertThat(f.send(update).status()).isEqualTo(200);
        }
    }

    @Test
    void fm14_injectsFaults() throws IOException {
        try (RawFramework f = RawFramework.subscribe(master, RawFramework.info(ROLE))) {
            assertThat(f.stream.nextEvent(WAIT).getType()).isEqualTo(Event.Type.HEARTBEAT);
            master.faults().dropHeartbeats(true);
            f.stream.silentFor(HEARTBEAT); // takes a heartbeat written before the fault, if any
            assertThat(f.stream.silentFor(HEARTBEAT.multipliedBy(4))).as("no heartbeat, socket open").isTrue();
            master.faults().dropHeartbeats(false);
            assertThat(f.stream.nextEvent(WAIT).getType()).isEqualTo(Event.Type.HEARTBEAT);

            master.faults().chunkSize(3);
            int before = f.stream.chunkSizes.size();
            assertThat(f.stream.nextEvent(WAIT).getType()).isEqualTo(Event.Type.HEARTBEAT);
            assertThat(f.stream.chunkSizes.subList(before, f.stream.chunkSizes.size())).allSatisfy(
                    size -> assertThat(size).isLessThanOrEqualTo(3)).hasSizeGreaterThan(2);
            master.faults().chunkSize(0);

            long started = System.nanoTime();
            master.faults().delayAnswers(Duration.ofMillis(400));
            assertThat(f.send(f.call(Call.Type.REVIVE).build()).status()).isEqualTo(202);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
            master.faults().delayAnswers(Duration.ZERO);

            master.faults().cutNextEvent();
            assertThat(f.stream.partialBytes()).isZero();
            IOException cut = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> {
                while (true) {
                    f.stream.nextEvent(WAIT);
                }
            });
            assertThat(cut).hasMessageContaining("closed");
        }
        master.faults().coalesce(true);
        try (RawFramework f = RawFramework.subscribe(master, RawFramework.info(ROLE))) {
            assertThat(f.stream.chunkSizes).as("SUBSCRIBED and HEARTBEAT in one chunk").hasSize(1);
            assertThat(f.stream.nextEvent(WAIT).getType()).isEqualTo(Event.Type.HEARTBEAT);
        }
        master.faults().coalesce(false);
        try (FakeMesosMaster other = FakeMesosMaster.start(FakeMesosMaster.Settings.defaults());
             RawFramework f = RawFramework.subscribe(master, RawFramework.info(ROLE))) {
            master.flipLeadershipTo(other);
            Optional<byte[]> end = Optional.of(new byte[0]);
            while (end.isPresent()) {
                end = f.stream.nextRecord(WAIT);
            }
            RawHttp.Response moved = raw("POST", headers("application/json", null),
                    json(RawFramework.subscribeCall(RawFramework.info(ROLE))));
            assertThat(moved.header("Location")).contains("//" + other.hostPort() + "/api/v1/scheduler");
            FrameworkInfo back = RawFramework.info(ROLE).toBuilder()
                    .setId(FrameworkID.newBuilder().setValue(f.frameworkId)).build();
            try (RawFramework again = RawFramework.subscribe(other, back)) {
                assertThat(again.frameworkId).as("the new leader takes the framework back").isEqualTo(f.frameworkId);
            }
        }
    }

    // ---- helpers

    private RawHttp.Response raw(String method, Map<String, String> headers, byte[] body) throws IOException {
        try (RawHttp http = new RawHttp(master.url())) {
            return http.exchange(method, "/api/v1/scheduler", headers, body);
        }
    }

    private static RawHttp.Response get(FakeMesosMaster m, String path) throws IOException {
        try (RawHttp http = new RawHttp(m.url())) {
            return http.exchange("GET", path, Map.of(), new byte[0]);
        }
    }

}
