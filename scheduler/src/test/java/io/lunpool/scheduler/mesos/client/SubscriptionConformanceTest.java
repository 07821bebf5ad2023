package io.lunpool.scheduler.mesos.client;

import static io.lunpool.scheduler.mesos.client.SchedulerClientFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lunpool.backend.plugin.Await;
import io.lunpool.scheduler.ZooKeeperExtension;
import io.lunpool.scheduler.mesos.fake.FakeMesosMaster;
import io.lunpool.scheduler.mesos.fake.FakeResources;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler client against the fake master over real HTTP: subscription, stream ids, encodings, redirects,
 * 503s, disconnects and their epochs, the framework id, suppression, dropped and timed-out calls,
 * authentication, and the master found in ZooKeeper (SC-01 to SC-03, SC-05 to SC-09, SC-14 to SC-16).
 */
class SubscriptionConformanceTest {
    @RegisterExtension
    final ZooKeeperExtension zk = new ZooKeeperExtension();

    @TempDir
    Path dir;

    @Test
    void sc01_firstSubscribeHasNoIdsAndTheNextOneBothEqual() throws Exception {
        try (SchedulerClientFixture fx = new SchedulerClientFixture()) {
            fx.start();
            SubscriptionInfo first = fx.awaitSubscriptions(1);
            assertThat(first.newFramework()).isTrue();
            fx.master.endStreams();
            SubscriptionInfo second = fx.awaitSubscriptions(2);
            assertThat(second.frameworkId()).isEqualTo(first.frameworkId());
            assertThat(second.newFramework()).isFalse();
            List<FakeMesosMaster.Received> subscribes = fx.master.received(Call.Type.SUBSCRIBE);
            FakeMesosMaster.Received initial = subscribes.get(0);
            assertThat(initial.header("Mesos-Stream-Id")).isEmpty();
            assertThat(initial.call().orElseThrow().hasFrameworkId()).isFalse();
            assertThat(initial.call().orElseThrow().getSubscribe().getFrameworkInfo().hasId()).isFalse();
            FakeMesosMaster.Received again = subscribes.get(1);
            assertThat(again.header("Mesos-Stream-Id")).isEmpty();
            Call call = again.call().orElseThrow();
            assertThat(call.getFrameworkId().getValue()).isEqualTo(first.frameworkId());
            assertThat(call.getSubscribe().getFrameworkInfo().getId()).isEqualTo(call.getFrameworkId());
        }
    }

    @Test
    void sc02_everyCallCarriesTheCurrentStreamIdAndTheFrameworkId() throws Exception {
        try (SchedulerClientFixture fx = new SchedulerClientFixture()) {
            fx.start();
            String id = fx.awaitSubscriptions(1).frameworkId();
            fx.client.kill("task-a", Optional.empty()).get(30, TimeUnit.SECONDS);
            fx.master.endStreams();
            fx.awaitSubscriptions(2);
            fx.client.kill("task-b", Optional.empty()).get(30, TimeUnit.SECONDS);
            List<String> streams = fx.master.streamIds();
            List<FakeMesosMaster.Received> kills = fx.master.received(Call.Type.KILL);
            assertThat(kills.get(0).header("Mesos-Stream-Id")).contains(streams.get(0));
            assertThat(kills.get(1).header("Mesos-Stream-Id")).contains(streams.get(1));
            assertThat(fx.master.received()).filteredOn(r -> r.call().isPresent()
                    && r.call().get().getType() != Call.Type.SUBSCRIBE).isNotEmpty().allSatisfy(r -> {
                        assertThat(r.call().get().getFrameworkId().getValue()).isEqualTo(id);
                        assertThat(r.header("Mesos-Stream-Id")).isPresent();
                        assertThat(streams).contains(r.header("Mesos-Stream-Id").get());
                        assertThat(r.status()).isEqualTo(202);
                    });
        }
    }

