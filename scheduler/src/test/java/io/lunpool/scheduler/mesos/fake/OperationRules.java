package io.lunpool.scheduler.mesos.fake;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.Resource;

/**
 * RESERVE, UNRESERVE, CREATE and DESTROY with the master's rules, on the resources an ACCEPT holds (its offers,
 * as the earlier operations left them) and on the agent's total. A reservation must be DYNAMIC, for the offer's
 * allocation role, which must be one of the framework's roles, with the framework's principal when it has one,
 * and the unreserved resources it converts must be in the offers; equal reservations merge. A persistent volume
 * cannot be unreserved (destroy it first); a volume needs a reserved disk, a unique id and the framework's
 * principal; a MOUNT disk is used whole. An operation that breaks a rule changes nothing.
 */
final class OperationRules {
    /** The held resources and the agent's total after an operation. */
    record Applied(List<Resource> held, List<Resource> total) {
    }

    private OperationRules() {
    }

    /** Applies the operation, or throws an IllegalArgumentException saying which rule it breaks. */
    static Applied apply(Offer.Operation op, FrameworkInfo framework, String allocationRole, List<Resource> held,
                         List<Resource> total) {
        return switch (op.getType()) {
            case RESERVE -> reserve(op.getReserve(), framework, allocationRole, held, total);
            case UNRESERVE -> unreserve(op.getUnreserve(), held, total);
            case CREATE -> create(op.getCreate(), framework, held, total);
            case DESTROY -> destroy(op.getDestroy(), held, total);
            default -> throw new IllegalArgumentException("the fake master does not apply " + op.getType());
        };
    }

    /**
     * The resources in the 1.11 format: a resource in the old format ({@code role} + {@code reservation}) becomes a
     * one-entry reservation stack; both formats in one resource is an error, as on the master.
     */
    @SuppressWarnings("deprecation")
    static Resource upgrade(Resource r) {
        boolean old = r.hasReservation() || (r.hasRole() && !r.getRole().equals("*"));
        if (!old) {
            return r.toBuilder().clearRole().build();
        }
        if (r.getReservationsCount() > 0) {
            throw new IllegalArgumentException("Resource " + ResourceMath.describe(r) + " mixes the 'role' and"
                    + " 'reservation' fields with 'reservations'");
        }
        Resource.ReservationInfo.Builder res = Resource.ReservationInfo.newBuilder().setRole(r.getRole());
        if (r.hasReservation()) {
            res.setType(Resource.ReservationInfo.Type.DYNAMIC);
            if (r.getReservation().hasPrincipal()) {
                res.setPrincipal(r.getReservation().getPrincipal());
            }
            if (r.getReservation().hasLabels()) {
                res.setLabels(r.getReservation().getLabels());
            }
        } else {
            res.setType(Resource.ReservationInfo.Type.STATIC);
        }
        return r.toBuilder().clearRole().clearReservation().addReservations(res).build();
    }

    private static Applied reserve(Offer.Operation.Reserve reserve, FrameworkInfo framework, String allocationRole,
                                   List<Resource> held, List<Resource> total) {
        if (reserve.getSourceCount() > 0) {
            throw new IllegalArgumentException("reserve.source (a reservation update) is not supported for schedulers");
        }
        Optional<String> principal = framework.hasPrincipal() ? Optional.of(framework.getPrincipal()) : Optional.empty();
        Set<String> roles = new HashSet<>(framework.getRolesList());
        List<Resource> h = held;
        List<Resource> t = total;
        for (Resource r : reserve.getResourcesList()) {
            if (!ResourceMath.dynamicallyReserved(r)) {
                throw new IllegalArgumentException("Resource " + ResourceMath.describe(r)
                        + " is not dynamically reserved");
            }
            if (r.hasRevocable()) {
                throw new IllegalArgumentException("Resource " + ResourceMath.describe(r) + " is revocable");
            }
            Resource.ReservationInfo last = r.getReservations(r.getReservationsCount() - 1);
            if (principal.isPresent() && (!last.hasPrincipal() || !last.getPrincipal().equals(principal.get()))) {
                throw new IllegalArgumentException("A reserve operation was attempted by principal '"
                        + principal.get() + "' on a resource reserved with principal '"
                        + (last.hasPrincipal() ? last.getPrincipal() : "<none>") + "'");
            }
            String allocated = r.hasAllocationInfo() ? r.getAllocationInfo().getRole() : allocationRole;
            if (!allocated.equals(allocationRole)) {
                throw new IllegalArgumentException("Resource " + ResourceMath.describe(r) + " is allocated to role '"
                        + allocated + "' but the offers are allocated to role '" + allocationRole + "'");
            }
            if (!allocated.equals(last.getRole())) {
                throw new IllegalArgumentException("A reserve operation was attempted for a resource with role '"
                        + last.getRole() + "', but the resource was allocated to role '" + allocated + "'");
            }
            if (!roles.contains(allocated)) {
                throw new IllegalArgumentException("A reserve operation was attempted for role '" + allocated
                        + "', but the framework only has roles " + roles);
            }
            Resource from = ResourceMath.popReservation(r);
            h = convert(h, from, r, "RESERVE");
            t = convert(t, from, r, "RESERVE");
        }
        return new Applied(h, t);
    }

