package io.lunpool.scheduler.mesos.client;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.Environment;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.OperationStatus;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.scheduler.Protos.Call;

/**
 * Builds the scheduler calls from the settings and the client's records. Operations are checked here, before
 * anything is sent: a reservation is always for the framework's role with its principal, and a volume keeps the
 * reservations and source of the disk it is made of.
 */
final class SchedulerCalls {
    private final MesosClientSettings settings;

    SchedulerCalls(MesosClientSettings settings) {
        this.settings = settings;
    }

    FrameworkInfo frameworkInfo(Optional<String> id) {
        FrameworkInfo.Builder info = FrameworkInfo.newBuilder()
                .setUser(settings.user())
                .setName(settings.name())
                .addRoles(settings.role())
                .setCheckpoint(true)
                .setFailoverTimeout(settings.failoverTimeout().toMillis() / 1000.0)
                .addCapabilities(capability(FrameworkInfo.Capability.Type.MULTI_ROLE))
                .addCapabilities(capability(FrameworkInfo.Capability.Type.RESERVATION_REFINEMENT))
                .addCapabilities(capability(FrameworkInfo.Capability.Type.PARTITION_AWARE));
        id.ifPresent(v -> info.setId(FrameworkID.newBuilder().setValue(v)));
        settings.principal().ifPresent(info::setPrincipal);
        settings.webuiUrl().ifPresent(info::setWebuiUrl);
        settings.hostname().ifPresent(info::setHostname);
        return info.build();
    }

    /** SUBSCRIBE; a returning framework names its id at the top level and in the FrameworkInfo alike. */
    Call subscribe(Optional<String> frameworkId, boolean suppressed) {
        Call.Subscribe.Builder subscribe = Call.Subscribe.newBuilder().setFrameworkInfo(frameworkInfo(frameworkId));
        if (suppressed) {
            subscribe.addSuppressedRoles(settings.role());
        }
        Call.Builder call = Call.newBuilder().setType(Call.Type.SUBSCRIBE).setSubscribe(subscribe);
        frameworkId.ifPresent(v -> call.setFrameworkId(FrameworkID.newBuilder().setValue(v)));
        return call.build();
    }

    Call accept(String frameworkId, List<String> offerIds, String agentId, List<OfferOperation> operations,
                Duration refuse) {
        Call.Accept.Builder accept = Call.Accept.newBuilder()
                .setFilters(Filters.newBuilder().setRefuseSeconds(seconds(refuse)));
        offerIds.forEach(id -> accept.addOfferIds(OfferID.newBuilder().setValue(id)));
        for (OfferOperation op : operations) {
            accept.addOperations(operation(op, agentId));
        }
        return call(frameworkId, Call.Type.ACCEPT).setAccept(accept).build();
    }

    Call decline(String frameworkId, List<String> offerIds, Duration refuse) {
        Call.Decline.Builder decline = Call.Decline.newBuilder()
                .setFilters(Filters.newBuilder().setRefuseSeconds(seconds(refuse)));
        offerIds.forEach(id -> decline.addOfferIds(OfferID.newBuilder().setValue(id)));
        return call(frameworkId, Call.Type.DECLINE).setDecline(decline).build();
    }

    Call acknowledge(String frameworkId, String agentId, String taskId, ByteString uuid) {
        return call(frameworkId, Call.Type.ACKNOWLEDGE).setAcknowledge(Call.Acknowledge.newBuilder()
                .setAgentId(AgentID.newBuilder().setValue(agentId))
                .setTaskId(TaskID.newBuilder().setValue(taskId))
                .setUuid(uuid)).build();
    }

    /** Acknowledges an operation status: the uuid is the bytes of {@code status.uuid.value}. */
    Call acknowledgeOperation(String frameworkId, OperationStatus status) {
        Call.AcknowledgeOperationStatus.Builder ack = Call.AcknowledgeOperationStatus.newBuilder()
                .setAgentId(status.getAgentId())
                .setUuid(status.getUuid().getValue())
                .setOperationId(status.getOperationId());
        if (status.hasResourceProviderId()) {
            ack.setResourceProviderId(status.getResourceProviderId());
        }
        return call(frameworkId, Call.Type.ACKNOWLEDGE_OPERATION_STATUS).setAcknowledgeOperationStatus(ack).build();
    }