    @Test
    void sc03_sendsExactMediaTypesAnAcceptHeaderAndProtoFieldNames() throws Exception {
        try (SchedulerClientFixture fx = new SchedulerClientFixture()) {
            fx.start();
            fx.awaitSubscriptions(1);
            fx.master.endStreams();
            fx.awaitSubscriptions(2);
            for (FakeMesosMaster.Received r : fx.master.received(Call.Type.SUBSCRIBE)) {
                assertThat(r.header("Content-Type")).contains("application/json");
                assertThat(r.header("Accept")).contains("application/json");
            }
            String again = new String(fx.master.received(Call.Type.SUBSCRIBE).get(1).body(), StandardCharsets.UTF_8);
            assertThat(again).contains("\"framework_info\":").contains("\"framework_id\":{\"value\":")
                    .contains("\"failover_timeout\":").doesNotContain("frameworkInfo").doesNotContain("frameworkId");
        }
        try (SchedulerClientFixture fx = new SchedulerClientFixture()) {
            String agent = fx.master.addAgent("a", List.of(FakeResources.scalar("cpus", 2)));
            fx.start(fx.settings().contentType("protobuf"));
            fx.awaitSubscriptions(1);
            fx.master.allocate();
            Await.until("an offer decoded from protobuf", WAIT, () -> !fx.listener.offers.isEmpty());
            assertThat(fx.listener.offers.get(0).agentId()).isEqualTo(agent);
            FakeMesosMaster.Received r = fx.master.received(Call.Type.SUBSCRIBE).get(0);
            assertThat(r.header("Content-Type")).contains("application/x-protobuf");
            assertThat(r.header("Accept")).contains("application/x-protobuf");
            assertThat(Call.parseFrom(r.body()).getType()).isEqualTo(Call.Type.SUBSCRIBE);
        }
    }

    @Test
    void sc05_followsRedirectsToTheLeaderAndSendsLaterCallsThere() throws Exception {
        try (SchedulerClientFixture fx = new SchedulerClientFixture();
             FakeMesosMaster other = fx.closeAtEnd(FakeMesosMaster.start(FakeMesosMaster.Settings.defaults()
                     .heartbeat(Duration.ofMillis(200)).manualAllocation()))) {
            other.follow(fx.master);
            fx.start(fx.settings().master(other.url().toString()).maxRedirects(3));
            fx.awaitSubscriptions(1);
            assertThat(other.received()).as("the follower only redirects").singleElement()
                    .satisfies(r -> assertThat(r.status()).isEqualTo(307));
            assertThat(fx.client.master()).contains(fx.master.url());
            fx.client.kill("t", Optional.empty()).get(30, TimeUnit.SECONDS);
            assertThat(fx.master.received(Call.Type.KILL)).hasSize(1);
            assertThat(other.received(Call.Type.KILL)).isEmpty();

            fx.master.flipLeadershipTo(other);
            fx.awaitSubscriptions(2);
            assertThat(fx.client.master()).contains(other.url());
            fx.client.kill("t2", Optional.empty()).get(30, TimeUnit.SECONDS);
            assertThat(other.received(Call.Type.KILL)).hasSize(1);

            other.follow(fx.master);
            Await.until("a redirect loop is cut after 3 redirects", WAIT, () -> fx.listener.disconnects.stream()
                    .anyMatch(d -> d.contains("more than 3 redirects")));
            assertThat(fx.client.state()).isNotEqualTo(MesosSchedulerClient.State.SUBSCRIBED);
            fx.master.lead();
            fx.awaitSubscriptions(3);
            assertThat(fx.client.master()).contains(fx.master.url());
        }
    }

    @Test
    void sc06_retries503WithBackoffInsteadOfFailing() throws Exception {
        try (SchedulerClientFixture fx = new SchedulerClientFixture()) {
            fx.master.recovering(true);
            fx.start();
            Await.until("three SUBSCRIBEs answered 503", WAIT, () -> count503(fx.master) >= 3);
            assertThat(fx.client.state()).isNotEqualTo(MesosSchedulerClient.State.SUBSCRIBED);
            fx.master.recovering(false);
            fx.awaitSubscriptions(1);

            long before = count503(fx.master);
            fx.master.recovering(true);
            CompletableFuture<Void> kill = fx.client.kill("t", Optional.empty());
            Await.until("the call is answered 503 twice", WAIT, () -> count503(fx.master) >= before + 2);
            assertThat(kill).isNotDone();
            fx.master.recovering(false);
            kill.get(30, TimeUnit.SECONDS);
            assertThat(fx.master.received(Call.Type.KILL)).singleElement()
                    .satisfies(r -> assertThat(r.status()).isEqualTo(202));
        }
    }

    @Test
    void sc07_anEndedStreamABrokenRecordAndAnErrorEventEachEndTheSubscription() throws Exception {
        try (SchedulerClientFixture fx = new SchedulerClientFixture()) {
            fx.start();
            String id = fx.awaitSubscriptions(1).frameworkId();
            fx.master.endStreams();
            fx.awaitSubscriptions(2);
            assertThat(fx.listener.disconnects.get(0)).contains("the master closed the stream");

            fx.master.sendRaw("9\n{\"type\":[".getBytes(StandardCharsets.UTF_8));
            fx.awaitSubscriptions(3);
            assertThat(fx.listener.disconnects.get(1)).contains("cannot be decoded");

            fx.master.sendRaw("12x\n".getBytes(StandardCharsets.UTF_8));
            fx.awaitSubscriptions(4);
            assertThat(fx.listener.disconnects.get(2)).contains("framing");

            try (InputStream intruder = subscribeAs(fx.master, id)) {
                assertThat(intruder).isNotNull();
                fx.awaitSubscriptions(5);
                assertThat(fx.listener.disconnects.get(3)).contains("ERROR from the master: Framework failed over");
            }
        }
    }

