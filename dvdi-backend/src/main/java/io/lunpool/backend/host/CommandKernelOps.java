package io.lunpool.backend.host;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.model.FsType;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/** {@link KernelOps} as util-linux commands (losetup, mount, umount): the fallback when the JNI library is missing. */
final class CommandKernelOps implements KernelOps {
    private static final int ATTEMPTS = 3;
    private final CommandRunner runner;

    CommandKernelOps(CommandRunner runner) {
        this.runner = runner;
    }

    /** A concurrent losetup of another program can take the same free device: then we go round again. */
    @Override
    public Path attachLoop(Path backing) {
        CommandRunner.Result result = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            result = runner.run(CommandRunner.QUICK,
                    List.of("losetup", "--find", "--show", "--direct-io=on", backing.toString()));
            if (result.exit() != 0) {
                // a filesystem without O_DIRECT for this file: a buffered binding, as the system call path does
                result = runner.run(CommandRunner.QUICK, List.of("losetup", "--find", "--show", backing.toString()));
            }
            if (result.exit() == 0) {
                return Path.of(result.stdout().strip());
            }
        }
        throw new LunpoolException(Reason.HOST_ERROR, "attaching " + backing + " to a loop device failed:"
                + " losetup exited " + result.exit() + ": " + result.stderr().strip());
    }

    @Override
    public void detachLoop(Path device) {
        if (LoopDevices.backingOf(device).isEmpty()) {
            return; // unbound: a flush would fail with EIO
        }
        try (FileChannel channel = FileChannel.open(device, StandardOpenOption.READ)) {
            channel.force(true); // what blockdev --flushbufs does, without a fork
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw new LunpoolException(Reason.HOST_ERROR, "flushing " + device + " before detaching it failed: " + e, e);
        }
        CommandRunner.Result result = runner.run(CommandRunner.QUICK, List.of("losetup", "-d", device.toString()));
        if (result.exit() != 0 && LoopDevices.backingOf(device).isPresent()) {
            throw new LunpoolException(Reason.HOST_ERROR, "detaching " + device + " failed: losetup -d exited "
                    + result.exit() + ": " + result.stderr().strip());
        }
    }

    @Override
    public void mount(Path device, Path dir, FsType type) {
        runner.runChecked(CommandRunner.QUICK, "mount", "-t", type.id(), "-o", "noatime", device.toString(),
                dir.toString());
    }

    @Override
    public void umount(Path dir) {
        CommandRunner.Result result = runner.run(CommandRunner.QUICK, List.of("umount", dir.toString()));
        if (result.exit() == 0 || !isMountPoint(dir)) {
            return;
        }
        String stderr = result.stderr().strip();
        if (stderr.contains("busy")) {
            throw new LunpoolException(Reason.HOST_ERROR, "cannot unmount " + dir
                    + ": it is busy (a process has a file open or its working directory there): " + stderr);
        }
        throw new LunpoolException(Reason.HOST_ERROR, "umount of " + dir + " failed (exit " + result.exit()
                + "): " + stderr);
    }

    @Override
    public boolean isMountPoint(Path dir) {
        return MountInfoParser.isMountPoint(dir);
    }

    @Override
    public String name() {
        return "commands";
    }
}
