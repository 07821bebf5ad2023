package io.lunpool.scheduler.mesos.client;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An operation of an ACCEPT, applied by the master in order (not atomically). The client fills in what must be
 * ours: RESERVE pushes a DYNAMIC reservation for the framework's role and principal with the given labels, CREATE
 * makes the volume from the reserved disk with its reservations and source unchanged and the framework's principal.
 */
public sealed interface OfferOperation {
    /** Reserves the resources (as offered, with the wanted amount) for the framework's role. */
    record Reserve(List<MesosResource> resources, Map<String, String> labels) implements OfferOperation {
        public Reserve {
            resources = List.copyOf(resources);
            labels = Map.copyOf(labels);
        }
    }

    /** Releases reserved resources (as offered, reservations included). */
    record Unreserve(List<MesosResource> resources) implements OfferOperation {
        public Unreserve {
            resources = List.copyOf(resources);
        }
    }

    /** Makes a persistent volume of a reserved disk. */
    record CreateVolume(MesosResource reservedDisk, String persistenceId, String containerPath)
            implements OfferOperation {
        public CreateVolume {
            Objects.requireNonNull(reservedDisk, "reservedDisk");
            Objects.requireNonNull(persistenceId, "persistenceId");
            Objects.requireNonNull(containerPath, "containerPath");
        }
    }

    /** Destroys a persistent volume (as offered), leaving the reserved disk. */
    record DestroyVolume(MesosResource volume) implements OfferOperation {
    }

    /** Launches tasks on the offers' agent. */
    record Launch(List<TaskSpec> tasks) implements OfferOperation {
        public Launch {
            tasks = List.copyOf(tasks);
        }
    }
}
