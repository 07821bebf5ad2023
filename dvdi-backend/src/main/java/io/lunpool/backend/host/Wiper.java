package io.lunpool.backend.host;

import com.sun.nio.file.ExtendedOpenOption;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Zeroes a block device and proves it. {@link #wipeAndVerify} discards the whole device (on a loop device the
 * kernel punches holes in the backing file, which stays sparse), reads every byte back with O_DIRECT past the page
 * cache and, when a discard left data behind (a device whose discard does not zero), overwrites what is not zero
 * with zeros and reads it all back again. Every loop checks the thread's interrupt, so a cancelled wipe stops
 * within a block.
 */
public final class Wiper {
    private static final Logger LOG = LoggerFactory.getLogger(Wiper.class);
    private static final int BLOCK = 1 << 20;
    private static final int ALIGNMENT = 4096;

    /** The first step of a wipe; {@code true} when it ran, {@code false} when the device does not support it. */
    @FunctionalInterface
    public interface Discard {
        boolean discard(Path device);
    }

    /** What a wipe took: whether the discard ran, and whether zeroing had to follow because it left data. */
    public record Outcome(boolean discarded, boolean zeroedAfterDiscard) {
    }

    private final CommandRunner runner;
    private final Discard discard;

    public Wiper(CommandRunner runner) {
        this.runner = runner;
        this.discard = this::blkdiscard;
    }

    /** With another discard step: tests use one that leaves the data, as some devices' discard does. */
    public Wiper(CommandRunner runner, Discard discard) {
        this.runner = runner;
        this.discard = discard;
    }

    /**
     * Discards and verifies; when the verify finds a non-zero byte, zeroes and verifies again. A device without
     * discard is zeroed and verified. Throws HOST_ERROR only when the zeroed device still holds a non-zero byte
     * or cannot be written, or when the thread is interrupted (the wipe was cancelled).
     */
    public Outcome wipeAndVerify(Path device) {
        boolean discarded = discard.discard(device);
        if (!discarded) {
            zero(device);
            verify(device);
            return new Outcome(false, false);
        }
        try {
            verify(device);
            return new Outcome(true, false);
        } catch (LunpoolException dataLeft) {
            if (Thread.currentThread().isInterrupted()) {
                throw dataLeft;
            }
            LOG.warn("the discard of {} left data behind ({}); zeroing it", device, dataLeft.getMessage());
        }
        zero(device);
        verify(device);
        return new Outcome(true, true);
    }

    /**
     * Writes zeros over every 4 KiB page of the device that does not read as zeros, then syncs. Pages that read
     * as zeros are left alone, so a loop array LUN stays as sparse as it is (BLKZEROOUT on a loop device would
     * allocate its whole backing file).
     */
    public void zero(Path device) {
        scan(device, true);
    }

    private boolean blkdiscard(Path device) {
        CommandRunner.Result result = runner.run(CommandRunner.SLOW, List.of("blkdiscard", "-f", device.toString()));
        if (result.exit() == 0) {
            return true;
        }
        interrupted(device);
        LOG.info("blkdiscard of {} failed (exit {}: {}); writing zeros instead", device, result.exit(),
                result.stderr().strip());
        return false;
    }

    /**
     * Reads the whole device past the page cache; throws HOST_ERROR at the first non-zero byte. A tail
     * shorter than the O_DIRECT alignment (a size that is a multiple of 512 but not of 4096) is read buffered.
     */
    public void verify(Path device) {
        long at = scan(device, false);
        if (at >= 0) {
            throw new LunpoolException(Reason.HOST_ERROR, "wipe of " + device + " left non-zero bytes at offset " + at);
        }
    }

    /**
     * True when every byte of the device reads as zero past the page cache; the read stops at the first byte that
     * does not, so a LUN holding a filesystem is told apart within its first block. HOST_ERROR when it cannot be read.
     */
    public boolean readsAsZeros(Path device) {
        return scan(device, false) < 0;
    }

