package io.lunpool.backend.host;

import io.lunpool.core.model.FsType;
import io.lunpool.core.model.LunTarget;
import io.lunpool.core.spi.HostConnector;
import io.lunpool.core.spi.LunChores;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the pool maintainer's chores on this host: attach the LUN, do the work, detach it again, also when the work
 * fails or the chore is cancelled (its thread interrupted). The connector it is given attaches with losetup, a child
 * process: a chore runs while the control plane holds the LUN's claim, which on the loop array is a lock on the
 * image file that this process would lose by opening and closing the image itself ({@link HostLayer#localChores}).
 */
public final class LocalChores implements LunChores {
    private static final Logger LOG = LoggerFactory.getLogger(LocalChores.class);

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

    /**
     * Reads the LUN back first: one that reads as zeros already (a wipe done before, its chore cut short or launched
     * again) is left as it is, verified; otherwise it is discarded, verified and, where the discard left data,
     * zeroed and verified again. A LUN holding a filesystem is told apart within its first block.
     */
    @Override
    public void wipe(LunTarget lun) {
        attached(lun, device -> {
            if (wiper.readsAsZeros(device)) {
                LOG.info("LUN {} reads as zeros already: verified, nothing to wipe", lun.wwn());
                return;
            }
            Wiper.Outcome outcome = wiper.wipeAndVerify(device);
            if (outcome.zeroedAfterDiscard()) {
                LOG.warn("LUN {}: its discard left data behind; zeroed and verified instead", lun.wwn());
            }
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
            disconnect(lun, failure);
        }
    }

    /**
     * Detaches the LUN with the interrupt cleared (a cancelled chore's thread is interrupted, which would kill
     * losetup and cut the wait for the kernel's detach short), then sets it again.
     */
    private void disconnect(LunTarget lun, RuntimeException failure) {
        boolean interrupted = Thread.interrupted();
        try {
            connector.disconnect(lun);
        } catch (RuntimeException e) {
            if (failure == null) {
                throw e;
            }
            failure.addSuppressed(e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
