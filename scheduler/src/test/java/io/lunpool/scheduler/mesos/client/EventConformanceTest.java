package io.lunpool.scheduler.mesos.client;

import static io.lunpool.scheduler.mesos.client.SchedulerClientFixture.ROLE;
import static io.lunpool.scheduler.mesos.client.SchedulerClientFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.lunpool.backend.plugin.Await;
import io.lunpool.scheduler.mesos.fake.AgentRegistration;
import io.lunpool.scheduler.mesos.fake.FakeResources;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.OperationID;
import org.apache.mesos.v1.Protos.OperationState;
import org.apache.mesos.v1.Protos.OperationStatus;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.ResourceProviderID;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.UUID;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.junit.jupiter.api.Test;

/**
 * The scheduler client against the fake master over real HTTP: the event stream in odd chunks, acknowledgements,
 * offers, reconciliation and the format of operations (SC-04, SC-10 to SC-13, SC-17).
 */
class EventConformanceTest {
    private static final Map<String, String> LABELS = Map.of("lunpool_pool", "gold");

    @Test
    void sc04_readsRecordsSplitIntoTinyChunksAndSeveralPerChunk() throws Exception {
        try (SchedulerClientFixture fx = new SchedulerClientFixture()) {
            fx.master.addAgent("a", List.of(FakeResources.scalar("cpus", 4), FakeResources.mountDisk("/mnt/l1", 10)));
            fx.master.faults().chunkSize(3).coalesce(true);
            fx.start(fx.settings().contentType("protobuf"));
            fx.awaitSubscriptions(1);
            fx.master.allocate();
            Await.until("offers read from 3-byte chunks", WAIT, () -> fx.listener.offers.size() == 1);
            assertThat(fx.listener.offers.get(0).resources()).hasSize(2);
            fx.master.faults().chunkSize(0).coalesce(false);
            fx.master.faults().cutNextEvent();
            fx.awaitSubscriptions(2);
            assertThat(fx.listener.disconnects.get(0)).contains("reading the stream failed");
        }
    }

    @Test
    void sc04_aNonNumericRecordLengthEndsTheSubscription() throws Exception {
        try (SchedulerClientFixture fx = new SchedulerClientFixture()) {
            fx.start();
            fx.awaitSubscriptions(1);
            fx.master.sendRaw("1O\n".getBytes(StandardCharsets.US_ASCII));
            fx.awaitSubscriptions(2);
            assertThat(fx.listener.disconnects.get(0)).contains("framing").contains("0x4f");
        }
    }

    @Test
    void sc10_acknowledgesEachReliableUpdateOnceAfterTheListenerCompletes() throws Exception {
        try (SchedulerClientFixture fx = new SchedulerClientFixture()) {
            String agent = fx.master.addAgent("a", List.of(FakeResources.scalar("cpus", 4)));
            fx.start();
            fx.awaitSubscriptions(1);
            launch(fx, "task-1");
            CompletableFuture<Void> durable = new CompletableFuture<>();
            fx.listener.onUpdate = u -> durable;
            fx.master.taskStatus("task-1", TaskState.TASK_RUNNING);
            Await.until("the update is delivered again while the listener is busy", WAIT,
                    () -> reliable(fx).size() >= 3);
            assertThat(fx.calls(Call.Type.ACKNOWLEDGE)).as("no ack before the listener completes").isEmpty();
            durable.complete(null);
            Await.until("every delivery is acknowledged once", WAIT, () -> fx.master.unacknowledgedUpdates("task-1") == 0
                    && fx.calls(Call.Type.ACKNOWLEDGE).size() == reliable(fx).size());
            List<Call> acks = fx.calls(Call.Type.ACKNOWLEDGE);
            assertThat(acks).allSatisfy(c -> {
                assertThat(c.getAcknowledge().getTaskId().getValue()).isEqualTo("task-1");
                assertThat(c.getAcknowledge().getAgentId().getValue()).isEqualTo(agent);
                assertThat(c.getAcknowledge().getUuid().size()).isEqualTo(16);
                assertThat(c.getAcknowledge().getUuid()).isEqualTo(acks.get(0).getAcknowledge().getUuid());
            });
            assertThat(fx.master.acknowledgedState("task-1")).as("the master took the ack's uuid")
                    .contains(TaskState.TASK_RUNNING);

            fx.client.reconcile(List.of(new TaskRef("task-1", Optional.of(agent)))).get(30, TimeUnit.SECONDS);
            Await.until("the master's answer", WAIT, () -> fx.listener.updates.stream().anyMatch(u -> !u.reliable()));
            AtomicBoolean failOnce = new AtomicBoolean(true);
            fx.listener.onUpdate = u -> failOnce.getAndSet(false)
                    ? CompletableFuture.failedFuture(new IllegalStateException("not durable"))
                    : CompletableFuture.completedFuture(null);
            fx.master.taskStatus("task-1", TaskState.TASK_FINISHED);
            Await.until("the finished update is acknowledged after a failed first handling", WAIT,
                    () -> !fx.master.taskKnown("task-1"));
            int deliveries = reliable(fx).size();
            assertThat(fx.calls(Call.Type.ACKNOWLEDGE)).as("one ack per reliable delivery but the failed one")
                    .hasSize(deliveries - 1);
        }
    }

