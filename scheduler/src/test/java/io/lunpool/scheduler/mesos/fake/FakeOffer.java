package io.lunpool.scheduler.mesos.fake;

import java.util.List;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.Resource;

/** An outstanding offer: its wire form and the resources it holds back from other offers (unallocated form). */
record FakeOffer(Offer offer, String frameworkId, String agentId, String role, List<Resource> held) {
    String id() {
        return offer.getId().getValue();
    }
}