    /**
     * Reads every block; a non-zero one is overwritten with zeros ({@code fix}) or ends the scan, which returns its
     * offset (-1 when every byte read as zero).
     */
    private static long scan(Path device, boolean fix) {
        long size = sizeOf(device);
        long aligned = size - size % ALIGNMENT;
        ByteBuffer buffer = ByteBuffer.allocateDirect(BLOCK + ALIGNMENT).alignedSlice(ALIGNMENT);
        ByteBuffer zeros = ByteBuffer.allocateDirect(BLOCK + ALIGNMENT).alignedSlice(ALIGNMENT);
        List<StandardOpenOption> mode = fix ? List.of(StandardOpenOption.READ, StandardOpenOption.WRITE)
                : List.of(StandardOpenOption.READ);
        try {
            try (FileChannel direct = open(device, mode, true)) {
                long at = scanRange(device, direct, buffer, zeros, 0, aligned, fix);
                if (at >= 0) {
                    return at;
                }
                if (fix) {
                    direct.force(true);
                }
            }
            if (aligned < size) {
                try (FileChannel buffered = open(device, mode, false)) {
                    long at = scanRange(device, buffered, buffer, zeros, aligned, size, fix);
                    if (at >= 0) {
                        return at;
                    }
                    if (fix) {
                        buffered.force(true);
                    }
                }
            }
            return -1;
        } catch (IOException e) {
            interrupted(device);
            throw new LunpoolException(Reason.HOST_ERROR, (fix ? "zeroing " : "reading back ") + device + " failed: "
                    + e, e);
        }
    }

    private static FileChannel open(Path device, List<StandardOpenOption> mode, boolean direct) throws IOException {
        Set<OpenOption> options = new HashSet<>(mode);
        if (direct) {
            options.add(ExtendedOpenOption.DIRECT);
        }
        return FileChannel.open(device, options);
    }

    private static long scanRange(Path device, FileChannel channel, ByteBuffer buffer, ByteBuffer zeros, long from,
                                  long to, boolean fix) throws IOException {
        for (long offset = from; offset < to; ) {
            interrupted(device);
            buffer.clear().limit((int) Math.min(BLOCK, to - offset));
            int read = channel.read(buffer, offset);
            if (read <= 0) {
                throw new LunpoolException(Reason.HOST_ERROR, "verify of " + device + " could read only "
                        + offset + " of " + to + " bytes");
            }
            buffer.flip();
            int mismatch = buffer.mismatch(zeros.clear().limit(read));
            if (mismatch >= 0 && !fix) {
                return offset + mismatch;
            }
            if (mismatch >= 0) {
                zeroPages(channel, buffer, zeros, offset, mismatch - mismatch % ALIGNMENT, read);
            }
            offset += read;
        }
        return -1;
    }

    /** Overwrites the 4 KiB pages of the block just read that are not all zeros, from page {@code first} on. */
    private static void zeroPages(FileChannel channel, ByteBuffer block, ByteBuffer zeros, long offset, int first,
                                  int length) throws IOException {
        for (int page = first; page < length; page += ALIGNMENT) {
            int end = Math.min(page + ALIGNMENT, length);
            if (block.slice(page, end - page).mismatch(zeros.clear().limit(end - page)) < 0) {
                continue;
            }
            zeros.clear().limit(end - page);
            while (zeros.hasRemaining()) {
                channel.write(zeros, offset + page + zeros.position());
            }
        }
    }

    /** HOST_ERROR when the thread was interrupted: the wipe was cancelled (the interrupt stays set). */
    private static void interrupted(Path device) {
        if (Thread.currentThread().isInterrupted()) {
            throw new LunpoolException(Reason.HOST_ERROR, "the wipe of " + device + " was cancelled");
        }
    }

    /** The size in bytes of a block device from sysfs (512-byte sectors), or of a regular file. */
    static long sizeOf(Path device) {
        try {
            Path real = device.toRealPath();
            Path sectors = Path.of("/sys/class/block", real.getFileName().toString(), "size");
            if (Files.isRegularFile(real) || !Files.exists(sectors)) {
                return Files.size(real);
            }
            return Long.parseLong(Files.readString(sectors).strip()) * 512;
        } catch (IOException | NumberFormatException e) {
            throw new LunpoolException(Reason.HOST_ERROR, "reading the size of " + device + " failed: " + e, e);
        }
    }
}
