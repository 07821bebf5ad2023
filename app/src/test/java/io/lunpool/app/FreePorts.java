package io.lunpool.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** A TCP port nobody listens on right now, for a test's server. */
public final class FreePorts {
    private FreePorts() {
    }

    public static int next() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