    @Test
    void sc07_a403OnACallOrFiveSilentHeartbeatIntervalsEndTheSubscription() throws Exception {
        try (SchedulerClientFixture fx = new SchedulerClientFixture()) {
            fx.start();
            fx.awaitSubscriptions(1);
            fx.awaitImplicitReconciliations(1);
            fx.master.forgetConnections();
            ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> fx.client.kill("t", Optional.empty()).get(30, TimeUnit.SECONDS));
            assertThat(refused.getCause()).isInstanceOfSatisfying(MesosCallException.class,
                    e -> assertThat(e.status()).as(e.getMessage()).isEqualTo(403));
            fx.awaitSubscriptions(2);
            assertThat(fx.listener.disconnects.get(0)).contains("answered 403");

            fx.master.faults().dropHeartbeats(true);
            fx.awaitSubscriptions(3);
            fx.master.faults().dropHeartbeats(false);
            assertThat(fx.listener.disconnects.get(1)).contains("no event for").contains("heartbeat intervals");
        }
    }

    @Test
    void sc08_eventsOfAnEndedSubscriptionAreDropped() throws Exception {
        try (SchedulerClientFixture fx = new SchedulerClientFixture()) {
            fx.master.addAgent("a", List.of(FakeResources.scalar("cpus", 2)));
            CountDownLatch hold = new CountDownLatch(1);
            fx.listener.onOffers = offers -> {
                try {
                    hold.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            fx.start();
            String id = fx.awaitSubscriptions(1).frameworkId();
            fx.master.allocate();
            Await.until("the listener holds the first offers", WAIT, () -> fx.listener.offers.size() == 1);
            fx.master.addAgent("b", List.of(FakeResources.scalar("cpus", 2)));
            fx.master.allocate();
            Await.until("the second offers are out", WAIT, () -> fx.master.outstandingOffers().size() == 2);
            try (InputStream intruder = subscribeAs(fx.master, id)) {
                assertThat(intruder).isNotNull();
                Await.until("the client subscribed again while its listener is busy", WAIT,
                        () -> fx.master.received(Call.Type.SUBSCRIBE).size() == 3 && fx.master.connected(id));
                hold.countDown();
                fx.awaitSubscriptions(2);
                fx.client.kill("t", Optional.empty()).get(30, TimeUnit.SECONDS);
            }
            assertThat(fx.listener.offers).as("the second offers were read on the old stream, handled after it ended")
                    .hasSize(1);
            assertThat(fx.listener.disconnects).singleElement().asString().contains("Framework failed over");
            assertThat(fx.master.received(Call.Type.SUBSCRIBE)).hasSize(3);
            assertThat(fx.client.state()).isEqualTo(MesosSchedulerClient.State.SUBSCRIBED);
        }
    }

    @Test
    void sc08_answersToCallsOfAnEndedSubscriptionAreIgnored() throws Exception {
        try (SchedulerClientFixture fx = new SchedulerClientFixture()) {
            fx.start();
            fx.awaitSubscriptions(1);
            fx.awaitImplicitReconciliations(1);
            fx.master.faults().delayAnswers(Duration.ofMillis(1500));
            fx.master.forgetConnections();
            CompletableFuture<Void> late = fx.client.kill("t", Optional.empty());
            fx.master.endStreams();
            fx.awaitSubscriptions(2);
            ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> late.get(30, TimeUnit.SECONDS));
            assertThat(((MesosCallException) refused.getCause()).status()).isEqualTo(403);
            fx.master.faults().delayAnswers(Duration.ZERO);
            fx.client.kill("t2", Optional.empty()).get(30, TimeUnit.SECONDS);
            assertThat(fx.client.state()).isEqualTo(MesosSchedulerClient.State.SUBSCRIBED);
            assertThat(fx.master.received(Call.Type.SUBSCRIBE)).hasSize(2);
            assertThat(fx.listener.disconnects).hasSize(1);
        }
    }

    @Test
    void sc09_storesTheFrameworkIdBeforeTheListenerActsAndClearsItWhenTheFrameworkIsRemoved() throws Exception {
        try (SchedulerClientFixture fx = new SchedulerClientFixture()) {
            fx.start(fx.settings().failoverTimeout(Duration.ofSeconds(1)));
            String id = fx.awaitSubscriptions(1).frameworkId();
            assertThat(fx.log.indexOf("save " + id)).isNotNegative().isLessThan(fx.log.indexOf("subscribed " + id));
            fx.master.recovering(true);
            fx.master.endStreams();
            Await.until("the master removes the framework after its failover timeout", WAIT,
                    () -> fx.master.removed(id));
            fx.master.recovering(false);
            String next = fx.awaitSubscriptions(2).frameworkId();
            assertThat(next).isNotEqualTo(id);
            assertThat(fx.ids.load()).contains(next);
            assertThat(fx.log).containsSubsequence("save " + id, "subscribed " + id, "clear", "save " + next,
                    "subscribed " + next);
            List<FakeMesosMaster.Received> subscribes = fx.master.received(Call.Type.SUBSCRIBE);
            assertThat(subscribes.get(subscribes.size() - 1).call().orElseThrow().hasFrameworkId()).isFalse();
        }
    }

    @Test
    void sc14_sendsTheSuppressedRoleOnEveryResubscribeAndRateLimitsRevive() throws Exception {
        try (SchedulerClientFixture fx = new SchedulerClientFixture()) {
            fx.start(fx.settings().reviveMinInterval(Duration.ofSeconds(1)));
            String id = fx.awaitSubscriptions(1).frameworkId();
            fx.client.suppress().get(30, TimeUnit.SECONDS);
            assertThat(fx.master.suppressedRoles(id)).containsExactly(SchedulerClientFixture.ROLE);
            fx.master.endStreams();
            fx.awaitSubscriptions(2);
            assertThat(lastSubscribe(fx).getSubscribe().getSuppressedRolesList())
                    .containsExactly(SchedulerClientFixture.ROLE);
            assertThat(fx.master.suppressedRoles(id)).containsExactly(SchedulerClientFixture.ROLE);

            List<CompletableFuture<Void>> revives = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                revives.add(fx.client.revive());
            }
            CompletableFuture.allOf(revives.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertThat(fx.calls(Call.Type.REVIVE)).as("one at once, one for the rest at the end of the interval")
                    .hasSize(2);
            assertThat(fx.master.suppressedRoles(id)).isEmpty();
            fx.master.endStreams();
            fx.awaitSubscriptions(3);
            assertThat(lastSubscribe(fx).getSubscribe().getSuppressedRolesList()).isEmpty();
        }
    }

    @Test
    void sc15_callsWhileNotSubscribedAreDroppedAndCallsTimeOut() throws Exception {
        try (SchedulerClientFixture fx = new SchedulerClientFixture()) {
            fx.master.recovering(true);
            fx.start(fx.settings().callTimeout(Duration.ofSeconds(1)));
            for (CompletableFuture<Void> dropped : List.of(fx.client.revive(), fx.client.kill("t", Optional.empty()),
                    fx.client.decline(List.of("o"), Duration.ofSeconds(5)), fx.client.suppress())) {
                assertThat(dropped).isCompletedExceptionally();
                assertThatThrownBy(dropped::join).hasCauseInstanceOf(MesosCallException.class)
                        .hasMessageContaining("not subscribed").hasMessageContaining("not queued");
            }
            fx.master.recovering(false);
            fx.awaitSubscriptions(1);
            fx.client.kill("after", Optional.empty()).get(30, TimeUnit.SECONDS);
            assertThat(fx.calls(Call.Type.KILL)).extracting(c -> c.getKill().getTaskId().getValue())
                    .containsExactly("after");
            assertThat(fx.calls(Call.Type.REVIVE)).isEmpty();
            assertThat(fx.calls(Call.Type.DECLINE)).isEmpty();

            fx.master.faults().delayAnswers(Duration.ofSeconds(4));
            ExecutionException timedOut = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> fx.client.kill("slow", Optional.empty()).get(30, TimeUnit.SECONDS));
            assertThat(timedOut.getCause()).isInstanceOf(MesosCallException.class)
                    .hasMessageContaining("got no answer");
            fx.master.faults().delayAnswers(Duration.ZERO);
        }
    }

    @Test
    void sc16_sendsBasicCredentialsOnEveryRequestAndStopsFor401() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret"), "s3cr3t\n");
        Path wrong = Files.writeString(dir.resolve("wrong"), "guess\n");
        String expected = "Basic " + Base64.getEncoder().encodeToString("lunpool:s3cr3t".getBytes(StandardCharsets.UTF_8));
        try (SchedulerClientFixture fx = new SchedulerClientFixture(s -> s.credentials("lunpool", "s3cr3t"))) {
            fx.start(fx.settings().secretFile(secret.toString()));
            fx.awaitSubscriptions(1);
            fx.client.kill("t", Optional.empty()).get(30, TimeUnit.SECONDS);
            fx.master.endStreams();
            fx.awaitSubscriptions(2);
            assertThat(fx.master.received()).hasSizeGreaterThan(3)
                    .allSatisfy(r -> assertThat(r.header("Authorization")).contains(expected));
        }
        try (SchedulerClientFixture fx = new SchedulerClientFixture(s -> s.credentials("lunpool", "s3cr3t"))) {
            fx.start(fx.settings().secretFile(wrong.toString()));
            Await.until("the client stops for good", WAIT,
                    () -> fx.client.state() == MesosSchedulerClient.State.FAILED && !fx.listener.fatals.isEmpty());
            assertThat(fx.listener.fatals.get(0)).contains("401");
            assertThat(fx.master.received()).singleElement().satisfies(r -> assertThat(r.status()).isEqualTo(401));
            assertThat(fx.client.revive()).isCompletedExceptionally();
            assertThat(fx.master.received()).as("no retry").hasSize(1);
        }
    }

    @Test
    void teardownRemovesTheFrameworkForGood() throws Exception {
        try (SchedulerClientFixture fx = new SchedulerClientFixture()) {
            fx.start();
            String id = fx.awaitSubscriptions(1).frameworkId();
            fx.client.teardown().get(30, TimeUnit.SECONDS);
            Await.until("the master removed the framework", WAIT, () -> fx.master.removed(id));
            fx.client.close();
            assertThat(fx.client.state()).isEqualTo(MesosSchedulerClient.State.CLOSED);
            assertThat(fx.master.framework(id)).isEmpty();
        }
    }

    @Test
    void subscribesToTheLeaderFoundInZooKeeperAndFollowsItWhenItChanges() throws Exception {
        try (SchedulerClientFixture fx = new SchedulerClientFixture();
             FakeMesosMaster second = fx.closeAtEnd(FakeMesosMaster.start(FakeMesosMaster.Settings.defaults()
                     .heartbeat(Duration.ofMillis(200)).manualAllocation()))) {
            var curator = zk.curator();
            curator.create().forPath("/mesos");
            String first = curator.create().withMode(CreateMode.EPHEMERAL_SEQUENTIAL).forPath("/mesos/json.info_",
                    ZkMasterDetectorTest.masterInfo("127.0.0.1", fx.master.url().getPort()));
            curator.create().withMode(CreateMode.EPHEMERAL_SEQUENTIAL).forPath("/mesos/json.info_",
                    ZkMasterDetectorTest.masterInfo("127.0.0.1", second.url().getPort()));
            fx.start(fx.settings().master("zk://" + zk.connectString() + "/mesos"));
            fx.awaitSubscriptions(1);
            assertThat(fx.client.master()).contains(fx.master.url());
            curator.delete().forPath(first);
            fx.master.follow(second);
            fx.awaitSubscriptions(2);
            assertThat(fx.client.master()).contains(second.url());
            assertThat(fx.master.received(Call.Type.SUBSCRIBE)).as("straight to the new leader").hasSize(1);
        }
    }

    private static long count503(FakeMesosMaster master) {
        return master.received().stream().filter(r -> r.status() == 503).count();
    }

    private static Call lastSubscribe(SchedulerClientFixture fx) {
        List<Call> subscribes = fx.calls(Call.Type.SUBSCRIBE);
        return subscribes.get(subscribes.size() - 1);
    }

    /** Another scheduler subscribing with the framework's id; the stream stays open until closed. */
    private static InputStream subscribeAs(FakeMesosMaster master, String frameworkId) throws Exception {
        FrameworkInfo info = FrameworkInfo.newBuilder().setUser("root").setName("intruder").setPrincipal("lunpool")
                .addRoles(SchedulerClientFixture.ROLE).setFailoverTimeout(60)
                .setId(FrameworkID.newBuilder().setValue(frameworkId))
                .addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.MULTI_ROLE))
                .build();
        Call call = Call.newBuilder().setType(Call.Type.SUBSCRIBE).setFrameworkId(info.getId())
                .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(info)).build();
        HttpResponse<InputStream> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(HttpRequest.newBuilder(URI.create(master.url() + "/api/v1/scheduler"))
                        .header("Content-Type", "application/x-protobuf").header("Accept", "application/x-protobuf")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(call.toByteArray())).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }
}
