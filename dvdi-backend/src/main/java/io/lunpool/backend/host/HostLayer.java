package io.lunpool.backend.host;

import io.lunpool.core.spi.HostConnector;
import io.lunpool.core.spi.LunChores;

/**
 * The entry point to the host layer for other modules: builds the connector, filesystem, mount and wipe
 * pieces around one {@link CommandRunner}. {@code HostLayer.local()} is the loop-device flavour that
 * local mode and the tests use.
 */
public final class HostLayer {
    private final CommandRunner runner;
    private final HostConnector connector;
    private final Filesystems filesystems;
    private final Mounter mounter;
    private final Wiper wiper;

    private final KernelOps kernel;

    private HostLayer(CommandRunner runner, KernelOps kernel) {
        this.runner = runner;
        this.kernel = kernel;
        this.connector = new LoopConnector(kernel);
        this.filesystems = new Filesystems(runner);
        this.mounter = new Mounter(kernel);
        this.wiper = new Wiper(runner);
    }

    /**
     * The host layer of a machine whose LUNs are loop array files: loop attach, mount and umount as system calls
     * when the native library loads, else as losetup/mount/umount commands.
     */
    public static HostLayer local() {
        CommandRunner runner = new CommandRunner();
        return new HostLayer(runner, KernelOps.forThisHost(runner));
    }

    /** The same with losetup/mount/umount run as commands whatever the library: the fallback, for tests and benches. */
    public static HostLayer localWithCommands() {
        CommandRunner runner = new CommandRunner();
        return new HostLayer(runner, new CommandKernelOps(runner));
    }

    /** "syscalls" or "commands": how this layer attaches and mounts. */
    public String kernelOps() {
        return kernel.name();
    }

    public CommandRunner commandRunner() {
        return runner;
    }

    public HostConnector loopConnector() {
        return connector;
    }

    public Filesystems filesystems() {
        return filesystems;
    }

    public Mounter mounter() {
        return mounter;
    }

    public Wiper wiper() {
        return wiper;
    }

    /**
     * Prepare and wipe chores run in this process. They attach LUNs with losetup whatever this layer's kernel
     * operations (a chore holds its LUN's claim, a lock this process would drop by closing a descriptor of the
     * image itself), and their commands die with this process, so no mkfs or blkdiscard outlives it.
     */
    public LunChores localChores() {
        return localChores(new Wiper(CommandRunner.diesWithThisProcess()));
    }

    /** The same chores with another wiper (tests give one whose discard leaves the data). */
    public LunChores localChores(Wiper choreWiper) {
        CommandRunner choreRunner = CommandRunner.diesWithThisProcess();
        return new LocalChores(new LoopConnector(new CommandKernelOps(choreRunner)), new Filesystems(choreRunner),
                choreWiper);
    }
}
