package io.lunpool.backend.chores;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.api.ChoreRequest;
import io.lunpool.core.spi.LunChores;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the chores the executor brings to this host with the host layer (attach, mkfs or wipe and verify,
 * detach), one at a time per LUN and never on a LUN a volume of this host holds ({@link LunGuard}). A chore waits
 * at most {@link #LUN_WAIT} for another chore on the same LUN (a chore launched again while the first still runs).
 */
public final class ChoreService {
    static final Duration LUN_WAIT = Duration.ofMinutes(10);
    private static final Logger LOG = LoggerFactory.getLogger(ChoreService.class);
    private final LunChores chores;
    private final LunGuard guard;

    public ChoreService(LunChores chores, LunGuard guard) {
        this.chores = chores;
        this.guard = guard;
    }

    /** Runs the chore; a failure is a {@link io.lunpool.core.LunpoolException} naming the LUN and the cause. */
    public void run(ChoreRequest chore) {
        if (chore.backing() == null) {
            throw LunpoolException.invalid("the " + chore.kind().id() + " chore of LUN " + chore.wwn() + " names no"
                    + " backing file; this backend attaches LUNs by their backing files (the loop array)");
        }
        long start = System.nanoTime();
        LOG.info("{} chore on LUN {} starts", chore.kind().id(), chore.wwn());
        try {
            guard.whileIdle(chore.wwn(), LUN_WAIT, () -> {
                switch (chore.kind()) {
                    case PREPARE -> chores.prepare(chore.target(), chore.fsType(), chore.options());
                    case WIPE -> chores.wipe(chore.target());
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("{} chore on LUN {} failed after {} ms: {}", chore.kind().id(), chore.wwn(), millisSince(start),
                    e.toString());
            throw e;
        }
        LOG.info("{} chore on LUN {} done in {} ms", chore.kind().id(), chore.wwn(), millisSince(start));
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
