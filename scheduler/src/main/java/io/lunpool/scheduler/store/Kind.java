package io.lunpool.scheduler.store;

import io.lunpool.core.model.Attachment;
import io.lunpool.core.model.Host;
import io.lunpool.core.model.Lun;
import io.lunpool.core.model.PoolPolicy;
import io.lunpool.core.model.Volume;

/**
 * A kind of record the control plane keeps, and the folder it lives in ({@link ZkPaths} maps a folder
 * to a ZooKeeper path). Keys are validated names or wwns, never user paths.
 */
public final class Kind<T> {
    public static final Kind<PoolPolicy> POOL = new Kind<>("pools", PoolPolicy.class);
    public static final Kind<Lun> LUN = new Kind<>("luns", Lun.class);
    public static final Kind<Volume> VOLUME = new Kind<>("volumes", Volume.class);
    public static final Kind<Attachment> ATTACHMENT = new Kind<>("attachments", Attachment.class);
    public static final Kind<Host> HOST = new Kind<>("hosts", Host.class);

    private final String folder;
    private final Class<T> type;

    private Kind(String folder, Class<T> type) {
        this.folder = folder;
        this.type = type;
    }

    public static java.util.List<Kind<?>> all() {
        return java.util.List.of(POOL, LUN, VOLUME, ATTACHMENT, HOST);
    }

    public String folder() {
        return folder;
    }

    public Class<T> type() {
        return type;
    }

    @Override
    public String toString() {
        return folder;
    }
}
