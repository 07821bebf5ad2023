package io.lunpool.core.model;

/**
 * Life of a pooled LUN: PREPARING (provisioned, filesystem being made) → FREE → CLAIMED (holds a volume)
 * → WIPING (volume removed; zeroed, verified and re-made) → FREE. A LUN whose chore failed is FAILED and never reused.
 */
public enum LunState {
    FREE,
    CLAIMED,
    PREPARING,
    WIPING,
    FAILED
}