    /** RECONCILE of the given tasks; none is an implicit reconciliation of every task the master knows. */
    Call reconcile(String frameworkId, List<TaskRef> tasks) {
        Call.Reconcile.Builder reconcile = Call.Reconcile.newBuilder();
        for (TaskRef t : tasks) {
            Call.Reconcile.Task.Builder task = Call.Reconcile.Task.newBuilder()
                    .setTaskId(TaskID.newBuilder().setValue(t.taskId()));
            t.agentId().ifPresent(a -> task.setAgentId(AgentID.newBuilder().setValue(a)));
            reconcile.addTasks(task);
        }
        return call(frameworkId, Call.Type.RECONCILE).setReconcile(reconcile).build();
    }

    Call suppress(String frameworkId) {
        return call(frameworkId, Call.Type.SUPPRESS)
                .setSuppress(Call.Suppress.newBuilder().addRoles(settings.role())).build();
    }

    Call revive(String frameworkId) {
        return call(frameworkId, Call.Type.REVIVE).setRevive(Call.Revive.newBuilder().addRoles(settings.role())).build();
    }

    Call kill(String frameworkId, String taskId, Optional<String> agentId) {
        Call.Kill.Builder kill = Call.Kill.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId));
        agentId.ifPresent(a -> kill.setAgentId(AgentID.newBuilder().setValue(a)));
        return call(frameworkId, Call.Type.KILL).setKill(kill).build();
    }

    Call teardown(String frameworkId) {
        return call(frameworkId, Call.Type.TEARDOWN).build();
    }

    private static Call.Builder call(String frameworkId, Call.Type type) {
        return Call.newBuilder().setType(type).setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId));
    }

    private Offer.Operation operation(OfferOperation op, String agentId) {
        Offer.Operation.Builder b = Offer.Operation.newBuilder();
        if (op instanceof OfferOperation.Reserve r) {
            b.setType(Offer.Operation.Type.RESERVE)
                    .setReserve(Offer.Operation.Reserve.newBuilder().addAllResources(reserved(r)));
        } else if (op instanceof OfferOperation.Unreserve u) {
            b.setType(Offer.Operation.Type.UNRESERVE)
                    .setUnreserve(Offer.Operation.Unreserve.newBuilder().addAllResources(unreserved(u)));
        } else if (op instanceof OfferOperation.CreateVolume c) {
            b.setType(Offer.Operation.Type.CREATE).setCreate(Offer.Operation.Create.newBuilder().addVolumes(volume(c)));
        } else if (op instanceof OfferOperation.DestroyVolume d) {
            b.setType(Offer.Operation.Type.DESTROY)
                    .setDestroy(Offer.Operation.Destroy.newBuilder().addVolumes(destroyed(d)));
        } else if (op instanceof OfferOperation.Launch l) {
            b.setType(Offer.Operation.Type.LAUNCH).setLaunch(Offer.Operation.Launch.newBuilder()
                    .addAllTaskInfos(l.tasks().stream().map(t -> task(t, agentId)).toList()));
        }
        return b.build();
    }

    private List<Resource> reserved(OfferOperation.Reserve reserve) {
        if (reserve.resources().isEmpty()) {
            throw new IllegalArgumentException("RESERVE names no resource");
        }
        ResourceReservation ours = new ResourceReservation(ResourceReservation.Type.DYNAMIC, settings.role(),
                settings.principal(), reserve.labels());
        List<Resource> out = new ArrayList<>();
        for (MesosResource r : reserve.resources()) {
            if (r.allocationRole().isPresent() && !r.allocationRole().get().equals(settings.role())) {
                throw new IllegalArgumentException("RESERVE of " + r.name() + " allocated to role '"
                        + r.allocationRole().get() + "'; the framework reserves only for '" + settings.role() + "'");
            }
            if (r.reservation().map(res -> res.role().equals(settings.role())).orElse(false)) {
                throw new IllegalArgumentException("RESERVE of " + r.name() + " that is reserved for '"
                        + settings.role() + "' already");
            }
            if (r.persistentVolume() || r.revocable()) {
                throw new IllegalArgumentException("RESERVE of " + r.name()
                        + " that is a persistent volume or revocable");
            }
            List<ResourceReservation> stack = new ArrayList<>(r.reservations());
            stack.add(ours);
            out.add(ResourceMapping.proto(r.withReservations(stack)));
        }
        return out;
    }

    private static List<Resource> unreserved(OfferOperation.Unreserve unreserve) {
        if (unreserve.resources().isEmpty()) {
            throw new IllegalArgumentException("UNRESERVE names no resource");
        }
        for (MesosResource r : unreserve.resources()) {
            if (r.reservation().map(res -> res.type() != ResourceReservation.Type.DYNAMIC).orElse(true)) {
                throw new IllegalArgumentException("UNRESERVE of " + r.name() + " that is not dynamically reserved");
            }
            if (r.persistentVolume()) {
                throw new IllegalArgumentException("UNRESERVE of the persistent volume "
                        + r.disk().flatMap(MesosDisk::persistenceId).orElseThrow() + "; DESTROY it first");
            }
        }
        return unreserve.resources().stream().map(ResourceMapping::proto).toList();
    }

    private Resource volume(OfferOperation.CreateVolume create) {
        MesosResource disk = create.reservedDisk();
        if (!disk.name().equals("disk") || disk.unreserved() || disk.persistentVolume()) {
            throw new IllegalArgumentException("CREATE of volume " + create.persistenceId()
                    + " needs a reserved disk that holds no volume yet");
        }
        if (create.containerPath().isBlank() || create.containerPath().startsWith("/")
                || create.containerPath().contains("/")) {
            throw new IllegalArgumentException("CREATE of volume " + create.persistenceId() + ": container path '"
                    + create.containerPath() + "' must be one relative path segment");
        }
        MesosDisk base = disk.disk().orElse(new MesosDisk(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), false));
        return ResourceMapping.proto(disk.withDisk(Optional.of(
                base.asVolume(create.persistenceId(), settings.principal(), create.containerPath()))));
    }

    private static Resource destroyed(OfferOperation.DestroyVolume destroy) {
        if (!destroy.volume().persistentVolume()) {
            throw new IllegalArgumentException("DESTROY of " + destroy.volume().name() + ", which is no volume");
        }
        return ResourceMapping.proto(destroy.volume());
    }

    private static TaskInfo task(TaskSpec t, String agentId) {
        TaskInfo.Builder task = TaskInfo.newBuilder()
                .setName(t.name())
                .setTaskId(TaskID.newBuilder().setValue(t.taskId()))
                .setAgentId(AgentID.newBuilder().setValue(agentId))
                .addAllResources(t.resources().stream().map(ResourceMapping::proto).toList());
        t.executor().ifPresent(e -> task.setExecutor(executor(e)));
        t.shellCommand().ifPresent(c -> task.setCommand(CommandInfo.newBuilder().setShell(true).setValue(c)));
        t.data().ifPresent(d -> task.setData(ByteString.copyFrom(d, StandardCharsets.UTF_8)));
        if (!t.labels().isEmpty()) {
            task.setLabels(ResourceMapping.labels(t.labels()));
        }
        return task.build();
    }

    private static ExecutorInfo executor(ExecutorSpec e) {
        CommandInfo.Builder command = CommandInfo.newBuilder().setShell(true).setValue(e.shellCommand());
        e.uris().forEach(u -> command.addUris(CommandInfo.URI.newBuilder().setValue(u).setExtract(true)));
        if (!e.environment().isEmpty()) {
            Environment.Builder env = Environment.newBuilder();
            e.environment().forEach((k, v) -> env.addVariables(Environment.Variable.newBuilder().setName(k).setValue(v)));
            command.setEnvironment(env);
        }
        return ExecutorInfo.newBuilder()
                .setType(ExecutorInfo.Type.CUSTOM)
                .setExecutorId(ExecutorID.newBuilder().setValue(e.executorId()))
                .setName(e.name())
                .setCommand(command)
                .addAllResources(e.resources().stream().map(ResourceMapping::proto).toList())
                .build();
    }

    private static FrameworkInfo.Capability capability(FrameworkInfo.Capability.Type type) {
        return FrameworkInfo.Capability.newBuilder().setType(type).build();
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }
}