    @Test
    void sc11_acknowledgesAnOperationStatusWithTheBytesOfItsUuid() throws Exception {
        try (SchedulerClientFixture fx = new SchedulerClientFixture()) {
            fx.start();
            String id = fx.awaitSubscriptions(1).frameworkId();
            ByteString uuid = ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
            OperationStatus unreliable = OperationStatus.newBuilder().setOperationId(OperationID.newBuilder()
                    .setValue("op-0")).setState(OperationState.OPERATION_FINISHED).build();
            OperationStatus reliable = OperationStatus.newBuilder()
                    .setOperationId(OperationID.newBuilder().setValue("op-1"))
                    .setState(OperationState.OPERATION_FINISHED)
                    .setUuid(UUID.newBuilder().setValue(uuid))
                    .setAgentId(AgentID.newBuilder().setValue("agent-9"))
                    .setResourceProviderId(ResourceProviderID.newBuilder().setValue("rp-1")).build();
            fx.master.operationStatus(id, unreliable);
            fx.master.operationStatus(id, reliable);
            Await.until("the acknowledgement", WAIT,
                    () -> fx.master.received(Call.Type.ACKNOWLEDGE_OPERATION_STATUS).size() == 1);
            assertThat(fx.master.received(Call.Type.ACKNOWLEDGE_OPERATION_STATUS)).singleElement().satisfies(r -> {
                assertThat(r.status()).isEqualTo(202);
                Call.AcknowledgeOperationStatus ack = r.call().orElseThrow().getAcknowledgeOperationStatus();
                assertThat(ack.getUuid()).isEqualTo(uuid);
                assertThat(ack.getOperationId().getValue()).isEqualTo("op-1");
                assertThat(ack.getAgentId().getValue()).isEqualTo("agent-9");
                assertThat(ack.getResourceProviderId().getValue()).isEqualTo("rp-1");
            });
            assertThat(fx.listener.operationUpdates).extracting(OperationUpdate::reliable).containsExactly(false, true);
        }
    }

    @Test
    void sc12_everyOfferIsAnsweredOnceNeverAfterARescindOnOneAgentAndDeclinedWhenHeldTooLong() throws Exception {
        try (SchedulerClientFixture fx = new SchedulerClientFixture()) {
            String a1 = fx.master.addAgent("a1", List.of(FakeResources.scalar("cpus", 4)));
            String a2 = fx.master.addAgent("a2", List.of(FakeResources.scalar("cpus", 4)));
            fx.start(fx.settings().offerHoldTimeout(Duration.ofSeconds(1)).declineRefuse(Duration.ofSeconds(77)));
            fx.awaitSubscriptions(1);
            fx.master.allocate();
            Await.until("two offers", WAIT, () -> fx.listener.offers.size() == 2);
            String o1 = offerOf(fx, a1);
            String o2 = offerOf(fx, a2);
            assertThatThrownBy(() -> fx.client.accept(List.of(o1, o2), List.of(), Duration.ofSeconds(5)).join())
                    .hasMessageContaining("one ACCEPT uses the offers of one agent");
            fx.master.rescind(o1);
            Await.until("the rescind", WAIT, () -> fx.listener.rescinded.contains(o1));
            assertThatThrownBy(() -> fx.client.accept(List.of(o1), List.of(), Duration.ofSeconds(5)).join())
                    .hasMessageContaining("rescinded");
            fx.client.accept(List.of(o2), List.of(), Duration.ofSeconds(5)).get(30, TimeUnit.SECONDS);
            assertThatThrownBy(() -> fx.client.decline(List.of(o2), Duration.ofSeconds(5)).join())
                    .hasMessageContaining("answered already");
            assertThat(fx.calls(Call.Type.ACCEPT)).singleElement()
                    .satisfies(c -> assertThat(c.getAccept().getOfferIds(0).getValue()).isEqualTo(o2));

            fx.master.allocate();
            Await.until("a new offer of the first agent", WAIT, () -> fx.listener.offers.size() == 3);
            String o3 = fx.listener.offers.get(2).id();
            Await.until("the offer held past the timeout is declined", WAIT, () -> fx.calls(Call.Type.DECLINE).stream()
                    .anyMatch(c -> c.getDecline().getOfferIds(0).getValue().equals(o3)));
            assertThat(fx.calls(Call.Type.DECLINE)).singleElement().satisfies(c ->
                    assertThat(c.getDecline().getFilters().getRefuseSeconds()).isEqualTo(77.0));
            assertThat(fx.master.outstandingOffers()).isEmpty();
        }
    }

