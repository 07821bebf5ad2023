package io.lunpool.backend.plugin;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Whole-file replacement that readers never see half-done: a temp file beside the target, renamed over it. */
final class AtomicFiles {
    /** Temp files are named {@code .<target>.<random>.tmp}; loaders skip and may delete them. */
    static final String TEMP_SUFFIX = ".tmp";

    private AtomicFiles() {
    }

    /**
     * Replaces the file atomically (temp file, rename); {@code durable} forces the temp file to disk before the rename
     * and the directory after it, so the new content survives a crash of the machine once this returns.
     */
    static void write(Path file, byte[] bytes, boolean durable) {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", TEMP_SUFFIX);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                if (durable) {
                    ch.force(true);
                }
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
            if (durable) {
                forceDirectory(dir);
            }
        } catch (IOException e) {
            throw new LunpoolException(Reason.HOST_ERROR, "cannot write " + file + ": " + e, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the write already failed; a leftover temp file is harmless and named as such
                }
            }
        }
    }

    /** Deletes the file if it exists; {@code durable} forces the directory so the deletion survives a crash. */
    static void delete(Path file, boolean durable) {
        try {
            Files.deleteIfExists(file);
            if (durable) {
                forceDirectory(file.toAbsolutePath().getParent());
            }
        } catch (IOException e) {
            throw new LunpoolException(Reason.HOST_ERROR, "cannot delete " + file + ": " + e, e);
        }
    }

    private static void forceDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}
