package io.lunpool.scheduler.leader;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.recipes.leader.Participant;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election with Curator's {@link LeaderLatch}; the participant id is this instance's REST URL so
 * followers can redirect writes. Only a LOST session costs the lead (the client is built with Curator's
 * session error policy): SUSPENDED pauses the batcher and the pool maintainer, RECONNECTED resumes them.
 * Each lead is a {@link LeaderTerm}, fenced by the latch's own node.
 */
public final class Leadership implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

    /** Builds a term from the fencing token (the path of this instance's election node). */
    public interface TermFactory {
        LeaderTerm start(String fenceToken) throws Exception;
    }

    private final CuratorFramework client;
    private final LeaderLatch latch;
    private final String self;
    private final TermFactory terms;
    private final ExecutorService events = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "lunpool-leadership");
        t.setDaemon(true);
        return t;
    });
    private final ConnectionStateListener connection = this::connectionChanged;
    private volatile LeaderTerm term;

    public Leadership(CuratorFramework client, String latchPath, String self, TermFactory terms) {
        this.client = client;
        this.self = self;
        this.terms = terms;
        this.latch = new LeaderLatch(client, latchPath, self, LeaderLatch.CloseMode.NOTIFY_LEADER);
        latch.addListener(new LeaderLatchListener() {
            @Override
            public void isLeader() {
                takeLead();
            }

            @Override
            public void notLeader() {
                stepDown("lost the election node");
            }
        }, events);
    }

    public void start() throws Exception {
        client.getConnectionStateListenable().addListener(connection, events);
        latch.start();
    }

    public String self() {
        return self;
    }

    /** The term, while this instance leads and has finished loading its inventory. */
    public Optional<LeaderTerm> term() {
        return Optional.ofNullable(term);
    }

    public boolean isLeader() {
        return term != null && latch.hasLeadership();
    }

    /** The leader's REST URL as the election shows it, if there is a leader. */
    public Optional<String> leaderUrl() {
        if (isLeader()) {
            return Optional.of(self);
        }
        try {
            Participant p = latch.getLeader();
            return p.isLeader() && !p.getId().isEmpty() ? Optional.of(p.getId()) : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private void takeLead() {
        try {
            String token = latch.getOurPath();
            LOG.info("{} takes the lead (election node {})", self, token);
            term = terms.start(token);
        } catch (Exception e) {
            LOG.error("could not start the leader term; giving up the lead so another instance can take it", e);
            term = null;
            try {
                latch.close();
            } catch (IOException io) {
                LOG.warn("closing the latch failed", io);
            }
        }
    }

    private void stepDown(String why) {
        LeaderTerm old = term;
        term = null;
        if (old != null) {
            LOG.warn("{} steps down: {}", self, why);
            old.close();
        }
    }

    private void connectionChanged(CuratorFramework c, ConnectionState state) {
        LeaderTerm t = term;
        if (t == null) {
            return;
        }
        if (state == ConnectionState.SUSPENDED) {
            LOG.warn("ZooKeeper connection suspended; pausing the batcher");
            t.batcher().pause();
            if (t.maintainer() != null) {
                t.maintainer().pause();
            }
        } else if (state == ConnectionState.RECONNECTED) {
            LOG.info("ZooKeeper connection back; resuming the batcher");
            t.batcher().resume();
            if (t.maintainer() != null) {
                t.maintainer().resume();
            }
        } else if (state == ConnectionState.LOST) {
            stepDown("ZooKeeper session lost");
        }
    }

    @Override
    public void close() {
        client.getConnectionStateListenable().removeListener(connection);
        try {
            latch.close();
        } catch (IOException | IllegalStateException e) {
            LOG.debug("latch already closed", e);
        }
        events.submit(() -> stepDown("shutting down"));
        events.shutdown();
        try {
            events.awaitTermination(15, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stepDown("shut down");
    }
}
