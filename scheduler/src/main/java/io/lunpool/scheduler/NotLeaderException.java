package io.lunpool.scheduler;

import java.util.Optional;

/**
 * A write reached an instance that does not lead; the REST layer answers 307 to the leader, or 503 while no
 * other instance is known to lead (never a redirect to the instance itself).
 */
public final class NotLeaderException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String leaderUrl;

    public NotLeaderException(String leaderUrl) {
        this(leaderUrl, false);
    }

    /** {@code takingLead}: the election names this instance, whose term is not running yet. */
    public NotLeaderException(String leaderUrl, boolean takingLead) {
        super(leaderUrl != null ? "this instance is a follower; the leader is " + leaderUrl
                : takingLead ? "this instance is taking the lead and does not serve writes yet; retry shortly"
                : "no control-plane leader is elected right now; retry shortly");
        this.leaderUrl = leaderUrl;
    }

    public Optional<String> leaderUrl() {
        return Optional.ofNullable(leaderUrl);
    }
}
