package io.lunpool.scheduler.mesos.fake;

import org.apache.mesos.v1.Protos.Label;
import org.apache.mesos.v1.Protos.Labels;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Value;

/** Builds the resources of simulated agents and of raw operations in tests. */
public final class FakeResources {
    private FakeResources() {
    }

    public static Resource scalar(String name, double amount) {
        return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
                .setScalar(Value.Scalar.newBuilder().setValue(amount)).build();
    }

    public static Resource mountDisk(String root, double megabytes) {
        return scalar("disk", megabytes).toBuilder().setDisk(Resource.DiskInfo.newBuilder()
                .setSource(Resource.DiskInfo.Source.newBuilder().setType(Resource.DiskInfo.Source.Type.MOUNT)
                        .setMount(Resource.DiskInfo.Source.Mount.newBuilder().setRoot(root)))).build();
    }

    /** The resource with a DYNAMIC reservation pushed for {@code role} by {@code principal}, with one label. */
    public static Resource reserved(Resource r, String role, String principal, String labelKey, String labelValue) {
        Resource.ReservationInfo.Builder res = Resource.ReservationInfo.newBuilder()
                .setType(Resource.ReservationInfo.Type.DYNAMIC).setRole(role);
        if (principal != null) {
            res.setPrincipal(principal);
        }
        if (labelKey != null) {
            res.setLabels(Labels.newBuilder().addLabels(Label.newBuilder().setKey(labelKey).setValue(labelValue)));
        }
        return r.toBuilder().addReservations(res).build();
    }

    public static Resource allocated(Resource r, String role) {
        return r.toBuilder().setAllocationInfo(Resource.AllocationInfo.newBuilder().setRole(role)).build();
    }

    /** The reserved disk as a persistent volume. */
    public static Resource volume(Resource reservedDisk, String id, String principal, String path) {
        Resource.Builder b = reservedDisk.toBuilder();
        b.getDiskBuilder().setPersistence(Resource.DiskInfo.Persistence.newBuilder().setId(id).setPrincipal(principal))
                .setVolume(org.apache.mesos.v1.Protos.Volume.newBuilder().setContainerPath(path)
                        .setMode(org.apache.mesos.v1.Protos.Volume.Mode.RW));
        return b.build();
    }
}