    private static Applied unreserve(Offer.Operation.Unreserve unreserve, List<Resource> held, List<Resource> total) {
        List<Resource> h = held;
        List<Resource> t = total;
        for (Resource r : unreserve.getResourcesList()) {
            if (!ResourceMath.dynamicallyReserved(r)) {
                throw new IllegalArgumentException("Resource " + ResourceMath.describe(r)
                        + " is not dynamically reserved");
            }
            if (ResourceMath.persistentVolume(r)) {
                throw new IllegalArgumentException("A dynamically reserved persistent volume "
                        + ResourceMath.describe(r) + " cannot be unreserved directly. Please destroy the persistent"
                        + " volume first then unreserve the resource");
            }
            Resource to = ResourceMath.popReservation(r);
            h = convert(h, r, to, "UNRESERVE");
            t = convert(t, r, to, "UNRESERVE");
        }
        return new Applied(h, t);
    }

    private static Applied create(Offer.Operation.Create create, FrameworkInfo framework, List<Resource> held,
                                  List<Resource> total) {
        Set<String> ids = new HashSet<>();
        for (Resource r : total) {
            if (ResourceMath.persistentVolume(r)) {
                ids.add(r.getDisk().getPersistence().getId());
            }
        }
        List<Resource> h = held;
        List<Resource> t = total;
        for (Resource v : create.getVolumesList()) {
            if (!ResourceMath.persistentVolume(v)) {
                throw new IllegalArgumentException("Not a persistent volume: " + ResourceMath.describe(v));
            }
            if (!v.getDisk().hasVolume()) {
                throw new IllegalArgumentException("Expecting 'volume' to be set for persistent volume");
            }
            if (v.getReservationsCount() == 0) {
                throw new IllegalArgumentException("Persistent volumes cannot be created from unreserved resources");
            }
            if (!ids.add(v.getDisk().getPersistence().getId())) {
                throw new IllegalArgumentException("Persistence ID '" + v.getDisk().getPersistence().getId()
                        + "' is not unique");
            }
            if (framework.hasPrincipal() && (!v.getDisk().getPersistence().hasPrincipal()
                    || !v.getDisk().getPersistence().getPrincipal().equals(framework.getPrincipal()))) {
                throw new IllegalArgumentException("Create volume operation attempted by principal '"
                        + framework.getPrincipal() + "' with a volume whose persistence principal is '"
                        + v.getDisk().getPersistence().getPrincipal() + "'");
            }
            Resource from = ResourceMath.stripVolume(v);
            h = convert(h, from, v, "CREATE");
            t = convert(t, from, v, "CREATE");
        }
        return new Applied(h, t);
    }

    private static Applied destroy(Offer.Operation.Destroy destroy, List<Resource> held, List<Resource> total) {
        List<Resource> h = held;
        List<Resource> t = total;
        for (Resource v : destroy.getVolumesList()) {
            if (!ResourceMath.persistentVolume(v)) {
                throw new IllegalArgumentException("Not a persistent volume: " + ResourceMath.describe(v));
            }
            Resource to = ResourceMath.stripVolume(v);
            h = convert(h, v, to, "DESTROY");
            t = convert(t, v, to, "DESTROY");
        }
        return new Applied(h, t);
    }

    private static List<Resource> convert(List<Resource> pool, Resource from, Resource to, String op) {
        if (!ResourceMath.contains(pool, from)) {
            throw new IllegalArgumentException("Invalid " + op + " Operation: " + ResourceMath.describe(pool)
                    + " does not contain " + ResourceMath.describe(from));
        }
        List<Resource> out = new ArrayList<>(ResourceMath.subtract(pool, from));
        Resource target = to.toBuilder().clearAllocationInfo().build();
        return ResourceMath.add(out, target);
    }
}
