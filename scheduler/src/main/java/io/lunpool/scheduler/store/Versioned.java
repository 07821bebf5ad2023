package io.lunpool.scheduler.store;

/** A record with the version it was read at; writes that expect this version fail if it moved. */
public record Versioned<T>(String key, T value, int version) {
}
