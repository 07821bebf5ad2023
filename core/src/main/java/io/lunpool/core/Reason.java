package io.lunpool.core;

/** Why an operation failed. Adapters translate a reason to their protocol (HTTP status, plugin Err, TASK_FAILED). */
public enum Reason {
    NOT_FOUND,
    CONFLICT,
    IN_USE,
    EXHAUSTED,
    INVALID,
    TRANSIENT,
    ARRAY_ERROR,
    HOST_ERROR
}
