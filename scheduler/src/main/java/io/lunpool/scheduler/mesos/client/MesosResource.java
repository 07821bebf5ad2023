package io.lunpool.scheduler.mesos.client;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One resource of an offer or an operation, in the 1.11 format: its reservations are a stack
 * ({@code reservations}, the last entry is the current one, empty = unreserved); the legacy {@code role} and
 * {@code reservation} fields are never used. Disk sources of resource providers (CSI ids, profiles) are not
 * represented.
 */
public record MesosResource(String name, Kind kind, double scalar, List<ValueRange> ranges, List<String> set,
                            Optional<String> allocationRole, List<ResourceReservation> reservations,
                            Optional<MesosDisk> disk, boolean revocable, boolean shared) {
    public enum Kind { SCALAR, RANGES, SET }

    /** An inclusive range of a RANGES resource (ports). */
    public record ValueRange(long begin, long end) {
    }

    public MesosResource {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        ranges = List.copyOf(ranges);
        set = List.copyOf(set);
        reservations = List.copyOf(reservations);
    }

    /** An unreserved, unallocated scalar: what an operation asks for before the offer's details are known. */
    public static MesosResource scalar(String name, double amount) {
        return new MesosResource(name, Kind.SCALAR, amount, List.of(), List.of(), Optional.empty(), List.of(),
                Optional.empty(), false, false);
    }

    public MesosResource withScalar(double amount) {
        return new MesosResource(name, kind, amount, ranges, set, allocationRole, reservations, disk, revocable, shared);
    }

    public MesosResource withReservations(List<ResourceReservation> stack) {
        return new MesosResource(name, kind, scalar, ranges, set, allocationRole, stack, disk, revocable, shared);
    }

    public MesosResource withDisk(Optional<MesosDisk> info) {
        return new MesosResource(name, kind, scalar, ranges, set, allocationRole, reservations, info, revocable, shared);
    }

    public boolean unreserved() {
        return reservations.isEmpty();
    }

    /** The current reservation: the last of the stack. */
    public Optional<ResourceReservation> reservation() {
        return reservations.isEmpty() ? Optional.empty() : Optional.of(reservations.get(reservations.size() - 1));
    }

    public boolean persistentVolume() {
        return disk.flatMap(MesosDisk::persistenceId).isPresent();
    }
}
