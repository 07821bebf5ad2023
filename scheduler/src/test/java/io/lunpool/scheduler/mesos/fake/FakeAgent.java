package io.lunpool.scheduler.mesos.fake;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TimeInfo;

/**
 * An agent as the fake master models it: its total resources (reservations and volumes included, unallocated),
 * what its tasks use, the executors it runs, and its registration state, which decides how reconciliation
 * answers for tasks the master does not know.
 */
final class FakeAgent {
    final String id;
    final String hostname;
    List<Resource> total;
    final Map<String, List<Resource>> usedByTask = new HashMap<>();
    final Map<String, ExecutorInfo> executors = new HashMap<>();
    AgentRegistration registration = AgentRegistration.REGISTERED;
    TimeInfo unreachableSince;

    FakeAgent(String id, String hostname, List<Resource> total) {
        this.id = id;
        this.hostname = hostname;
        this.total = new ArrayList<>(total);
    }

    List<Resource> used() {
        List<Resource> all = new ArrayList<>();
        usedByTask.values().forEach(rs -> all.addAll(rs));
        return all;
    }
}
