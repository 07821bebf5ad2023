package io.lunpool.backend.plugin;

import io.lunpool.backend.plugin.ReconcilePlanner.Action;
import io.lunpool.backend.plugin.ReconcilePlanner.Drop;
import io.lunpool.backend.plugin.ReconcilePlanner.Keep;
import io.lunpool.backend.plugin.ReconcilePlanner.Orphan;
import io.lunpool.backend.plugin.ReconcilePlanner.Release;
import io.lunpool.backend.plugin.ReconcilePlanner.TearDown;
import io.lunpool.core.Names;
import io.lunpool.core.api.AttachRequest;
import io.lunpool.core.api.AttachmentView;
import io.lunpool.core.api.VolumeView;
import io.lunpool.core.model.LunTarget;
import io.lunpool.core.spi.ControlPlaneClient;
import io.lunpool.core.spi.HostConnector;
import io.lunpool.core.spi.VolumeFilesystem;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Carries out {@link ReconcilePlanner}'s decisions; each action on its own, failures are collected. */
final class Reconciler {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    private final VolumePluginService service;
    private final ControlPlaneClient controlPlane;
    private final HostConnector connector;
    private final VolumeFilesystem filesystem;

    /** What one run did; {@code failures} name the action and the error. */
    record Outcome(int kept, int released, int orphans, List<String> failures) {
    }

    Reconciler(VolumePluginService service, ControlPlaneClient controlPlane, HostConnector connector,
               VolumeFilesystem filesystem) {
        this.service = service;
        this.controlPlane = controlPlane;
        this.connector = connector;
        this.filesystem = filesystem;
    }

    Outcome run() {
        PluginSettings s = service.settings();
        List<String> failures = new ArrayList<>();
        Set<String> attachedHere = new HashSet<>();
        try {
            controlPlane.list().stream().filter(v -> s.host().equals(v.attachedTo()))
                    .forEach(v -> attachedHere.add(v.name()));
        } catch (RuntimeException e) {
            LOG.warn("reconcile: listing the volumes attached to this host ({}) failed; attachments without a"
                    + " mount-table entry stay until the next start: {}", s.host(), e.toString());
            failures.add("listing the volumes attached to " + s.host() + ": " + e);
        }
        List<Action> actions = ReconcilePlanner.decide(service.table().all(),
                filesystem.mountedUnder(s.mountRoot()), s.mountRoot(), attachedHere);
        int kept = 0;
        int released = 0;
        int orphans = 0;
        for (Action a : actions) {
            try {
                if (a instanceof Keep) {
                    kept++;
                } else if (a instanceof Drop d) {
                    LOG.info("reconcile: volume {} is no longer mounted at {}; detaching it", d.volume().name(),
                            d.volume().mountpoint());
                    service.tearDown(d.volume());
                    released++;
                } else if (a instanceof TearDown t) {
                    LOG.info("reconcile: volume {} has no references (an operation stopped half-way); tearing"
                            + " it down", t.volume().name());
                    service.tearDown(t.volume());
                    released++;
                } else if (a instanceof Orphan o) {
                    LOG.info("reconcile: {} is mounted but not in the mount table; unmounting it", o.mountpoint());
                    orphan(o, s);
                    orphans++;
                } else if (a instanceof Release r) {
                    LOG.info("reconcile: volume {} is attached to this host ({}) but neither in the mount table nor"
                            + " mounted; detaching it", r.volume(), s.host());
                    releaseAttachment(r.volume(), s);
                    released++;
                }
            } catch (RuntimeException e) {
                LOG.error("reconcile: {} failed", a, e);
                failures.add(a + ": " + e);
            }
        }
        LOG.info("reconcile done: {} kept, {} released, {} orphan mounts removed, {} failed", kept, released, orphans,
                failures.size());
        return new Outcome(kept, released, orphans, List.copyOf(failures));
    }

    private void orphan(Orphan o, PluginSettings s) {
        filesystem.umount(o.mountpoint());
        try {
            Names.volume(o.volume());
        } catch (RuntimeException notAVolume) {
            return;
        }
        Optional<VolumeView> view = controlPlane.get(o.volume());
        if (view.isPresent() && s.host().equals(view.get().attachedTo())) {
            releaseAttachment(o.volume(), s);
        }
    }

    private void releaseAttachment(String volume, PluginSettings s) {
        // attaching again to the host that holds it changes nothing and tells us how to find the LUN
        AttachmentView att = controlPlane.attach(volume, new AttachRequest(s.host(), s.initiators(), false));
        connector.disconnect(new LunTarget(att.lun(), att.backing()));
        controlPlane.detach(volume, s.host());
    }
}
