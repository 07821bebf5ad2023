package io.lunpool.scheduler.mesos.client;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The offers of the current subscription that nobody has answered yet. An offer is answered at most once (an
 * ACCEPT or DECLINE claims it), never after the master rescinded it, and one ACCEPT uses the offers of one agent
 * only. Offers held past the hold timeout are handed out for declining. A new subscription starts empty: the
 * master has rescinded every offer of the old one.
 */
final class OfferLedger {
    private static final int REMEMBERED = 10_000;

    private record Held(String agentId, Instant receivedAt) {
    }

    private final Map<String, Held> open = new LinkedHashMap<>();
    private final Map<String, String> gone = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > REMEMBERED;
        }
    };

    synchronized void received(List<MesosOffer> offers, Instant now) {
        for (MesosOffer o : offers) {
            if (!gone.containsKey(o.id())) {
                open.putIfAbsent(o.id(), new Held(o.agentId(), now));
            }
        }
    }

    synchronized void rescinded(String offerId) {
        if (open.remove(offerId) != null || !gone.containsKey(offerId)) {
            gone.put(offerId, "rescinded by the master");
        }
    }

    /**
     * Claims the offers for one answer; with {@code oneAgent} they must all be of one agent (ACCEPT). Returns
     * that agent. Nothing is claimed when any offer cannot be.
     */
    synchronized String claim(List<String> offerIds, boolean oneAgent) {
        String agent = agentOf(offerIds, oneAgent);
        for (String id : offerIds) {
            open.remove(id);
            gone.put(id, "it was answered already");
        }
        return agent;
    }

    /** Checks the offers as {@link #claim} does, without claiming them; returns their agent. */
    synchronized String agentOf(List<String> offerIds, boolean oneAgent) {
        if (offerIds.isEmpty()) {
            throw new IllegalArgumentException("no offer named");
        }
        Set<String> seen = new HashSet<>();
        String agent = null;
        for (String id : offerIds) {
            if (!seen.add(id)) {
                throw new IllegalArgumentException("offer " + id + " is named twice");
            }
            Held held = open.get(id);
            if (held == null) {
                throw new IllegalArgumentException("offer " + id + " cannot be used: "
                        + gone.getOrDefault(id, "it was never received on this subscription"));
            }
            if (agent == null) {
                agent = held.agentId();
            } else if (oneAgent && !agent.equals(held.agentId())) {
                throw new IllegalArgumentException("offers " + offerIds + " are of agents " + agent + " and "
                        + held.agentId() + "; one ACCEPT uses the offers of one agent");
            }
        }
        return agent;
    }

    /** Claims and returns the offers received longer than {@code hold} ago, oldest first. */
    synchronized List<String> expire(Instant now, Duration hold) {
        List<String> expired = new ArrayList<>();
        for (Map.Entry<String, Held> e : open.entrySet()) {
            if (Duration.between(e.getValue().receivedAt(), now).compareTo(hold) >= 0) {
                expired.add(e.getKey());
            }
        }
        for (String id : expired) {
            open.remove(id);
            gone.put(id, "it was declined after the hold timeout");
        }
        return expired;
    }

    /** The subscription ended: every open offer is void. */
    synchronized void clear() {
        for (String id : open.keySet()) {
            gone.put(id, "its subscription ended");
        }
        open.clear();
    }

    synchronized int openCount() {
        return open.size();
    }
}
