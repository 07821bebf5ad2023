package io.lunpool.core.model;

public record Pool(String name, PoolPolicy policy) {
}
