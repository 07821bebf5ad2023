package io.lunpool.scheduler.mesos.client;

import java.io.IOException;

/** The event stream breaks the RecordIO framing; the subscription cannot go on and is closed. */
final class RecordIoFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    RecordIoFormatException(String message) {
        super(message);
    }
}
