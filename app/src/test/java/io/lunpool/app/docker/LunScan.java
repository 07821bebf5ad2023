package io.lunpool.app.docker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A raw read of a whole LUN backing file: how often a marker occurs anywhere in it (across chunk edges too). A chunk
 * that is all zeros (most of a sparse image) is passed over after one vectorised comparison.
 */
public final class LunScan {
    private static final int CHUNK = 1 << 20;
    private static final byte[] ZEROS = new byte[CHUNK + 4096];

    private LunScan() {
    }

    public static long occurrences(Path file, byte[] marker) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer buf = ByteBuffer.allocate(CHUNK + marker.length);
            long count = 0;
            long offset = 0;
            int carry = 0;
            while (offset < size) {
                buf.limit(carry + CHUNK).position(carry);
                int read = ch.read(buf, offset);
                if (read <= 0) {
                    break;
                }
                int end = carry + read;
                byte[] a = buf.array();
                boolean zeros = end <= ZEROS.length && Arrays.mismatch(a, 0, end, ZEROS, 0, end) < 0;
                for (int i = 0; !zeros && i + marker.length <= end; i++) {
                    if (a[i] == marker[0] && matches(a, i, marker)) {
                        count++;
                    }
                }
                // keep the last marker.length - 1 bytes: a marker split across two reads is still found once
                carry = Math.min(marker.length - 1, end);
                System.arraycopy(a, end - carry, a, 0, carry);
                offset += read;
            }
            return count;
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file + " failed", e);
        }
    }

    private static boolean matches(byte[] a, int at, byte[] marker) {
        for (int j = 1; j < marker.length; j++) {
            if (a[at + j] != marker[j]) {
                return false;
            }
        }
        return true;
    }
}
