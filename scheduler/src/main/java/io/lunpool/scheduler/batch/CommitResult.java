package io.lunpool.scheduler.batch;

import io.lunpool.scheduler.store.CommitFailedException;
import java.util.List;

/** What became of one transaction of the term, as far as {@link TermCommitter} could establish it. */
sealed interface CommitResult {
    /** Applied and answered: the new versions of the batch's writes, in order. */
    record Committed(List<Integer> versions) implements CommitResult {
    }

    /** The answer was lost, and the term's marker shows the transaction applied; its versions are not known. */
    record Applied() implements CommitResult {
    }

    /** The answer was lost, and a probe moved the marker past it: it did not apply and never can. */
    record NotApplied() implements CommitResult {
    }

    /** ZooKeeper refused the transaction as a whole at write {@code write} (-1: at none of them); nothing applied. */
    record Refused(CommitFailedException error, int write) implements CommitResult {
    }

    /** The fence no longer holds: this instance does not lead; whether the transaction applied is unknown. */
    record Deposed(String why) implements CommitResult {
    }

    /** The term ended before the transaction's outcome was known. */
    record Ended() implements CommitResult {
    }

    /** Whether a fenced transaction of the term committed, proving the instance led after the plan was made. */
    default boolean provesLead() {
        return this instanceof Committed || this instanceof Applied || this instanceof NotApplied;
    }
}
