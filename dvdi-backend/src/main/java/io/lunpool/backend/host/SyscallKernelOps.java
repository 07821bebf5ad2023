package io.lunpool.backend.host;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.model.FsType;
import java.nio.file.Path;

/** {@link KernelOps} as system calls through {@link NativeHost}: no fork, no exec. */
final class SyscallKernelOps implements KernelOps {
    @Override
    public Path attachLoop(Path backing) {
        try {
            return Path.of("/dev/loop" + NativeHost.attachLoop(backing.toString(), true));
        } catch (NativeHost.Failure e) {
            throw new LunpoolException(Reason.HOST_ERROR, "attaching " + backing + " to a loop device failed: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void detachLoop(Path device) {
        try {
            NativeHost.detachLoop(KernelOps.loopNumber(device));
        } catch (NativeHost.Failure e) {
            throw new LunpoolException(Reason.HOST_ERROR, "detaching " + device + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void mount(Path device, Path dir, FsType type) {
        try {
            NativeHost.mount(device.toString(), dir.toString(), type.id(), "");
        } catch (NativeHost.Failure e) {
            String hint = e.errno() == NativeHost.EINVAL ? " (is there a " + type.id() + " filesystem on it?)" : "";
            throw new LunpoolException(Reason.HOST_ERROR, e.getMessage() + hint, e);
        }
    }

    @Override
    public void umount(Path dir) {
        try {
            NativeHost.umount(dir.toString());
        } catch (NativeHost.Failure e) {
            if (e.errno() == NativeHost.EBUSY) {
                throw new LunpoolException(Reason.HOST_ERROR, "cannot unmount " + dir + ": it is busy (a process"
                        + " has a file open or its working directory there): " + e.getMessage(), e);
            }
            if (e.errno() == NativeHost.EINVAL && !isMountPoint(dir)) {
                return; // unmounted meanwhile
            }
            throw new LunpoolException(Reason.HOST_ERROR, e.getMessage(), e);
        }
    }

    @Override
    public boolean isMountPoint(Path dir) {
        int root;
        try {
            root = NativeHost.isMountRoot(dir.toString());
        } catch (NativeHost.Failure e) {
            throw new LunpoolException(Reason.HOST_ERROR, e.getMessage(), e);
        }
        if (root >= 0) {
            return root == 1;
        }
        return MountInfoParser.isMountPoint(dir);
    }

    @Override
    public String name() {
        return "syscalls";
    }
}
