package io.lunpool.scheduler.pool;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.model.Lun;
import io.lunpool.core.model.LunState;
import io.lunpool.core.model.PoolPolicy;
import io.lunpool.core.spi.LunChores;
import io.lunpool.core.spi.LunClaim;
import io.lunpool.core.spi.StorageArray;
import io.lunpool.scheduler.batch.Outcome;
import io.lunpool.scheduler.batch.Request;
import io.lunpool.scheduler.state.Inventory;
import io.lunpool.scheduler.store.Versioned;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The maintainer's chores, each run on a worker thread holding its LUN's claim at the array from before its first
 * write to ZooKeeper until after its last. That first write is fenced (it fails once this term has lost the lead)
 * and version-checked (it fails once the LUN changed), so a chore's work starts only while this term leads and
 * nobody else works on the LUN; a deposed leader's chore that is still running keeps the claim, so the next leader
 * cannot start on that LUN before it stopped. A LUN another holder has claimed is skipped, counted and left to a
 * later pass. A chore that fails marks its LUN FAILED with the reason; a cancelled one (the term ended) changes
 * nothing, and the next leader takes the LUN up again.
 *
 * <p>Each chore logs one line when its work starts and one when it ends, with the time and the term, so the runs of
 * two control planes can be checked for overlap.
 */
final class ClaimedChores {
    private static final Logger LOG = LoggerFactory.getLogger(ClaimedChores.class);

    private final Inventory inventory;
    private final StorageArray array;
    private final LunChores host;
    private final Function<Request, CompletableFuture<Outcome>> submit;
    private final ChoreWorkers workers;
    private final MaintainerFailures failures;
    private final Set<String> busy;
    private final String owner;
    private final Clock clock;
    private final Set<String> skippedBefore = ConcurrentHashMap.newKeySet();
    private final Counter choreFailures;
    private final Counter skipped;
    private final Counter cancelledChores;

