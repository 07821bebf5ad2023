package io.lunpool.core.recordio;

import java.io.IOException;

/** The event stream breaks the RecordIO framing; the subscription cannot go on and is closed. */
public final class RecordIoFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public RecordIoFormatException(String message) {
        super(message);
    }
}
