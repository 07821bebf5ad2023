package io.lunpool.backend.host;

import com.sun.nio.file.ExtendedOpenOption;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Zeroes a block device and proves it. {@link #wipe} discards the whole device (on a loop device the
 * kernel punches holes in the backing file, which stays sparse) and writes zeros when discard is not
 * supported; {@link #verify} reads every byte back with O_DIRECT, bypassing the page cache.
 */
public final class Wiper {
    private static final Logger LOG = LoggerFactory.getLogger(Wiper.class);
    private static final int BLOCK = 1 << 20;
    private static final int ALIGNMENT = 4096;

    private final CommandRunner runner;

    public Wiper(CommandRunner runner) {
        this.runner = runner;
    }

    /** Zeroes the whole device: blkdiscard, or when that fails, zeros written in 1 MiB blocks and synced. */
    public void wipe(Path device) {
        CommandRunner.Result discard = runner.run(CommandRunner.SLOW, List.of("blkdiscard", "-f", device.toString()));
        if (discard.exit() == 0) {
            return;
        }
        LOG.info("blkdiscard of {} failed (exit {}: {}); writing zeros instead", device, discard.exit(),
                discard.stderr().strip());
        long size = sizeOf(device);
        ByteBuffer zeros = ByteBuffer.allocateDirect(BLOCK);
        try (FileChannel channel = FileChannel.open(device, StandardOpenOption.WRITE)) {
            for (long offset = 0; offset < size; ) {
                zeros.clear().limit((int) Math.min(BLOCK, size - offset));
                offset += channel.write(zeros, offset);
            }
            channel.force(true);
        } catch (IOException e) {
            throw new LunpoolException(Reason.HOST_ERROR, "writing zeros over " + device + " failed: " + e, e);
        }
    }

    /**
     * Reads the whole device past the page cache; throws HOST_ERROR at the first non-zero byte. A tail
     * shorter than the O_DIRECT alignment (a size that is a multiple of 512 but not of 4096) is read buffered.
     */
    public void verify(Path device) {
        long size = sizeOf(device);
        long aligned = size - size % ALIGNMENT;
        ByteBuffer buffer = ByteBuffer.allocateDirect(BLOCK + ALIGNMENT).alignedSlice(ALIGNMENT);
        try (FileChannel direct = FileChannel.open(device, StandardOpenOption.READ, ExtendedOpenOption.DIRECT)) {
            verifyRange(device, direct, buffer, 0, aligned);
        } catch (IOException e) {
            throw new LunpoolException(Reason.HOST_ERROR, "reading back " + device + " failed: " + e, e);
        }
        if (aligned < size) {
            try (FileChannel buffered = FileChannel.open(device, StandardOpenOption.READ)) {
                verifyRange(device, buffered, buffer, aligned, size);
            } catch (IOException e) {
                throw new LunpoolException(Reason.HOST_ERROR, "reading back " + device + " failed: " + e, e);
            }
        }
    }

    private static void verifyRange(Path device, FileChannel channel, ByteBuffer buffer, long from, long to)
            throws IOException {
        ByteBuffer zeros = ByteBuffer.allocateDirect(BLOCK);
        for (long offset = from; offset < to; ) {
            buffer.clear().limit((int) Math.min(BLOCK, to - offset));
            int read = channel.read(buffer, offset);
            if (read <= 0) {
                throw new LunpoolException(Reason.HOST_ERROR, "verify of " + device + " could read only "
                        + offset + " of " + to + " bytes");
            }
            buffer.flip();
            int mismatch = buffer.mismatch(zeros.clear().limit(read));
            if (mismatch >= 0) {
                throw new LunpoolException(Reason.HOST_ERROR, "wipe of " + device
                        + " left non-zero bytes at offset " + (offset + mismatch));
            }
            offset += read;
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
