package io.lunpool.scheduler.mesos.fake;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.OperationState;
import org.apache.mesos.v1.Protos.OperationStatus;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * Agents, offers and the operations of ACCEPT, under the core's lock. An allocation offers each active,
 * unsuppressed framework the free resources of every registered agent it has no decline filter for (unreserved
 * ones and those reserved for the offer's role), in the resource format its capabilities ask for. ACCEPT with an
 * unknown, used or rescinded offer loses its tasks (TASK_DROPPED or TASK_LOST, REASON_INVALID_OFFERS); otherwise
 * the operations apply in order, a failed one changes nothing, and the filter of the ACCEPT or DECLINE holds the
 * agent back from the framework for {@code refuse_seconds}.
 */
final class FakeAllocator {
    private final FakeMasterCore core;
    final Map<String, FakeAgent> agents = new LinkedHashMap<>();
    final Map<String, FakeOffer> offers = new LinkedHashMap<>();
    final List<String> droppedOperations = new ArrayList<>();
    private int nextAgent;
    private int nextOffer;

    FakeAllocator(FakeMasterCore core) {
        this.core = core;
    }

    String addAgent(String hostname, List<Resource> resources) {
        String id = core.masterId + "-S" + nextAgent++;
        agents.put(id, new FakeAgent(id, hostname, resources.stream().map(OperationRules::upgrade).toList()));
        return id;
    }

    List<Resource> available(FakeAgent a) {
        List<Resource> free = ResourceMath.subtractAll(a.total, a.used());
        for (FakeOffer o : offers.values()) {
            if (o.agentId().equals(a.id)) {
                free = ResourceMath.subtractAll(free, o.held());
            }
        }
        return free;
    }

    void allocate() {
        Instant now = core.clock.instant();
        for (FakeFramework f : core.frameworks.values()) {
            if (!f.connected) {
                continue;
            }
            Optional<String> role = new TreeSet<>(f.roles()).stream()
                    .filter(r -> !f.suppressedRoles.contains(r)).findFirst();
            if (role.isEmpty()) {
                continue;
            }
            List<Offer> made = new ArrayList<>();
            for (FakeAgent a : agents.values()) {
                Instant until = f.declineFilters.get(a.id);
                if (a.registration != AgentRegistration.REGISTERED || (until != null && now.isBefore(until))) {
                    continue;
                }
                List<Resource> usable = available(a).stream().filter(r -> usableBy(r, role.get())).toList();
                List<Resource> shown = usable.stream().map(r -> shown(f, r, role.get()))
                        .flatMap(Optional::stream).toList();
                if (shown.isEmpty()) {
                    continue;
                }
                List<Resource> held = usable.stream().filter(r -> shown(f, r, role.get()).isPresent()).toList();
                Offer.Builder offer = Offer.newBuilder()
                        .setId(OfferID.newBuilder().setValue(core.masterId + "-O" + nextOffer++))
                        .setFrameworkId(FrameworkID.newBuilder().setValue(f.id))
                        .setAgentId(AgentID.newBuilder().setValue(a.id))
                        .setHostname(a.hostname)
                        .addAllResources(shown);
                if (f.hasCapability(FrameworkInfo.Capability.Type.MULTI_ROLE)) {
                    offer.setAllocationInfo(Resource.AllocationInfo.newBuilder().setRole(role.get()));
                }
                offers.put(offer.getId().getValue(), new FakeOffer(offer.build(), f.id, a.id, role.get(), held));
                made.add(offer.build());
            }
            if (!made.isEmpty()) {
                core.send(f, Event.newBuilder().setType(Event.Type.OFFERS)
                        .setOffers(Event.Offers.newBuilder().addAllOffers(made)).build());
            }
        }
    }

    void rescind(String offerId) {
        FakeOffer o = offers.remove(offerId);
        if (o == null) {
            throw new IllegalArgumentException("no outstanding offer " + offerId);
        }
        FakeFramework f = core.frameworks.get(o.frameworkId());
        if (f != null) {
            core.send(f, Event.newBuilder().setType(Event.Type.RESCIND)
                    .setRescind(Event.Rescind.newBuilder().setOfferId(o.offer().getId())).build());
        }
    }

    void accept(FakeFramework f, Call.Accept accept) {
        Optional<String> invalid = invalidOffers(f, accept.getOfferIdsList());
        if (invalid.isPresent()) {
            accept.getOfferIdsList().forEach(id -> {
                FakeOffer o = offers.get(id.getValue());
                if (o != null && o.frameworkId().equals(f.id)) {
                    offers.remove(id.getValue());
                }
            });
            loseTasks(f, accept.getOperationsList(), invalid.get());
            return;
        }
        FakeOffer first = offers.get(accept.getOfferIds(0).getValue());
        FakeAgent agent = agents.get(first.agentId());
        List<Resource> held = new ArrayList<>();
        for (OfferID id : accept.getOfferIdsList()) {
            held = ResourceMath.addAll(held, offers.remove(id.getValue()).held());
        }
        for (Offer.Operation op : accept.getOperationsList()) {
            held = operation(f, agent, first.role(), op, held);
        }
        filter(f, agent.id, accept.hasFilters() ? accept.getFilters().getRefuseSeconds() : 5.0);
    }

    void decline(FakeFramework f, Call.Decline decline) {
        double refuse = decline.hasFilters() ? decline.getFilters().getRefuseSeconds() : 5.0;
        for (OfferID id : decline.getOfferIdsList()) {
            FakeOffer o = offers.get(id.getValue());
            if (o != null && o.frameworkId().equals(f.id)) {
                offers.remove(id.getValue());
                filter(f, o.agentId(), refuse);
            }
        }
    }

    void revive(FakeFramework f, List<String> roles) {
        if (!rolesOf(f, roles, "revive")) {
            return;
        }
        f.suppressedRoles.removeAll(roles.isEmpty() ? f.roles() : roles);
        f.declineFilters.clear();
        if (core.settings.allocateAutomatically()) {
            allocate();
        }
    }

    void suppress(FakeFramework f, List<String> roles) {
        if (rolesOf(f, roles, "suppression")) {
            f.suppressedRoles.addAll(roles.isEmpty() ? f.roles() : roles);
        }
    }

    void dropOffers(FakeFramework f) {
        offers.values().removeIf(o -> o.frameworkId().equals(f.id));
    }

    void forgetOffers() {
        offers.clear();
    }

    private boolean rolesOf(FakeFramework f, List<String> roles, String what) {
        for (String role : roles) {
            if (!f.roles().contains(role)) {
                droppedOperations.add(what + " role '" + role + "' is not one of the frameworks's subscribed roles");
                return false;
            }
        }
        return true;
    }

    private Optional<String> invalidOffers(FakeFramework f, List<OfferID> ids) {
        if (ids.isEmpty()) {
            return Optional.of("No offers specified");
        }
        Set<String> seen = new HashSet<>();
        String agent = null;
        String role = null;
        for (OfferID id : ids) {
            FakeOffer o = offers.get(id.getValue());
            if (o == null) {
                return Optional.of("Offer " + id.getValue() + " is no longer valid");
            }
            if (!o.frameworkId().equals(f.id)) {
                return Optional.of("Offer " + id.getValue() + " has invalid framework " + o.frameworkId());
            }
            if (!seen.add(id.getValue())) {
                return Optional.of("Duplicate offer " + id.getValue() + " in offer list");
            }
            if (agent != null && !agent.equals(o.agentId())) {
                return Optional.of("Aggregated offers must belong to one single agent");
            }
            if (role != null && !role.equals(o.role())) {
                return Optional.of("Aggregated offers must be allocated to the same role");
            }
            agent = o.agentId();
            role = o.role();
        }
        return Optional.empty();
    }

    private void loseTasks(FakeFramework f, List<Offer.Operation> operations, String why) {
        TaskState lost = f.partitionAware() ? TaskState.TASK_DROPPED : TaskState.TASK_LOST;
        for (Offer.Operation op : operations) {
            if (op.getType() == Offer.Operation.Type.LAUNCH) {
                for (TaskInfo t : op.getLaunch().getTaskInfosList()) {
                    core.updates.masterUpdate(f, t.getTaskId(), Optional.of(t.getAgentId()), lost,
                            TaskStatus.Reason.REASON_INVALID_OFFERS, "Task launched with invalid offers: " + why);
                }
            } else {
                operationError(f, op, "Operation attempted with invalid offers: " + why);
            }
        }
    }

    private List<Resource> operation(FakeFramework f, FakeAgent agent, String role, Offer.Operation op,
                                     List<Resource> held) {
        if (op.getType() == Offer.Operation.Type.LAUNCH) {
            List<Resource> left = held;
            for (TaskInfo task : op.getLaunch().getTaskInfosList()) {
                if (op.hasId()) {
                    taskError(f, task, "A LAUNCH operation cannot have an 'id'");
                    continue;
                }
                left = launch(f, agent, task, left);
            }
            return left;
        }
        try {
            Offer.Operation upgraded = withAllocation(op, role);
            OperationRules.Applied applied = OperationRules.apply(upgraded, f.info, role, held, agent.total);
            agent.total = applied.total();
            return applied.held();
        } catch (IllegalArgumentException e) {
            operationError(f, op, e.getMessage());
            return held;
        }
    }

    private List<Resource> launch(FakeFramework f, FakeAgent agent, TaskInfo task, List<Resource> held) {
        if (core.updates.known(task.getTaskId().getValue())) {
            taskError(f, task, "Task has duplicate ID: " + task.getTaskId().getValue());
            return held;
        }
        if (task.hasExecutor() == task.hasCommand()) {
            taskError(f, task, "Task should have at least one (but not both) of CommandInfo or ExecutorInfo present");
            return held;
        }
        if (!task.getAgentId().getValue().equals(agent.id)) {
            taskError(f, task, "Task uses agent " + task.getAgentId().getValue() + " but the offers are of " + agent.id);
            return held;
        }
        List<Resource> needed;
        try {
            needed = new ArrayList<>(task.getResourcesList().stream().map(OperationRules::upgrade).toList());
        } catch (IllegalArgumentException e) {
            taskError(f, task, e.getMessage());
            return held;
        }
        if (needed.isEmpty()) {
            taskError(f, task, "Task uses no resources");
            return held;
        }
        if (task.hasExecutor()) {
            ExecutorInfo e = task.getExecutor();
            ExecutorInfo running = agent.executors.get(e.getExecutorId().getValue());
            if (running != null && !running.equals(e)) {
                taskError(f, task, "ExecutorInfo is not compatible with existing ExecutorInfo with same ExecutorID");
                return held;
            }
            if (running == null) {
                needed.addAll(e.getResourcesList().stream().map(OperationRules::upgrade).toList());
            }
        }
        if (!ResourceMath.containsAll(held, needed)) {
            taskError(f, task, "Task uses more resources " + ResourceMath.describe(needed) + " than available "
                    + ResourceMath.describe(held));
            return held;
        }
        if (task.hasExecutor()) {
            agent.executors.putIfAbsent(task.getExecutor().getExecutorId().getValue(), task.getExecutor());
        }
        agent.usedByTask.put(task.getTaskId().getValue(),
                needed.stream().map(r -> r.toBuilder().clearAllocationInfo().build()).toList());
        core.updates.launched(f, task);
        return ResourceMath.subtractAll(held, needed);
    }

    private void taskError(FakeFramework f, TaskInfo task, String message) {
        core.updates.masterUpdate(f, task.getTaskId(), Optional.of(task.getAgentId()), TaskState.TASK_ERROR,
                TaskStatus.Reason.REASON_TASK_INVALID, message);
    }

    private void operationError(FakeFramework f, Offer.Operation op, String message) {
        droppedOperations.add(op.getType() + ": " + message);
        if (op.hasId()) {
            core.send(f, Event.newBuilder().setType(Event.Type.UPDATE_OPERATION_STATUS)
                    .setUpdateOperationStatus(Event.UpdateOperationStatus.newBuilder().setStatus(
                            OperationStatus.newBuilder().setOperationId(op.getId())
                                    .setState(OperationState.OPERATION_ERROR).setMessage(message))).build());
        }
    }

    private void filter(FakeFramework f, String agentId, double refuseSeconds) {
        if (refuseSeconds > 0) {
            double capped = Math.min(refuseSeconds, 365 * 24 * 3600.0);
            f.declineFilters.put(agentId, core.clock.instant().plusMillis(Math.round(capped * 1000)));
        }
    }

    /** Operation resources get the offer's allocation role when they have none, like on the master. */
    private static Offer.Operation withAllocation(Offer.Operation op, String role) {
        Offer.Operation.Builder b = op.toBuilder();
        Resource.AllocationInfo allocation = Resource.AllocationInfo.newBuilder().setRole(role).build();
        switch (op.getType()) {
            case RESERVE -> b.getReserveBuilder().getResourcesBuilderList()
                    .forEach(r -> fix(r, allocation));
            case UNRESERVE -> b.getUnreserveBuilder().getResourcesBuilderList().forEach(r -> fix(r, allocation));
            case CREATE -> b.getCreateBuilder().getVolumesBuilderList().forEach(r -> fix(r, allocation));
            case DESTROY -> b.getDestroyBuilder().getVolumesBuilderList().forEach(r -> fix(r, allocation));
            default -> {
            }
        }
        return b.build();
    }

    private static void fix(Resource.Builder r, Resource.AllocationInfo allocation) {
        Resource upgraded = OperationRules.upgrade(r.build());
        r.clear().mergeFrom(upgraded);
        if (!r.hasAllocationInfo()) {
            r.setAllocationInfo(allocation);
        }
    }

    private static boolean usableBy(Resource r, String role) {
        return ResourceMath.reservationRole(r).map(res -> res.equals(role) || role.startsWith(res + "/"))
                .orElse(true);
    }

    /**
     * The resource as the framework sees it: allocated to the role (MULTI_ROLE), in the reservation-stack format
     * (RESERVATION_REFINEMENT) or downgraded to {@code role} + {@code reservation}; a refined reservation cannot be
     * downgraded and is not shown to a framework without RESERVATION_REFINEMENT.
     */
    @SuppressWarnings("deprecation")
    private static Optional<Resource> shown(FakeFramework f, Resource r, String role) {
        Resource.Builder b = r.toBuilder();
        if (f.hasCapability(FrameworkInfo.Capability.Type.MULTI_ROLE)) {
            b.setAllocationInfo(Resource.AllocationInfo.newBuilder().setRole(role));
        }
        if (f.hasCapability(FrameworkInfo.Capability.Type.RESERVATION_REFINEMENT)) {
            return Optional.of(b.build());
        }
        if (r.getReservationsCount() > 1) {
            return Optional.empty();
        }
        b.clearReservations();
        if (r.getReservationsCount() == 0) {
            b.setRole("*");
        } else {
            Resource.ReservationInfo res = r.getReservations(0);
            b.setRole(res.getRole());
            if (res.getType() == Resource.ReservationInfo.Type.DYNAMIC) {
                Resource.ReservationInfo.Builder legacy = Resource.ReservationInfo.newBuilder();
                if (res.hasPrincipal()) {
                    legacy.setPrincipal(res.getPrincipal());
                }
                if (res.hasLabels()) {
                    legacy.setLabels(res.getLabels());
                }
                b.setReservation(legacy);
            }
        }
        return Optional.of(b.build());
    }
}
