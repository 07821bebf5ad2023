package io.lunpool.scheduler.array;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.spi.LunClaim;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Claims on loop array LUNs: an exclusive lock (fcntl, through {@link FileChannel#tryLock()}) on the whole image
 * file, which the process holds until the claim closes and the kernel drops if the process dies. Such a lock
 * belongs to the process, not to the claim, so one table for the whole JVM keeps two claims in this process (two
 * leader terms, two array instances on one directory) apart, and is consulted before the image is opened.
 *
 * <p>The kernel drops all of a process's locks on a file as soon as the process closes any descriptor of that
 * file. So while this process holds a claim it must not open and close the claimed image elsewhere: the chores
 * attach claimed LUNs with losetup, a child process, and the array itself opens an image only to carve it.
 */
final class LoopClaims {
    /** Claims held in this JVM by image path (real, absolute). */
    private static final Map<Path, Held> HELD = new HashMap<>();

    private LoopClaims() {
    }

    /** A held claim; closing it releases the lock, closes the channel and leaves the table. */
    private static final class Held implements LunClaim {
        private final Path image;
        private final String wwn;
        private final String owner;
        private final FileChannel channel;
        private final FileLock lock;

        Held(Path image, String wwn, String owner, FileChannel channel, FileLock lock) {
            this.image = image;
            this.wwn = wwn;
            this.owner = owner;
            this.channel = channel;
            this.lock = lock;
        }

        @Override
        public String wwn() {
            return wwn;
        }

        @Override
        public String owner() {
            return owner;
        }

        @Override
        public void close() {
            synchronized (HELD) {
                if (HELD.get(image) != this) {
                    return;
                }
                HELD.remove(image);
                try {
                    lock.release();
                } catch (IOException e) {
                    // closing the channel below drops the lock as well
                } finally {
                    try {
                        channel.close();
                    } catch (IOException ignored) {
                        // the descriptor is gone either way
                    }
                }
            }
        }

        @Override
        public String toString() {
            return "claim on LUN " + wwn + " (" + image + ") held by " + owner;
        }
    }

    /** Locks {@code image} for {@code owner}; empty when this JVM or another process holds it. */
    static Optional<LunClaim> tryClaim(Path image, String wwn, String owner) {
        synchronized (HELD) {
            if (HELD.containsKey(image)) {
                return Optional.empty();
            }
            FileChannel channel;
            try {
                channel = FileChannel.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE);
            } catch (NoSuchFileException e) {
                throw LunpoolException.notFound("the image " + image + " of LUN " + wwn
                        + " is gone from the loop array");
            } catch (IOException e) {
                throw new LunpoolException(Reason.ARRAY_ERROR, "opening " + image + " to claim LUN " + wwn
                        + " failed: " + e, e);
            }
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            } catch (IOException e) {
                close(channel);
                throw new LunpoolException(Reason.ARRAY_ERROR, "locking " + image + " to claim LUN " + wwn
                        + " failed: " + e, e);
            }
            if (lock == null) {
                close(channel); // no lock of this JVM lives on the image (HELD says so): closing drops nothing
                return Optional.empty();
            }
            Held held = new Held(image, wwn, owner, channel, lock);
            HELD.put(image, held);
            return Optional.of(held);
        }
    }

    private static void close(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing was locked through it
        }
    }
}
