package io.lunpool.scheduler.state;

import io.lunpool.core.api.AttachmentView;
import io.lunpool.core.api.VolumeView;
import io.lunpool.core.model.Attachment;
import io.lunpool.core.model.Lun;
import io.lunpool.core.model.PoolPolicy;
import io.lunpool.core.model.Volume;

/** Builds the REST views from records. */
public final class Views {
    private Views() {
    }

    public static VolumeView volume(Volume v, Attachment attachment) {
        return new VolumeView(v.name(), v.pool(), v.lun(), v.sizeBytes(), v.options(), v.createdAt(),
                attachment == null ? null : attachment.host());
    }

    public static AttachmentView attachment(Attachment a, Lun lun, PoolPolicy policy) {
        return new AttachmentView(a.volume(), a.host(), a.initiators(), a.since(), a.preemptedHost(),
                lun == null ? null : lun.wwn(), lun == null ? null : lun.backing(),
                lun == null ? 0 : lun.sizeBytes(), policy == null ? null : policy.fsType().id());
    }
}
