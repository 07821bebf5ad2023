package io.lunpool.core.model;

/** What a host needs to find a LUN: its wwn, and for the loop array the backing file. */
public record LunTarget(String wwn, String backing) {
}
