package io.lunpool.backend.host;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.model.FsType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Makes filesystems with mkfs and recognises them by their superblock magic. */
public final class Filesystems {
    private static final int EXT_MAGIC_OFFSET = 1080;
    private static final short EXT_MAGIC = (short) 0xEF53;
    private static final int XFS_MAGIC = 0x58465342; // "XFSB", big-endian at offset 0

    private final CommandRunner runner;

    public Filesystems(CommandRunner runner) {
        this.runner = runner;
    }

    /**
     * Makes a filesystem on the device, overwriting whatever is there. ext4 writes its inode tables now
     * ({@code lazy_itable_init=0}): otherwise the kernel's ext4lazyinit thread zeroes them in the background after
     * every first mount, on the hot path of a Mount, and the umount waits for it. The journal is not zeroed and
     * nothing is discarded: a pool LUN is wiped before it is prepared.
     * xfs skips discard too.
     */
    public void mkfs(Path device, FsType type, List<String> extraOptions) {
        List<String> argv = new ArrayList<>(switch (type) {
            case EXT4 -> List.of("mkfs.ext4", "-F", "-q", "-E", "lazy_itable_init=0,lazy_journal_init=1,nodiscard");
            case XFS -> List.of("mkfs.xfs", "-f", "-q", "-K");
        });
        argv.addAll(extraOptions);
        argv.add(device.toString());
        runner.runChecked(CommandRunner.SLOW, argv.toArray(String[]::new));
    }

    /**
     * The filesystem on the device by its superblock magic: 0xEF53 at byte 1080 (the ext family, reported
     * as ext4, which mounts ext2 and ext3 too) or "XFSB" at byte 0. Empty when neither is there.
     */
    public Optional<FsType> detect(Path device) {
        ByteBuffer head = ByteBuffer.allocate(EXT_MAGIC_OFFSET + 2);
        try (FileChannel channel = FileChannel.open(device, StandardOpenOption.READ)) {
            while (head.hasRemaining() && channel.read(head) >= 0) {
                // read until the buffer is full or the device ends
            }
        } catch (IOException e) {
            throw new LunpoolException(Reason.HOST_ERROR, "reading the superblock of " + device + " failed: " + e, e);
        }
        if (head.position() >= 4 && head.order(ByteOrder.BIG_ENDIAN).getInt(0) == XFS_MAGIC) {
            return Optional.of(FsType.XFS);
        }
        if (!head.hasRemaining() && head.order(ByteOrder.LITTLE_ENDIAN).getShort(EXT_MAGIC_OFFSET) == EXT_MAGIC) {
            return Optional.of(FsType.EXT4);
        }
        return Optional.empty();
    }
}
