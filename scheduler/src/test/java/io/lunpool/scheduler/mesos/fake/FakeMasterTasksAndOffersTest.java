package io.lunpool.scheduler.mesos.fake;

import static io.lunpool.scheduler.mesos.fake.FakeResources.allocated;
import static io.lunpool.scheduler.mesos.fake.FakeResources.mountDisk;
import static io.lunpool.scheduler.mesos.fake.FakeResources.reserved;
import static io.lunpool.scheduler.mesos.fake.FakeResources.scalar;
import static io.lunpool.scheduler.mesos.fake.FakeResources.volume;
import static io.lunpool.scheduler.mesos.fake.RawFramework.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.lunpool.backend.plugin.Await;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.OperationID;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fake master's simulated agents against raw HTTP requests: reliable status updates, invalid offers,
 * reconciliation answers, offers and their filters, reservations and volumes (FM-09 to FM-13).
 */
@SuppressWarnings("deprecation")
class FakeMasterTasksAndOffersTest {
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
    void fm09_redeliversAnAgentUpdateUntilAckedAndHoldsTheNextOneBack() throws IOException {
        String agent = master.addAgent("agent-1", List.of(scalar("cpus", 4)));
        try (RawFramework f = RawFramework.subscribe(master, RawFramework.info(ROLE))) {
            Offer offer = firstOffer(f);
            launch(f, offer, "task-1", List.of(allocated(scalar("cpus", 1), ROLE)));
            master.taskStatus("task-1", TaskState.TASK_RUNNING);
            master.taskStatus("task-1", TaskState.TASK_FINISHED);
            TaskStatus running = f.next().getUpdate().getStatus();
            assertThat(running.getState()).isEqualTo(TaskState.TASK_RUNNING);
            assertThat(running.getUuid().size()).isEqualTo(16);
            assertThat(running.getSource()).isEqualTo(TaskStatus.Source.SOURCE_EXECUTOR);
            TaskStatus again = f.next().getUpdate().getStatus();
            assertThat(again).as("redelivered, and the next update held back").isEqualTo(running);
            Call ack = f.call(Call.Type.ACKNOWLEDGE).setAcknowledge(Call.Acknowledge.newBuilder()
                    .setAgentId(AgentID.newBuilder().setValue(agent)).setTaskId(running.getTaskId())
                    .setUuid(running.getUuid())).build();
            assertThat(f.send(ack).status()).isEqualTo(202);
            TaskStatus next = f.next().getUpdate().getStatus();
            while (next.getState() == TaskState.TASK_RUNNING) {
                next = f.next().getUpdate().getStatus();
            }
            assertThat(next.getState()).isEqualTo(TaskState.TASK_FINISHED);
            assertThat(next.getUuid()).isNotEqualTo(running.getUuid());

            f.send(f.call(Call.Type.RECONCILE).setReconcile(Call.Reconcile.newBuilder().addTasks(
                    Call.Reconcile.Task.newBuilder().setTaskId(TaskID.newBuilder().setValue("never")))).build());
            TaskStatus fromMaster = nextUpdateOf(f, "never");
            assertThat(fromMaster.hasUuid()).isFalse();
            assertThat(fromMaster.getSource()).isEqualTo(TaskStatus.Source.SOURCE_MASTER);
        }
    }

