package io.lunpool.backend.host;

import io.lunpool.core.model.LunTarget;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Sparse backing files standing in for loop array LUNs in tests. */
public final class TestLuns {
    public static final long MIB = 1L << 20;

    private TestLuns() {
    }

    /** Creates {@code dir/name.img} as a sparse file of the size and returns its target. */
    public static LunTarget sparse(Path dir, String name, long sizeBytes) {
        Path file = dir.resolve(name + ".img");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(sizeBytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new LunTarget("naa.6001405" + String.format("%025x", Math.abs((long) name.hashCode())),
                file.toAbsolutePath().toString());
    }
}