    @Test
    void sc13_reconcilesKnownTasksAfterEverySubscriptionRetryingTheUnansweredOneRunAtATime() throws Exception {
        try (SchedulerClientFixture fx = new SchedulerClientFixture()) {
            String registered = fx.master.addAgent("a", List.of());
            String recovering = fx.master.addAgent("b", List.of());
            fx.master.agentRegistration(recovering, AgentRegistration.RECOVERING);
            fx.tasks = () -> List.of(new TaskRef("gone", Optional.of(registered)),
                    new TaskRef("waiting", Optional.of(recovering)));
            fx.start();
            fx.awaitSubscriptions(1);
            Await.until("three explicit rounds", WAIT, () -> explicit(fx).size() >= 3);
            CompletableFuture<Void> run = fx.client.reconcileKnownTasks();
            assertThat(run).isNotDone();
            List<List<String>> rounds = explicit(fx);
            assertThat(rounds.get(0)).containsExactlyInAnyOrder("gone", "waiting");
            assertThat(rounds.subList(1, rounds.size())).as("only the unanswered task again, one run at a time")
                    .allSatisfy(r -> assertThat(r).containsExactly("waiting"));
            fx.master.agentRegistration(recovering, AgentRegistration.REGISTERED);
            run.get(30, TimeUnit.SECONDS);
            fx.awaitImplicitReconciliations(1);
            assertThat(fx.listener.updates).filteredOn(u -> u.taskId().equals("waiting"))
                    .extracting(TaskUpdate::state).contains(MesosTaskState.TASK_GONE);

            fx.master.endStreams();
            fx.awaitSubscriptions(2);
            Await.until("an explicit run after the new subscription", WAIT, () -> explicit(fx).stream()
                    .filter(r -> r.contains("gone")).count() == 2);
        }
        try (SchedulerClientFixture fx = new SchedulerClientFixture()) {
            fx.start(fx.settings().implicitReconcileInterval(Duration.ofMillis(300)));
            fx.awaitSubscriptions(1);
            fx.awaitImplicitReconciliations(4);
        }
    }

