package io.lunpool.scheduler;

import java.util.Optional;

/** A write reached a follower; the REST layer answers 307 to the leader (or 503 while there is none). */
public final class NotLeaderException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String leaderUrl;

    public NotLeaderException(String leaderUrl) {
        super(leaderUrl == null ? "no control-plane leader is elected right now; retry shortly"
                : "this instance is a follower; the leader is " + leaderUrl);
        this.leaderUrl = leaderUrl;
    }

    public Optional<String> leaderUrl() {
        return Optional.ofNullable(leaderUrl);
    }
}
