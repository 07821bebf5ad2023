package io.lunpool.core.api;

/** Every REST error: a {@link io.lunpool.core.Reason} name and a message for people. */
public record ErrorBody(String reason, String message) {
}