    @Test
    void sc17_reserveCreateAndLaunchAreAcceptedByTheMastersRules() throws Exception {
        try (SchedulerClientFixture fx = new SchedulerClientFixture()) {
            String agent = fx.master.addAgent("a", List.of(FakeResources.scalar("cpus", 4),
                    FakeResources.mountDisk("/mnt/lun7", 1024)));
            fx.start();
            fx.awaitSubscriptions(1);
            fx.master.allocate();
            Await.until("an offer", WAIT, () -> fx.listener.offers.size() == 1);
            MesosOffer offer = fx.listener.offers.get(0);
            MesosResource disk = offer.resources().stream().filter(r -> r.name().equals("disk")).findFirst().orElseThrow();
            MesosResource cpus = offer.resources().stream().filter(r -> r.name().equals("cpus")).findFirst()
                    .orElseThrow().withScalar(1);
            MesosResource reservedDisk = disk.withReservations(List.of(new ResourceReservation(
                    ResourceReservation.Type.DYNAMIC, ROLE, Optional.of("lunpool"), LABELS)));
            fx.client.accept(List.of(offer.id()), List.of(new OfferOperation.Reserve(List.of(disk, cpus), LABELS),
                    new OfferOperation.CreateVolume(reservedDisk, "pool-gold-1", "data")), Duration.ZERO)
                    .get(30, TimeUnit.SECONDS);
            String body = new String(fx.master.received(Call.Type.ACCEPT).get(0).body(), StandardCharsets.UTF_8);
            assertThat(body).contains("\"reservations\":[").doesNotContain("\"reservation\":");
            Call.Accept accept = fx.calls(Call.Type.ACCEPT).get(0).getAccept();
            assertThat(accept.getOperations(0).getReserve().getResourcesList())
                    .as("no legacy role field").allSatisfy(r -> assertThat(legacyRole(r)).isFalse());
            assertThat(accept.getOperations(1).getCreate().getVolumesList())
                    .allSatisfy(r -> assertThat(legacyRole(r)).isFalse());
            Await.until("the volume exists on the agent", WAIT, () -> fx.master.agentResources(agent).stream()
                    .anyMatch(r -> r.hasDisk() && r.getDisk().hasPersistence()));
            Resource volume = fx.master.agentResources(agent).stream().filter(r -> r.getDisk().hasPersistence())
                    .findFirst().orElseThrow();
            assertThat(volume.getReservations(0).getPrincipal()).isEqualTo("lunpool");
            assertThat(volume.getReservations(0).getLabels().getLabels(0).getValue()).isEqualTo("gold");
            assertThat(volume.getDisk().getPersistence().getPrincipal()).isEqualTo("lunpool");
            assertThat(volume.getDisk().getSource().getMount().getRoot()).isEqualTo("/mnt/lun7");
            assertThat(fx.master.droppedOperations()).isEmpty();

            fx.master.allocate();
            Await.until("an offer of the reserved resources", WAIT, () -> fx.listener.offers.size() == 2);
            MesosOffer second = fx.listener.offers.get(1);
            List<MesosResource> ours = second.resources().stream().filter(r -> !r.unreserved()).toList();
            assertThat(ours).hasSize(2).allSatisfy(r -> assertThat(r.reservation().orElseThrow().labels()).isEqualTo(LABELS));
            ExecutorSpec executor = new ExecutorSpec("lunpool-executor-" + agent, "lunpool executor",
                    "exec bin/lunpool executor", List.of(), Map.of("B", "2", "A", "1"), List.of());
            fx.client.accept(List.of(second.id()), List.of(new OfferOperation.Launch(List.of(new TaskSpec(
                    "serve-gold", "serve gold", ours, Optional.of(executor), Optional.empty(),
                    Optional.of("{\"pool\":\"gold\"}"), Map.of("lunpool_pool", "gold"))))), Duration.ZERO)
                    .get(30, TimeUnit.SECONDS);
            Await.until("the task is launched on the volume", WAIT, () -> fx.master.taskKnown("serve-gold"));
            assertThat(fx.master.droppedOperations()).isEmpty();
            assertThat(fx.listener.updates).as("no TASK_ERROR").isEmpty();
        }
    }

    private static void launch(SchedulerClientFixture fx, String taskId) throws Exception {
        fx.master.allocate();
        Await.until("an offer", WAIT, () -> !fx.listener.offers.isEmpty());
        MesosOffer offer = fx.listener.offers.get(fx.listener.offers.size() - 1);
        MesosResource cpus = offer.resources().stream().filter(r -> r.name().equals("cpus")).findFirst().orElseThrow()
                .withScalar(1);
        fx.client.accept(List.of(offer.id()), List.of(new OfferOperation.Launch(List.of(new TaskSpec(taskId, taskId,
                List.of(cpus), Optional.empty(), Optional.of("sleep 1000"), Optional.empty(), Map.of())))),
                Duration.ZERO).get(30, TimeUnit.SECONDS);
        Await.until("task " + taskId + " is launched", WAIT, () -> fx.master.taskKnown(taskId));
    }

    @SuppressWarnings("deprecation")
    private static boolean legacyRole(Resource r) {
        return r.hasRole() || r.hasReservation();
    }

    private static List<TaskUpdate> reliable(SchedulerClientFixture fx) {
        synchronized (fx.listener.updates) {
            return fx.listener.updates.stream().filter(TaskUpdate::reliable).toList();
        }
    }

    private static String offerOf(SchedulerClientFixture fx, String agent) {
        return fx.listener.offers.stream().filter(o -> o.agentId().equals(agent)).findFirst().orElseThrow().id();
    }

    private static List<List<String>> explicit(SchedulerClientFixture fx) {
        return fx.calls(Call.Type.RECONCILE).stream().filter(c -> c.getReconcile().getTasksCount() > 0)
                .map(c -> c.getReconcile().getTasksList().stream().map(t -> t.getTaskId().getValue()).toList())
                .toList();
    }
}
