package io.lunpool.backend.host;

import io.lunpool.core.model.FsType;
import io.lunpool.core.model.LunTarget;
import io.lunpool.core.spi.HostConnector;
import io.lunpool.core.spi.LunChores;
import java.nio.file.Path;
import java.util.List;

/** Runs the pool maintainer's chores on this host: attach the LUN, do the work, detach it again (also on failure). */
public final class LocalChores implements LunChores {
    private final HostConnector connector;
    private final Filesystems filesystems;
    private final Wiper wiper;

    public LocalChores(HostConnector connector, Filesystems filesystems, Wiper wiper) {
        this.connector = connector;
        this.filesystems = filesystems;
        this.wiper = wiper;
    }

    @Override
    public void prepare(LunTarget lun, FsType fsType, List<String> mkfsOptions) {
        attached(lun, device -> filesystems.mkfs(device, fsType, mkfsOptions));
    }

    @Override
    public void wipe(LunTarget lun) {
        attached(lun, device -> {
            wiper.wipe(device);
            wiper.verify(device);
        });
    }

    private interface Work {
        void on(Path device);
    }

    private void attached(LunTarget lun, Work work) {
        Path device = connector.connect(lun);
        RuntimeException failure = null;
        try {
            work.on(device);
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            try {
                connector.disconnect(lun);
            } catch (RuntimeException e) {
                if (failure == null) {
                    throw e;
                }
                failure.addSuppressed(e);
            }
        }
    }
}
