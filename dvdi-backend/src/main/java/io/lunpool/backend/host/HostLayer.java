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

    private HostLayer(CommandRunner runner, HostConnector connector) {
        this.runner = runner;
        this.connector = connector;
        this.filesystems = new Filesystems(runner);
        this.mounter = new Mounter(runner);
        this.wiper = new Wiper(runner);
    }

    /** The host layer of a machine whose LUNs are loop array files attached with losetup. */
    public static HostLayer local() {
        CommandRunner runner = new CommandRunner();
        return new HostLayer(runner, new LoopConnector(runner));
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

    /** Prepare and wipe chores run in this process through the loop connector. */
    public LunChores localChores() {
        return new LocalChores(connector, filesystems, wiper);
    }
}