    /** A chore stopped because its term ended. */
    private static final class Cancelled extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Cancelled(Throwable cause) {
            super("cancelled", cause);
        }
    }

    ClaimedChores(Inventory inventory, StorageArray array, LunChores host,
                  Function<Request, CompletableFuture<Outcome>> submit, ChoreWorkers workers,
                  MaintainerFailures failures, Set<String> busy, String owner, Clock clock, MetricRegistry metrics) {
        this.inventory = inventory;
        this.array = array;
        this.host = host;
        this.submit = submit;
        this.workers = workers;
        this.failures = failures;
        this.busy = busy;
        this.owner = owner;
        this.clock = clock;
        this.choreFailures = metrics.counter("lunpool.pool.chore-failures");
        this.skipped = metrics.counter("lunpool.pool.chores-skipped-claimed");
        this.cancelledChores = metrics.counter("lunpool.pool.chores-cancelled");
    }

    CompletableFuture<Outcome> record(Request request) {
        return submit.apply(request);
    }

    /** Wipes (WIPING) and prepares the LUN, then moves it to FREE. */
    Void wipeOrPrepare(String wwn, LunState expected, BooleanSupplier paused) {
        try {
            Lun lun = current(wwn, expected);
            if (lun == null || paused.getAsBoolean() || workers.cancelled()) {
                return null;
            }
            String kind = expected == LunState.WIPING ? "wipe" : "prepare";
            MaintainerFailures.Step step = expected == LunState.WIPING ? MaintainerFailures.Step.WIPE
                    : MaintainerFailures.Step.PREPARE;
            Optional<LunClaim> claim;
            try {
                claim = claim(lun);
            } catch (LunpoolException gone) {
                markFailed(lun, kind, gone);
                return null;
            }
            if (claim.isEmpty()) {
                return null;
            }
            try (LunClaim held = claim.get()) {
                if (!fence(lun, new Request.MoveLun(wwn, expected, lun), step)) {
                    return null;
                }
                work(kind, lun, () -> {
                    PoolPolicy policy = policyOf(lun);
                    if (expected == LunState.WIPING) {
                        host.wipe(lun.target());
                    }
                    host.prepare(lun.target(), policy.fsType(), policy.mkfsOptions());
                }, new Request.MoveLun(wwn, expected, lun.withState(LunState.FREE, null)), "FREE");
            }
            return null;
        } finally {
            busy.remove(wwn);
        }
    }

    /**
     * Claims and records a LUN just carved, PREPARING, and makes its filesystem; then FREE, or left PREPARING and
     * reserved ({@code reserve}) for the create that waits for it. {@code recorded} runs once its record is
     * committed or refused.
     */
    String prepareCarved(String pool, PoolPolicy policy, StorageArray.ArrayLun carved, boolean reserve,
                         Runnable recorded) {
        Lun lun = new Lun(carved.wwn(), pool, LunState.PREPARING, null, carved.backing(), carved.sizeBytes(), null);
        busy.add(lun.wwn());
        boolean reserved = false;
        try {
            Optional<LunClaim> claim = claim(lun);
            if (claim.isEmpty()) {
                throw new LunpoolException(Reason.TRANSIENT, "LUN " + lun.wwn() + " carved for pool '" + pool
                        + "' is claimed by another chore; retry");
            }
            try (LunClaim held = claim.get()) {
                boolean added;
                try {
                    added = fence(lun, new Request.AddLun(lun), MaintainerFailures.Step.PROVISION);
                } finally {
                    recorded.run();
                }
                if (!added) {
                    throw workers.cancelled() ? ChoreWorkers.termEnded() : new LunpoolException(Reason.TRANSIENT,
                            "LUN " + lun.wwn() + " carved for pool '" + pool + "' could not be recorded; retry");
                }
                String end = work("prepare", lun,
                        () -> host.prepare(lun.target(), policy.fsType(), policy.mkfsOptions()),
                        reserve ? null : new Request.MoveLun(lun.wwn(), LunState.PREPARING,
                                lun.withState(LunState.FREE, null)), reserve ? "reserved" : "FREE");
                if (end.equals("cancelled")) {
                    throw ChoreWorkers.termEnded();
                }
                if (!end.equals("FREE") && !end.equals("reserved")) {
                    throw new LunpoolException(end.startsWith("not recorded") ? Reason.TRANSIENT : Reason.HOST_ERROR,
                            "preparing LUN " + lun.wwn() + " for pool '" + pool + "' ended " + end);
                }
                reserved = reserve;
                return lun.wwn();
            }
        } finally {
            if (!reserved) {
                busy.remove(lun.wwn());
            }
        }
    }

    /** Takes a FREE LUN out of its pool: the record first (fenced), then the LUN on the array. */
    Void retire(String wwn) {
        try {
            Lun lun = current(wwn, LunState.FREE);
            if (lun == null || workers.cancelled()) {
                return null;
            }
            Optional<LunClaim> claim;
            try {
                claim = claim(lun);
            } catch (LunpoolException gone) {
                fence(lun, new Request.RemoveLun(wwn, LunState.FREE), MaintainerFailures.Step.RETIRE);
                return null;
            }
            if (claim.isEmpty()) {
                return null;
            }
            try (LunClaim held = claim.get()) {
                if (!fence(lun, new Request.RemoveLun(wwn, LunState.FREE), MaintainerFailures.Step.RETIRE)) {
                    return null;
                }
                work("retire", lun, () -> array.delete(wwn), null, "deleted");
            }
            return null;
        } finally {
            busy.remove(wwn);
        }
    }

    /**
     * Runs the work between its start and end lines, then records {@code done} (when there is one) and returns
     * {@code outcome}. A failure of the work marks the LUN FAILED; a cancellation changes nothing. The end line
     * names a state only once it is recorded: {@code FREE}, {@code FAILED: why}; otherwise {@code cancelled},
     * {@code not recorded: why}.
     */
    private String work(String kind, Lun lun, Runnable work, Request done, String outcome) {
        LOG.info("chore {} of LUN {} in pool {} starts at {} (term {})", kind, lun.wwn(), lun.pool(), clock.instant(),
                owner);
        String end = "cancelled";
        try {
            try {
                work.run();
            } catch (RuntimeException e) {
                end = failed(kind, lun, e);
                return end;
            }
            failures.succeeded(lun.pool(), stepOf(kind));
            try {
                if (done != null) {
                    commit(done);
                }
                end = outcome;
            } catch (RuntimeException e) {
                end = workers.cancelled() || e instanceof Cancelled ? "cancelled" : "not recorded: " + e.getMessage();
                if (!workers.cancelled()) {
                    failures.failed(lun.pool(), MaintainerFailures.Step.RECORD, e);
                }
            }
            return end;
        } finally {
            LOG.info("chore {} of LUN {} in pool {} ends at {}: {} (term {})", kind, lun.wwn(), lun.pool(),
                    clock.instant(), end, owner);
        }
    }

    /** The end of a chore whose work failed: cancelled, or the LUN marked FAILED (a retire is counted only). */
    private String failed(String kind, Lun lun, RuntimeException e) {
        if (e instanceof Cancelled || workers.cancelled()) {
            cancelledChores.inc();
            LOG.info("chore {} of LUN {} was cancelled: the term ended; the LUN stays {} for the next leader",
                    kind, lun.wwn(), lun.state());
            return "cancelled";
        }
        if (kind.equals("retire")) {
            failures.failed(lun.pool(), MaintainerFailures.Step.RETIRE, e);
            return "not deleted: " + e.getMessage();
        }
        return markFailed(lun, kind, e) ? "FAILED: " + e.getMessage() : "failed, not recorded: " + e.getMessage();
    }

    /** The array's claim on the LUN; empty when another holder has it. NOT_FOUND when the LUN's storage is gone. */
    private Optional<LunClaim> claim(Lun lun) {
        Optional<LunClaim> claim;
        try {
            claim = array.tryClaim(lun.wwn(), owner);
        } catch (LunpoolException e) {
            if (e.reason() == Reason.NOT_FOUND) {
                throw e;
            }
            failures.failed(lun.pool(), MaintainerFailures.Step.CLAIM, e);
            return Optional.empty();
        }
        failures.succeeded(lun.pool(), MaintainerFailures.Step.CLAIM);
        if (claim.isEmpty()) {
            skipped.inc();
            if (skippedBefore.add(lun.wwn())) {
                LOG.info("LUN {} of pool {} is claimed by another chore (another control plane's, still running);"
                        + " skipping it until the claim is free", lun.wwn(), lun.pool());
            }
        } else if (skippedBefore.remove(lun.wwn())) {
            LOG.info("LUN {} of pool {} is claimed by this term now", lun.wwn(), lun.pool());
        }
        return claim;
    }

    /**
     * The chore's first write, which proves that this term still leads and the LUN is as the chore saw it; false
     * (and counted, unless the term ended) when it is refused.
     */
    private boolean fence(Lun lun, Request first, MaintainerFailures.Step step) {
        try {
            commit(first);
            failures.succeeded(lun.pool(), MaintainerFailures.Step.RECORD);
            return true;
        } catch (Cancelled e) {
            return false;
        } catch (RuntimeException e) {
            if (!workers.cancelled()) {
                failures.failed(lun.pool(), MaintainerFailures.Step.RECORD, new LunpoolException(Reason.TRANSIENT,
                        step.id() + " of LUN " + lun.wwn() + " could not start: " + e.getMessage(), e));
            }
            return false;
        }
    }

    /** Counts the failure for the pool's health, then records the LUN FAILED with the reason; false if it cannot. */
    private boolean markFailed(Lun lun, String kind, RuntimeException e) {
        choreFailures.inc();
        Reason reason = e instanceof LunpoolException le ? le.reason() : Reason.HOST_ERROR;
        failures.failed(lun.pool(), stepOf(kind), new LunpoolException(reason, kind + " of LUN " + lun.wwn()
                + " failed, LUN marked FAILED: " + e.getMessage(), e));
        try {
            commit(new Request.MoveLun(lun.wwn(), lun.state(), lun.failed(kind + " failed: " + e.getMessage())));
            return true;
        } catch (RuntimeException notRecorded) {
            LOG.warn("LUN {} could not be recorded FAILED ({}); the next pass or leader tries again", lun.wwn(),
                    notRecorded.toString());
            return false;
        }
    }

    /** Commits through the batcher and waits; an interrupt is a cancellation. */
    private void commit(Request request) {
        try {
            submit.apply(request).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Cancelled(e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException re ? re
                    : new LunpoolException(Reason.TRANSIENT, "recording " + request + " failed: " + cause, cause);
        }
    }

    private Lun current(String wwn, LunState expected) {
        return inventory.lun(wwn).map(Versioned::value).filter(l -> l.state() == expected).orElse(null);
    }

    private PoolPolicy policyOf(Lun lun) {
        return inventory.pool(lun.pool()).map(Versioned::value).orElseThrow(() ->
                LunpoolException.notFound("pool '" + lun.pool() + "' of LUN " + lun.wwn() + " is gone"));
    }

    private static MaintainerFailures.Step stepOf(String kind) {
        return switch (kind) {
            case "wipe" -> MaintainerFailures.Step.WIPE;
            case "retire" -> MaintainerFailures.Step.RETIRE;
            default -> MaintainerFailures.Step.PREPARE;
        };
    }
}
