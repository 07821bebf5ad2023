package io.lunpool.core.api;

/** {@code GET /v1/leader}: who leads, and whether the instance answering is that leader. */
public record LeaderView(String leader, String self, boolean isLeader) {
}
