package io.lunpool.backend.plugin;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Names;
import io.lunpool.core.Reason;
import io.lunpool.core.api.AttachRequest;
import io.lunpool.core.api.AttachmentView;
import io.lunpool.core.api.CreateVolumeRequest;
import io.lunpool.core.api.VolumeView;
import io.lunpool.core.model.FsType;
import io.lunpool.core.spi.ControlPlaneClient;
import io.lunpool.core.spi.HostConnector;
import io.lunpool.core.spi.VolumeFilesystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

// Over 250 lines: every VolumeDriver call and the mount and tear-down steps they share, one volume's life in one place.
/**
 * The Docker volume plugin service: what each {@code VolumeDriver.*} call does on this host.
 *
 * <ul>
 *   <li>Mount: create the volume when it does not exist (dvdcli's implicit create), attach it to this host
 *       (IN_USE from the control plane when another host holds it), connect the LUN, mount it at
 *       {@code <mountRoot>/<name>}, count the reference; when already mounted here only count. A failure half-way
 *       undoes the steps already done.</li>
 *   <li>Unmount: release the reference (see {@link MountTable}); the last one unmounts, disconnects, detaches.</li>
 *   <li>Remove: refused (IN_USE) while mounted here; a volume that does not exist is removed already.</li>
 * </ul>
 *
 * Operations on one volume are serialised; different volumes proceed in parallel. Each call has a deadline
 * ({@link Deadlines}); a Mount that finishes after it, or whose answer cannot be delivered
 * ({@link #releaseMount}), gives its reference back.
 */
public final class VolumePluginService {
    private static final Logger LOG = LoggerFactory.getLogger(VolumePluginService.class);
    /** Lock names of LUNs; a space never occurs in a volume name, so they never meet a volume's lock. */
    private static final String LUN_LOCK = "lun ";
    private final PluginSettings settings;
    private final ControlPlaneClient controlPlane;
    private final HostConnector connector;
    private final VolumeFilesystem filesystem;
    private final MountTable table;
    private final KnownVolumes known;
    private final Deadlines deadlines;
    private final VolumeLocks locks = new VolumeLocks();

    public VolumePluginService(PluginSettings settings, ControlPlaneClient controlPlane, HostConnector connector,
                               VolumeFilesystem filesystem, MountTable table, ExecutorService executor) {
        this.settings = settings;
        this.controlPlane = controlPlane;
        this.connector = connector;
        this.filesystem = filesystem;
        this.table = table;
        this.known = KnownVolumes.load(table.directory().resolveSibling("known-volumes.json"));
        this.deadlines = new Deadlines(executor);
    }

    public MountTable table() {
        return table;
    }

    /** Waits for cache files written behind the calls (known volumes) to reach their files. */
    public void flush() {
        known.flush();
    }

    public void create(String name, Map<String, String> opts) {
        CreateVolumeRequest request = CreateOptions.toRequest(name, opts, settings.defaultPool());
        deadlines.run("create of volume " + name, settings.slowLimit(), () -> {
            StepTimes times = StepTimes.start("create of volume " + name);
            VolumeView created = controlPlane.create(request);
            times.step("control plane");
            known.seen(created);
            times.step("known volumes");
            times.log();
            return created;
        }, null);
    }

    /** Mounts the volume for {@code id} ({@code ""} when the caller sends none) and returns the mount point. */
    public Path mount(String name, String id) {
        Names.volume(name);
        return deadlines.run("mount of volume " + name, settings.slowLimit(),
                locked(name, settings.slowLimit(), () -> doMount(name, id)), mp -> releaseMount(name, id));
    }

    /** Gives back the one reference a Mount counted when its answer could not be delivered. */
    public void releaseMount(String name, String id) {
        LOG.warn("the answer to mount of volume {} (ID '{}') was not delivered; releasing its reference", name, id);
        VolumeLocks.Held held = locks.lock(name, settings.fastLimit());
        try {
            table.releaseOne(name, id).filter(v -> v.totalReferences() == 0).ifPresent(this::tearDown);
        } finally {
            held.close();
        }
    }

    public void unmount(String name, String id) {
        Names.volume(name);
        deadlines.run("unmount of volume " + name, settings.fastLimit(), locked(name, settings.fastLimit(), () -> {
            StepTimes times = StepTimes.start("unmount of volume " + name);
            Optional<MountedVolume> released = table.release(name, id);
            times.step("release");
            times.log();
            released.filter(v -> v.totalReferences() == 0).ifPresent(this::tearDown);
            return null;
        }), null);
    }

    public void remove(String name) {
        Names.volume(name);
        deadlines.run("remove of volume " + name, settings.fastLimit(), locked(name, settings.fastLimit(), () -> {
            Optional<MountedVolume> local = table.get(name);
            if (local.isPresent() && local.get().totalReferences() > 0) {
                throw new LunpoolException(Reason.IN_USE, "volume " + name + " is mounted on this host ("
                        + settings.host() + ") with " + local.get().totalReferences() + " reference(s) "
                        + local.get().references().keySet() + "; unmount it first");
            }
            local.ifPresent(this::tearDown);
            LunpoolException.ignoreNotFound(() -> {
                controlPlane.delete(name);
                known.forget(name);
            });
            return null;
        }), null);
    }

    /**
     * Runs a chore's work on a LUN under the LUN's lock, refused IN_USE while a volume of this host's mount table
     * (referenced or cut half-way) lives on it. A Mount records its volume in the table under the same lock, so a
     * chore and a Mount of one LUN never overlap.
     */
    public void onIdleLun(String wwn, Duration wait, Runnable work) {
        try (VolumeLocks.Held held = locks.lock(LUN_LOCK + wwn, wait)) {
            table.all().stream().filter(v -> wwn.equals(v.lun())).findFirst().ifPresent(v -> {
                throw new LunpoolException(Reason.IN_USE, "LUN " + wwn + " holds volume " + v.name() + ", which is"
                        + " in the mount table of this host (" + settings.host() + "); a chore never runs on it");
            });
            work.run();
        }
    }

