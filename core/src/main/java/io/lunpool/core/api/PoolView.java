package io.lunpool.core.api;

import io.lunpool.core.model.PoolPolicy;

/** A pool, its policy and how many of its LUNs are in each state. */
public record PoolView(String name, PoolPolicy policy, Counts counts) {
    public record Counts(int free, int claimed, int preparing, int wiping, int failed) {
    }
}