    @Test
    void fm10_acceptWithAnInvalidOfferLosesItsTasks() throws IOException {
        String agent = master.addAgent("agent-1", List.of(scalar("cpus", 4)));
        TaskInfo task = TaskInfo.newBuilder().setName("t").setTaskId(TaskID.newBuilder().setValue("lost-1"))
                .setAgentId(AgentID.newBuilder().setValue(agent)).addResources(scalar("cpus", 1))
                .setCommand(CommandInfo.newBuilder().setValue("true")).build();
        Offer.Operation launch = Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
                .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(task)).build();
        Offer.Operation reserveWithId = Offer.Operation.newBuilder().setType(Offer.Operation.Type.RESERVE)
                .setId(OperationID.newBuilder().setValue("op-1"))
                .setReserve(Offer.Operation.Reserve.newBuilder()
                        .addResources(reserved(scalar("cpus", 1), ROLE, "raw-principal", null, null))).build();
        try (RawFramework aware = RawFramework.subscribe(master, RawFramework.info(ROLE,
                FrameworkInfo.Capability.Type.PARTITION_AWARE))) {
            Call accept = aware.call(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
                    .addOfferIds(OfferID.newBuilder().setValue("unknown")).addOperations(launch)
                    .addOperations(reserveWithId)).build();
            assertThat(aware.send(accept).status()).isEqualTo(202);
            TaskStatus dropped = aware.next().getUpdate().getStatus();
            assertThat(dropped.getState()).isEqualTo(TaskState.TASK_DROPPED);
            assertThat(dropped.getReason()).isEqualTo(TaskStatus.Reason.REASON_INVALID_OFFERS);
            assertThat(dropped.getSource()).isEqualTo(TaskStatus.Source.SOURCE_MASTER);
            assertThat(dropped.hasUuid()).isFalse();
            Event opError = aware.next();
            assertThat(opError.getUpdateOperationStatus().getStatus().getState().name()).isEqualTo("OPERATION_ERROR");

            Offer offer = firstOffer(aware);
            master.rescind(offer.getId().getValue());
            assertThat(aware.next().getRescind().getOfferId()).isEqualTo(offer.getId());
            aware.send(aware.call(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder().addOfferIds(offer.getId())
                    .addOperations(launch)).build());
            assertThat(aware.next().getUpdate().getStatus().getState()).isEqualTo(TaskState.TASK_DROPPED);
        }
        try (RawFramework legacy = RawFramework.subscribe(master, RawFramework.info(ROLE))) {
            legacy.send(legacy.call(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
                    .addOfferIds(OfferID.newBuilder().setValue("unknown")).addOperations(launch)).build());
            TaskStatus lost = legacy.next().getUpdate().getStatus();
            assertThat(lost.getState()).isEqualTo(TaskState.TASK_LOST);
            assertThat(lost.getReason()).isEqualTo(TaskStatus.Reason.REASON_INVALID_OFFERS);
        }
    }

    @Test
    void fm11_reconciliationAnswersByTheMastersTable() throws IOException {
        String registered = master.addAgent("a", List.of(scalar("cpus", 4)));
        String recovering = master.addAgent("b", List.of());
        String unreachable = master.addAgent("c", List.of());
        String gone = master.addAgent("d", List.of());
        master.agentRegistration(unreachable, AgentRegistration.UNREACHABLE);
        master.agentRegistration(gone, AgentRegistration.GONE);
        try (RawFramework f = RawFramework.subscribe(master, RawFramework.info(ROLE,
                FrameworkInfo.Capability.Type.PARTITION_AWARE))) {
            launch(f, firstOffer(f), "known", List.of(allocated(scalar("cpus", 1), ROLE)));
            master.taskStatus("known", TaskState.TASK_RUNNING);
            TaskStatus running = f.next().getUpdate().getStatus();
            f.send(f.call(Call.Type.ACKNOWLEDGE).setAcknowledge(Call.Acknowledge.newBuilder()
                    .setAgentId(running.getAgentId()).setTaskId(running.getTaskId()).setUuid(running.getUuid())).build());
            Await.until("the update is acknowledged", WAIT, () -> master.unacknowledgedUpdates("known") == 0);
            master.agentRegistration(recovering, AgentRegistration.RECOVERING);

            f.send(reconcile(f, Map.of("known", Optional.of(registered), "x1", Optional.of(registered),
                    "x2", Optional.of(recovering), "x3", Optional.of(unreachable), "x4", Optional.of(gone),
                    "x5", Optional.of("no-such-agent"), "x6", Optional.empty())));
            f.send(reconcile(f, Map.of("marker", Optional.of("no-such-agent"))));
            Map<String, TaskStatus> answers = new java.util.HashMap<>();
            for (Event e : f.until(Event.Type.UPDATE)) {
                answers.put(e.getUpdate().getStatus().getTaskId().getValue(), e.getUpdate().getStatus());
            }
            while (!answers.containsKey("marker")) {
                TaskStatus s = f.next().getUpdate().getStatus();
                answers.put(s.getTaskId().getValue(), s);
            }
            assertThat(answers.get("known").getState()).isEqualTo(TaskState.TASK_RUNNING);
            assertThat(answers.get("x1").getState()).isEqualTo(TaskState.TASK_GONE);
            assertThat(answers.get("x3").getState()).isEqualTo(TaskState.TASK_UNREACHABLE);
            assertThat(answers.get("x3").hasUnreachableTime()).isTrue();
            assertThat(answers.get("x4").getState()).isEqualTo(TaskState.TASK_GONE_BY_OPERATOR);
            assertThat(answers.get("x5").getState()).isEqualTo(TaskState.TASK_UNKNOWN);
            assertThat(answers).as("no answer while the agent, or any agent when none is named, recovers")
                    .doesNotContainKeys("x2", "x6");
            assertThat(answers.values()).allSatisfy(s -> {
                assertThat(s.getReason()).isEqualTo(TaskStatus.Reason.REASON_RECONCILIATION);
                assertThat(s.getSource()).isEqualTo(TaskStatus.Source.SOURCE_MASTER);
                assertThat(s.hasUuid()).isFalse();
            });

            f.send(f.call(Call.Type.RECONCILE).setReconcile(Call.Reconcile.getDefaultInstance()).build());
            TaskStatus implicit = f.next().getUpdate().getStatus();
            assertThat(implicit.getTaskId().getValue()).isEqualTo("known");
            assertThat(implicit.getState()).isEqualTo(TaskState.TASK_RUNNING);
        }
        try (RawFramework legacy = RawFramework.subscribe(master, RawFramework.info("other"))) {
            legacy.send(reconcile(legacy, Map.of("y", Optional.of(registered))));
            assertThat(legacy.next().getUpdate().getStatus().getState()).isEqualTo(TaskState.TASK_LOST);
        }
    }

    @Test
    void fm12_offersHonourDeclineFiltersReviveSuppressAndTheResourceFormat() throws IOException {
        Resource reservedCpus = reserved(scalar("cpus", 2), ROLE, "raw-principal", "pool", "gold");
        String first = master.addAgent("a", List.of(scalar("cpus", 4), reservedCpus));
        String second = master.addAgent("b", List.of(scalar("cpus", 4)));
        try (RawFramework f = RawFramework.subscribe(master, RawFramework.info(ROLE,
                FrameworkInfo.Capability.Type.RESERVATION_REFINEMENT))) {
            List<Offer> offers = offersOf(f);
            assertThat(offers).hasSize(2);
            Offer ofFirst = offers.stream().filter(o -> o.getAgentId().getValue().equals(first)).findFirst().orElseThrow();
            assertThat(ofFirst.getAllocationInfo().getRole()).isEqualTo(ROLE);
            assertThat(ofFirst.getResourcesList()).allSatisfy(r -> {
                assertThat(r.getAllocationInfo().getRole()).isEqualTo(ROLE);
                assertThat(r.hasRole()).isFalse();
                assertThat(r.hasReservation()).isFalse();
            });
            assertThat(ofFirst.getResourcesList()).anySatisfy(r -> assertThat(r.getReservationsList())
                    .singleElement().satisfies(res -> assertThat(res.getLabels().getLabels(0).getValue()).isEqualTo("gold")));

            f.send(f.call(Call.Type.DECLINE).setDecline(Call.Decline.newBuilder().addOfferIds(ofFirst.getId())
                    .setFilters(Filters.newBuilder().setRefuseSeconds(3600))).build());
            Offer otherOffer = offers.stream().filter(o -> o != ofFirst).findFirst().orElseThrow();
            f.send(f.call(Call.Type.DECLINE).setDecline(Call.Decline.newBuilder().addOfferIds(otherOffer.getId())
                    .setFilters(Filters.newBuilder().setRefuseSeconds(0.3))).build());
            Await.until("the short filter expires and the second agent is offered again", WAIT, () -> {
                master.allocate();
                return !master.outstandingOffers().isEmpty();
            });
            assertThat(master.outstandingOffers()).extracting(o -> o.getAgentId().getValue()).containsExactly(second);
            assertThat(offersOf(f)).extracting(o -> o.getAgentId().getValue()).containsExactly(second);

            f.send(f.call(Call.Type.SUPPRESS).setSuppress(Call.Suppress.newBuilder().addRoles(ROLE)).build());
            declineAll(f);
            master.allocate();
            assertThat(master.outstandingOffers()).as("suppressed").isEmpty();
            f.send(f.call(Call.Type.REVIVE).setRevive(Call.Revive.newBuilder().addRoles(ROLE)).build());
            master.allocate();
            assertThat(master.outstandingOffers()).as("revive clears filters and suppression")
                    .extracting(o -> o.getAgentId().getValue()).containsExactlyInAnyOrder(first, second);
        }
        master.endStreams();
        try (RawFramework old = RawFramework.subscribe(master, RawFramework.info(ROLE).toBuilder()
                .clearCapabilities().clearRoles().setRole(ROLE).build())) {
            List<Offer> offers = offersOf(old);
            assertThat(offers).allSatisfy(o -> assertThat(o.hasAllocationInfo()).isFalse());
            assertThat(offers.stream().flatMap(o -> o.getResourcesList().stream()).toList()).allSatisfy(r -> {
                assertThat(r.getReservationsCount()).isZero();
                assertThat(r.hasAllocationInfo()).isFalse();
                assertThat(r.getRole()).isIn("*", ROLE);
            }).anySatisfy(r -> assertThat(r.getReservation().getPrincipal()).isEqualTo("raw-principal"));
        }
    }

    @Test
    void fm13_reservationsAndVolumesFollowTheMastersRules() throws IOException {
        Resource disk = mountDisk("/mnt/lun7", 1024);
        String agent = master.addAgent("a", List.of(scalar("cpus", 4), disk));
        try (RawFramework f = RawFramework.subscribe(master, RawFramework.info(ROLE,
                FrameworkInfo.Capability.Type.RESERVATION_REFINEMENT))) {
            Resource ourCpus = allocated(reserved(scalar("cpus", 1), ROLE, "raw-principal", "pool", "gold"), ROLE);
            operate(f, Offer.Operation.Type.RESERVE, ourCpus);
            operate(f, Offer.Operation.Type.RESERVE, ourCpus);
            assertThat(master.agentResources(agent)).as("equal reservations merge")
                    .contains(reserved(scalar("cpus", 2), ROLE, "raw-principal", "pool", "gold"));

            int dropped = master.droppedOperations().size();
            operate(f, Offer.Operation.Type.RESERVE,
                    allocated(reserved(scalar("cpus", 1), ROLE, "someone-else", null, null), ROLE));
            operate(f, Offer.Operation.Type.RESERVE,
                    allocated(reserved(scalar("cpus", 1), "other-role", "raw-principal", null, null), ROLE));
            operate(f, Offer.Operation.Type.RESERVE,
                    allocated(reserved(mountDisk("/mnt/lun7", 512), ROLE, "raw-principal", null, null), ROLE));
            assertThat(master.droppedOperations().subList(dropped, dropped + 3)).satisfiesExactly(
                    m -> assertThat(m).contains("principal"),
                    m -> assertThat(m).contains("allocated to role"),
                    m -> assertThat(m).contains("does not contain"));

            Resource ourDisk = allocated(reserved(disk, ROLE, "raw-principal", "pool", "gold"), ROLE);
            operate(f, Offer.Operation.Type.RESERVE, ourDisk);
            Resource vol = volume(ourDisk, "vol-1", "raw-principal", "data");
            operate(f, Offer.Operation.Type.CREATE, vol);
            assertThat(master.agentResources(agent)).contains(vol.toBuilder().clearAllocationInfo().build());
            operate(f, Offer.Operation.Type.UNRESERVE, vol);
            assertThat(master.droppedOperations().get(master.droppedOperations().size() - 1))
                    .contains("destroy the persistent volume first");

            Offer offer = firstOffer(f);
            launch(f, offer, "uses-cpus", List.of(allocated(reserved(scalar("cpus", 2), ROLE, "raw-principal", "pool",
                    "gold"), ROLE)));
            operate(f, Offer.Operation.Type.UNRESERVE, allocated(reserved(scalar("cpus", 2), ROLE, "raw-principal",
                    "pool", "gold"), ROLE));
            assertThat(master.droppedOperations().get(master.droppedOperations().size() - 1))
                    .as("the reserved cpus are in use").contains("does not contain");

            operate(f, Offer.Operation.Type.DESTROY, vol);
            operate(f, Offer.Operation.Type.UNRESERVE, ourDisk);
            assertThat(master.agentResources(agent)).contains(disk);
        }
    }

    // ---- helpers

    private static RawHttp.Response get(FakeMesosMaster m, String path) throws IOException {
        try (RawHttp http = new RawHttp(m.url())) {
            return http.exchange("GET", path, Map.of(), new byte[0]);
        }
    }

    private Offer firstOffer(RawFramework f) throws IOException {
        return offersOf(f).get(0);
    }

    private List<Offer> offersOf(RawFramework f) throws IOException {
        master.allocate();
        Event e = f.next();
        while (e.getType() != Event.Type.OFFERS) {
            e = f.next();
        }
        return e.getOffers().getOffersList();
    }

    private void declineAll(RawFramework f) throws IOException {
        for (Offer o : master.outstandingOffers()) {
            f.send(f.call(Call.Type.DECLINE).setDecline(Call.Decline.newBuilder().addOfferIds(o.getId())
                    .setFilters(Filters.newBuilder().setRefuseSeconds(0))).build());
        }
    }

    /** Takes a fresh offer of the (only) agent and applies one operation with it. */
    private void operate(RawFramework f, Offer.Operation.Type type, Resource resource) throws IOException {
        declineAll(f);
        Offer offer = firstOffer(f);
        Offer.Operation.Builder op = Offer.Operation.newBuilder().setType(type);
        switch (type) {
            case RESERVE -> op.setReserve(Offer.Operation.Reserve.newBuilder().addResources(resource));
            case UNRESERVE -> op.setUnreserve(Offer.Operation.Unreserve.newBuilder().addResources(resource));
            case CREATE -> op.setCreate(Offer.Operation.Create.newBuilder().addVolumes(resource));
            case DESTROY -> op.setDestroy(Offer.Operation.Destroy.newBuilder().addVolumes(resource));
            default -> throw new IllegalArgumentException(type.name());
        }
        assertThat(f.send(f.call(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder().addOfferIds(offer.getId())
                .addOperations(op).setFilters(Filters.newBuilder().setRefuseSeconds(0))).build()).status())
                .isEqualTo(202);
    }

    private void launch(RawFramework f, Offer offer, String taskId, List<Resource> resources) throws IOException {
        TaskInfo task = TaskInfo.newBuilder().setName(taskId).setTaskId(TaskID.newBuilder().setValue(taskId))
                .setAgentId(offer.getAgentId()).addAllResources(resources)
                .setCommand(CommandInfo.newBuilder().setValue("sleep 1000")).build();
        assertThat(f.send(f.call(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder().addOfferIds(offer.getId())
                .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
                        .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(task)))
                .setFilters(Filters.newBuilder().setRefuseSeconds(0))).build()).status()).isEqualTo(202);
        Await.until("task " + taskId + " is launched", WAIT, () -> master.taskKnown(taskId));
    }

    private static Call reconcile(RawFramework f, Map<String, Optional<String>> tasks) {
        Call.Reconcile.Builder r = Call.Reconcile.newBuilder();
        tasks.forEach((task, agent) -> {
            Call.Reconcile.Task.Builder t = Call.Reconcile.Task.newBuilder().setTaskId(TaskID.newBuilder().setValue(task));
            agent.ifPresent(a -> t.setAgentId(AgentID.newBuilder().setValue(a)));
            r.addTasks(t);
        });
        return f.call(Call.Type.RECONCILE).setReconcile(r).build();
    }

    private static TaskStatus nextUpdateOf(RawFramework f, String taskId) throws IOException {
        while (true) {
            Event e = f.next();
            if (e.getType() == Event.Type.UPDATE && e.getUpdate().getStatus().getTaskId().getValue().equals(taskId)) {
                return e.getUpdate().getStatus();
            }
        }
    }
}
