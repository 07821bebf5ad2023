package io.lunpool.scheduler.leader;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Proof that no other live process runs as this control-plane instance: an exclusive lock on
 * {@code <stateDir>/instance.lock}, held for the life of the process (the kernel drops it when the process
 * dies, SIGKILL included). While it is held, an election node that carries this instance's participant id
 * but belongs to another ZooKeeper session can only be left by a dead predecessor, so {@link Leadership}
 * deletes it instead of waiting for that session to expire. The file names the holder's pid and id.
 */
public final class InstanceLock implements AutoCloseable {
    static final String FILE = "instance.lock";

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private InstanceLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock in {@code stateDir} (created when missing) for the instance {@code participantId}. Throws
     * CONFLICT naming the holder when another process (or another instance in this process) holds it, and
     * INVALID when the directory cannot be used.
     */
    public static InstanceLock acquire(Path stateDir, String participantId) {
        Path file = stateDir.resolve(FILE);
        FileChannel channel = null;
        try {
            Files.createDirectories(stateDir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
                throw new LunpoolException(Reason.CONFLICT, "another control-plane instance holds " + file
                        + (holder.isEmpty() ? "" : " (" + holder + ")") + "; stop it, or give each instance its"
                        + " own controlPlane.stateDir");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + " participant "
                    + participantId + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(true);
            return new InstanceLock(file, channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw LunpoolException.invalid("controlPlane.stateDir " + stateDir + " cannot hold the instance lock ("
                    + e + "); create it writable for this user or point the setting elsewhere");
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    public Path file() {
        return file;
    }

    public boolean isHeld() {
        return lock.isValid();
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // the channel's close below releases it as well
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing more to release
            }
        }
    }
}