    /** The local mount point, or "" when the volume is not mounted here. */
    public String path(String name) {
        Names.volume(name);
        return table.get(name).filter(v -> v.totalReferences() > 0).map(v -> v.mountpoint().toString()).orElse("");
    }

    public PluginVolume get(String name) {
        Names.volume(name);
        return deadlines.run("get of volume " + name, settings.fastLimit(), () -> {
            Optional<MountedVolume> local = table.get(name);
            Optional<VolumeView> view;
            try {
                view = controlPlane.get(name);
            } catch (LunpoolException e) {
                if (local.isPresent() && e.reason() == Reason.TRANSIENT) {
                    return PluginVolume.degraded(local.get(), "unreachable: " + e.getMessage());
                }
                if (e.reason() == Reason.TRANSIENT && known.contains(name)) {
                    return PluginVolume.unreachable(name, known.createdAt(name).orElse(null),
                            "unreachable: " + e.getMessage());
                }
                throw e;
            }
            if (view.isEmpty()) {
                known.forget(name);
                throw LunpoolException.notFound("volume " + name + " does not exist");
            }
            known.seen(view.get());
            return PluginVolume.of(view.get(), local.orElse(null));
        }, null);
    }

    public List<PluginVolume> list() {
        return deadlines.run("list of volumes", settings.fastLimit(), () -> {
            List<PluginVolume> out = new ArrayList<>();
            List<VolumeView> all = controlPlane.list();
            known.seenAll(all);
            for (VolumeView v : all) {
                out.add(PluginVolume.of(v, table.get(v.name()).orElse(null)));
            }
            return out;
        }, null);
    }

    private <T> Callable<T> locked(String name, Duration wait, Callable<T> work) {
        return () -> {
            VolumeLocks.Held held = locks.lock(name, wait);
            try {
                return work.call();
            } finally {
                held.close();
            }
        };
    }

    private Path doMount(String name, String id) {
        Optional<MountedVolume> current = table.get(name);
        if (current.isPresent() && current.get().totalReferences() > 0) {
            return table.reference(name, id).mountpoint();
        }
        current.ifPresent(this::tearDown);
        StepTimes times = StepTimes.start("mount of volume " + name);
        VolumeView view = controlPlane.get(name).orElseGet(() ->
                controlPlane.create(CreateOptions.toRequest(name, null, settings.defaultPool())));
        known.seen(view);
        times.step("get");
        AttachmentView att = controlPlane.attach(name, new AttachRequest(settings.host(), settings.initiators(), false));
        times.step("attach");
        FsType fsType = fsType(att, view);
        Path dir = settings.mountRoot().resolve(name);
        MountedVolume volume = new MountedVolume(name, att.lun(), att.backing(), fsType.id(), dir, view.createdAt(),
                Map.of());
        VolumeLocks.Held lun = lunLock(name, att);
        try {
            table.begin(volume);
            times.step("table");
            Path device = connector.connect(volume.target());
            times.step("connect");
            filesystem.mount(device, dir, fsType);
            times.step("mount");
        } catch (RuntimeException e) {
            try {
                tearDown(volume);
            } catch (RuntimeException undo) {
                e.addSuppressed(undo);
                LOG.error("undoing the failed mount of volume {} failed too; it stays in the mount table without"
                        + " references and is torn down by the next mount or reconcile", name, undo);
            }
            if (e instanceof LunpoolException) {
                throw e;
            }
            throw new LunpoolException(Reason.HOST_ERROR, "mount of volume " + name + " on " + dir + " failed: " + e, e);
        } finally {
            lun.close();
        }
        Path mountpoint = table.reference(name, id).mountpoint();
        times.step("reference");
        times.log();
        return mountpoint;
    }

    /** The lock of the volume's LUN ({@link #onIdleLun}); when a chore keeps it too long, the attach is undone. */
    private VolumeLocks.Held lunLock(String name, AttachmentView att) {
        try {
            return locks.lock(LUN_LOCK + att.lun(), settings.slowLimit());
        } catch (LunpoolException busy) {
            controlPlane.detach(name, settings.host());
            throw new LunpoolException(Reason.IN_USE, "LUN " + att.lun() + " of volume " + name + " is busy with a"
                    + " chore on this host; try again", busy);
        }
    }

    private static FsType fsType(AttachmentView att, VolumeView view) {
        if (att.fsType() != null) {
            return FsType.of(att.fsType());
        }
        String opt = view.options() == null ? null : view.options().get("fsType");
        return opt == null ? FsType.EXT4 : FsType.of(opt);
    }

    /** Unmounts, disconnects and detaches; forgets the volume only when every step succeeded. */
    void tearDown(MountedVolume v) {
        StepTimes times = StepTimes.start("tear-down of volume " + v.name());
        filesystem.umount(v.mountpoint());
        times.step("umount");
        connector.disconnect(v.target());
        times.step("disconnect");
        controlPlane.detach(v.name(), settings.host());
        times.step("detach");
        table.remove(v.name());
        times.step("table");
        try {
            Files.deleteIfExists(v.mountpoint());
        } catch (IOException e) {
            LOG.debug("left the mount point directory {}: {}", v.mountpoint(), e.toString());
        }
        times.step("rmdir");
        times.log();
    }

    PluginSettings settings() {
        return settings;
    }

    int lockCount() {
        return locks.size();
    }
}
