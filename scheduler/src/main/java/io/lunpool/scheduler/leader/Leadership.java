package io.lunpool.scheduler.leader;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
 *
 * <p>A term that fails to start is closed by its factory; this instance then leaves the election, waits
 * (1 s, doubling up to 30 s, so another instance can take the lead meanwhile) and joins again with a new
 * latch. A term whose transactions find the fence gone ends the same way, at once. The leader's URL is cached
 * (refreshed by latch events and every {@value #REFRESH_MILLIS} ms on a thread of its own), so REST answers
 * and health checks never wait on ZooKeeper, and it names this instance only while its term runs.
 *
 * <p>With an {@link InstanceLock}, an election node carrying this instance's id but owned by another
 * session is a dead predecessor's: it is deleted before joining and whenever it stands in front, so a
 * restarted instance leads at once instead of after the old session's timeout.
 */
public final class Leadership implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    static final long REFRESH_MILLIS = 500;

    /** Builds a term; closes whatever it started before it throws. */
    public interface TermFactory {
        /**
         * {@code fenceToken} is the path of this instance's election node; {@code deposed} is for the term to
         * call once ZooKeeper refuses that token (it ends the term and rejoins the election).
         */
        LeaderTerm start(String fenceToken, Runnable deposed) throws Exception;
    }

    private final CuratorFramework client;
    private final String latchPath;
    private final String self;
    private final TermFactory terms;
    private final Predecessors predecessors;
    /** Latch and connection events, term start and stop, rejoining: one thread, in order. */
    private final ScheduledExecutorService events = Executors.newSingleThreadScheduledExecutor(r -> daemon(r,
            "lunpool-leadership"));
    /** Reads who leads; may wait on ZooKeeper, which nothing else does for it. */
    private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> daemon(r,
            "lunpool-leader-watch"));
    private final ConnectionStateListener connection = this::connectionChanged;
    private volatile LeaderLatch latch;
    private volatile LeaderTerm term;
    private volatile String termToken;
    private volatile String elected;
    private volatile boolean closed;
    private long backoffMillis = FIRST_BACKOFF.toMillis();

    /** Without a lock ({@code null}) a predecessor's election node stays until its session expires. */
    public Leadership(CuratorFramework client, String latchPath, String self, TermFactory terms, InstanceLock lock) {
        this.client = client;
        this.latchPath = latchPath;
        this.self = self;
        this.terms = terms;
        this.predecessors = lock == null ? null : new Predecessors(client, latchPath, self, lock);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public void start() throws Exception {
        client.getConnectionStateListenable().addListener(connection, events);
        if (predecessors != null) {
            predecessors.remove();
        }
        join();
        refresh(); // a follower names the leader from its first answer on
        watcher.scheduleWithFixedDelay(this::refresh, REFRESH_MILLIS, REFRESH_MILLIS, TimeUnit.MILLISECONDS);
    }

    public String self() {
        return self;
    }

    /** The term, while this instance leads and has finished loading its inventory. */
    public Optional<LeaderTerm> term() {
        return Optional.ofNullable(term);
    }

    public boolean isLeader() {
        LeaderLatch l = latch;
        return term != null && l != null && l.hasLeadership();
    }

    /**
     * The leader's REST URL: this instance's own only while it leads; else the elected leader as last read,
     * unless that is this instance (its term is not running) or no one. Never waits on ZooKeeper.
     */
    public Optional<String> leaderUrl() {
        if (isLeader()) {
            return Optional.of(self);
        }
        String e = elected;
        return e == null || e.isEmpty() || e.equals(self) ? Optional.empty() : Optional.of(e);
    }

    /** Whether the election, as last read, names this instance although its term is not running (yet). */
    public boolean electedButNotLeading() {
        return self.equals(elected) && !isLeader();
    }

    private void join() throws Exception {
        LeaderLatch next = new LeaderLatch(client, latchPath, self, LeaderLatch.CloseMode.NOTIFY_LEADER);
        next.addListener(new LeaderLatchListener() {
            @Override
            public void isLeader() {
                if (next == latch) {
                    takeLead(next);
                }
            }

            @Override
            public void notLeader() {
                if (next == latch) {
                    stepDown("lost the election node");
                }
            }
        }, events);
        latch = next;
        next.start();
    }

    private void takeLead(LeaderLatch current) {
        if (closed) {
            return;
        }
        String token = current.getOurPath();
        try {
            LOG.info("{} takes the lead (election node {})", self, token);
            termToken = token;
            term = terms.start(token, () -> onEvents(() -> deposed(token)));
            backoffMillis = FIRST_BACKOFF.toMillis();
        } catch (Exception e) {
            term = null;
            termToken = null;
            LOG.error("could not start the leader term; leaving the election for {} ms so another instance can"
                    + " lead, then joining again", backoffMillis, e);
            rejoin(backoffMillis);
            backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF.toMillis());
        }
        refreshSoon();
    }

    /** The term's transactions found its election node gone: it ends, and this instance joins again. */
    private void deposed(String token) {
        if (closed || term == null || !token.equals(termToken)) {
            return; // that term has ended already
        }
        stepDown("its election node " + token + " no longer fences its transactions");
        rejoin(0);
    }

    /** Leaves the election now and joins it again with a new latch after {@code delayMillis}. */
    private void rejoin(long delayMillis) {
        closeLatch();
        events.schedule(() -> {
            if (closed) {
                return;
            }
            try {
                if (predecessors != null) {
                    predecessors.remove();
                }
                join();
            } catch (Exception e) {
                LOG.error("joining the election again failed; retrying in {} ms", backoffMillis, e);
                rejoin(backoffMillis);
                backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF.toMillis());
            }
        }, delayMillis, TimeUnit.MILLISECONDS);
    }

    private void closeLatch() {
        LeaderLatch l = latch;
        latch = null;
        if (l != null) {
            try {
                l.close();
            } catch (IOException | IllegalStateException e) {
                LOG.debug("latch already closed", e);
            }
        }
    }

    private void stepDown(String why) {
        LeaderTerm old = term;
        term = null;
        termToken = null;
        if (old != null) {
            LOG.warn("{} steps down: {}", self, why);
            old.close();
        }
        refreshSoon();
    }

    /** Runs {@code task} on the events thread, unless this instance is shutting down. */
    private void onEvents(Runnable task) {
        try {
            events.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing: the term ends anyway
        }
    }

    private void refreshSoon() {
        try {
            watcher.execute(this::refresh);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing: nobody asks any more
        }
    }

    private void connectionChanged(CuratorFramework c, ConnectionState state) {
        LeaderTerm t = term;
        if (t != null && state == ConnectionState.SUSPENDED) {
            LOG.warn("ZooKeeper connection suspended; pausing the batcher and the maintainer");
            t.batcher().pause();
            if (t.maintainer() != null) {
                t.maintainer().pause();
            }
        } else if (t != null && state == ConnectionState.RECONNECTED) {
            LOG.info("ZooKeeper connection back; resuming the batcher and the maintainer");
            t.batcher().resume();
            if (t.maintainer() != null) {
                t.maintainer().resume();
            }
        } else if (state == ConnectionState.LOST) {
            stepDown("ZooKeeper session lost");
        }
    }

    /** Reads who leads into the cache; deletes a dead predecessor's node that stands in front. */
    private void refresh() {
        LeaderLatch l = latch;
        if (closed || l == null || !client.getZookeeperClient().isConnected()) {
            return;
        }
        try {
            Participant leader = l.getLeader();
            elected = leader.isLeader() ? leader.getId() : null;
            if (predecessors != null && electedButNotLeading() && term == null) {
                predecessors.remove();
            }
        } catch (Exception e) {
            LOG.debug("reading the election failed; keeping the last known leader", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        client.getConnectionStateListenable().removeListener(connection);
        watcher.shutdownNow();
        events.submit(() -> {
            closeLatch();
            stepDown("shutting down");
        });
        events.shutdown();
        try {
            if (!events.awaitTermination(15, TimeUnit.SECONDS)) {
                events.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeLatch();
        stepDown("shut down");
    }
}
