package io.lunpool.backend.host;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A test's own read of a whole device or file, past the page cache: counts marker hits and non-zero bytes. */
public record RawScan(long markers, long nonZeroBytes, long firstNonZero) {
    public static final byte[] MARKER = "LUNPOOL-MARKER-!".getBytes(StandardCharsets.US_ASCII);

    public static RawScan of(Path path) throws IOException {
        long size = Wiper.sizeOf(path);
        ByteBuffer buffer = ByteBuffer.allocateDirect((1 << 20) + 4096).alignedSlice(4096);
        long markers = 0;
        long nonZero = 0;
        long first = -1;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, ExtendedOpenOption.DIRECT)) {
            for (long offset = 0; offset < size; ) {
                buffer.clear();
                int read = channel.read(buffer, offset);
                if (read <= 0) {
                    break;
                }
                for (int i = 0; i < read; i++) {
                    if (buffer.get(i) != 0) {
                        nonZero++;
                        first = first < 0 ? offset + i : first;
                    }
                    if (i + MARKER.length <= read && buffer.get(i) == MARKER[0] && matches(buffer, i)) {
                        markers++;
                    }
                }
                offset += read;
            }
        }
        return new RawScan(markers, nonZero, first);
    }

    private static boolean matches(ByteBuffer buffer, int at) {
        for (int j = 0; j < MARKER.length; j++) {
            if (buffer.get(at + j) != MARKER[j]) {
                return false;
            }
        }
        return true;
    }
}
