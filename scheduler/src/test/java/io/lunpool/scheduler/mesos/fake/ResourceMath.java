package io.lunpool.scheduler.mesos.fake;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Value;

/**
 * Resource arithmetic as the master does it, on lists of resources in the post-refinement format. Scalars with
 * equal everything but the amount add up (two equal reservations merge); a MOUNT disk, a persistent volume and
 * any non-scalar are indivisible: used whole or not at all. Allocation info is ignored when comparing. Amounts
 * are fixed-point with three decimals, like Mesos'.
 */
final class ResourceMath {
    private ResourceMath() {
    }

    static List<Resource> add(List<Resource> pool, Resource r) {
        List<Resource> out = new ArrayList<>(pool);
        Resource n = normal(r);
        if (!indivisible(n)) {
            for (int i = 0; i < out.size(); i++) {
                Resource have = out.get(i);
                if (!indivisible(have) && key(have).equals(key(n))) {
                    out.set(i, withAmount(have, round(have.getScalar().getValue() + n.getScalar().getValue())));
                    return out;
                }
            }
        }
        out.add(n);
        return out;
    }

    static List<Resource> addAll(List<Resource> pool, List<Resource> rs) {
        List<Resource> out = pool;
        for (Resource r : rs) {
            out = add(out, r);
        }
        return out;
    }

    static boolean contains(List<Resource> pool, Resource r) {
        Resource n = normal(r);
        if (indivisible(n)) {
            return pool.stream().map(ResourceMath::normal).anyMatch(n::equals);
        }
        double have = pool.stream().map(ResourceMath::normal).filter(x -> !indivisible(x) && key(x).equals(key(n)))
                .mapToDouble(x -> x.getScalar().getValue()).sum();
        return round(have) >= round(n.getScalar().getValue());
    }

    static boolean containsAll(List<Resource> pool, List<Resource> rs) {
        List<Resource> left = pool;
        for (Resource r : rs) {
            if (!contains(left, r)) {
                return false;
            }
            left = subtract(left, r);
        }
        return true;
    }

    /** The pool less {@code r}; the pool must contain it. */
    static List<Resource> subtract(List<Resource> pool, Resource r) {
        Resource n = normal(r);
        if (!contains(pool, n)) {
            throw new IllegalArgumentException(describe(pool) + " does not contain " + describe(List.of(n)));
        }
        List<Resource> out = new ArrayList<>();
        boolean done = false;
        double left = n.getScalar().getValue();
        for (Resource have : pool) {
            Resource h = normal(have);
            if (done) {
                out.add(h);
            } else if (indivisible(n)) {
                if (h.equals(n)) {
                    done = true;
                } else {
                    out.add(h);
                }
            } else if (!indivisible(h) && key(h).equals(key(n))) {
                double rest = round(h.getScalar().getValue() - left);
                if (rest > 0) {
                    out.add(withAmount(h, rest));
                    done = true;
                } else {
                    left = round(left - h.getScalar().getValue());
                    done = left <= 0;
                }
            } else {
                out.add(h);
            }
        }
        return out;
    }

    static List<Resource> subtractAll(List<Resource> pool, List<Resource> rs) {
        List<Resource> out = pool;
        for (Resource r : rs) {
            out = subtract(out, r);
        }
        return out;
    }

    /** The resource with its last reservation removed (what it was before a RESERVE or after an UNRESERVE). */
    static Resource popReservation(Resource r) {
        Resource.Builder b = r.toBuilder().clearReservations();
        for (int i = 0; i < r.getReservationsCount() - 1; i++) {
            b.addReservations(r.getReservations(i));
        }
        return b.build();
    }

    /** The volume's disk without persistence and volume (what a CREATE starts from, what a DESTROY leaves). */
    static Resource stripVolume(Resource r) {
        Resource.Builder b = r.toBuilder();
        b.getDiskBuilder().clearPersistence().clearVolume();
        if (b.getDisk().equals(Resource.DiskInfo.getDefaultInstance())) {
            b.clearDisk();
        }
        return b.build();
    }

    static boolean dynamicallyReserved(Resource r) {
        return r.getReservationsCount() > 0 && r.getReservations(r.getReservationsCount() - 1).getType()
                == Resource.ReservationInfo.Type.DYNAMIC;
    }

    static Optional<String> reservationRole(Resource r) {
        return r.getReservationsCount() == 0 ? Optional.empty()
                : Optional.of(r.getReservations(r.getReservationsCount() - 1).getRole());
    }

    static boolean persistentVolume(Resource r) {
        return r.hasDisk() && r.getDisk().hasPersistence();
    }

    static String describe(List<Resource> rs) {
        return rs.stream().map(ResourceMath::describe).collect(Collectors.joining("; ", "[", "]"));
    }

    static String describe(Resource r) {
        String amount = r.getType() == Value.Type.SCALAR ? Double.toString(r.getScalar().getValue()) : r.getType().name();
        String reserved = r.getReservationsList().stream()
                .map(x -> x.getType() + ":" + x.getRole() + (x.hasPrincipal() ? "," + x.getPrincipal() : ""))
                .collect(Collectors.joining(">"));
        String disk = r.hasDisk() && r.getDisk().hasSource() ? " " + r.getDisk().getSource().getType() : "";
        String volume = persistentVolume(r) ? " volume " + r.getDisk().getPersistence().getId() : "";
        return r.getName() + ":" + amount + (reserved.isEmpty() ? "" : "(" + reserved + ")") + disk + volume;
    }

    private static Resource normal(Resource r) {
        return r.toBuilder().clearAllocationInfo().build();
    }

    private static Resource key(Resource r) {
        return r.toBuilder().clearScalar().clearAllocationInfo().build();
    }

    private static boolean indivisible(Resource r) {
        return r.getType() != Value.Type.SCALAR || persistentVolume(r)
                || (r.hasDisk() && r.getDisk().hasSource()
                && r.getDisk().getSource().getType() == Resource.DiskInfo.Source.Type.MOUNT);
    }

    private static Resource withAmount(Resource r, double amount) {
        return r.toBuilder().setScalar(Value.Scalar.newBuilder().setValue(amount)).build();
    }

    private static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
