package io.lunpool.scheduler.mesos.fake;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import org.apache.mesos.v1.Protos.FrameworkInfo;

/**
 * A framework the fake master knows: its FrameworkInfo, its subscription stream while connected, the roles it
 * suppressed, its decline filters per agent and the timer that removes it once it has been away longer than its
 * failover timeout.
 */
final class FakeFramework {
    final String id;
    FrameworkInfo info;
    FakeEventStream stream;
    boolean connected;
    final Set<String> suppressedRoles = new HashSet<>();
    final Map<String, Instant> declineFilters = new HashMap<>();
    ScheduledFuture<?> failoverTimer;
    ScheduledFuture<?> heartbeats;

    FakeFramework(String id, FrameworkInfo info) {
        this.id = id;
        this.info = info;
    }

    boolean hasCapability(FrameworkInfo.Capability.Type type) {
        return info.getCapabilitiesList().stream().anyMatch(c -> c.getType() == type);
    }

    boolean partitionAware() {
        return hasCapability(FrameworkInfo.Capability.Type.PARTITION_AWARE);
    }

    @SuppressWarnings("deprecation")
    Set<String> roles() {
        if (hasCapability(FrameworkInfo.Capability.Type.MULTI_ROLE)) {
            return new HashSet<>(info.getRolesList());
        }
        return Set.of(info.hasRole() ? info.getRole() : "*");
    }
}
