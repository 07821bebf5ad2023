package io.lunpool.scheduler.batch;

import io.lunpool.core.api.AttachmentView;
import io.lunpool.core.api.VolumeView;

/** What a committed request answers. */
public sealed interface Outcome {
    record VolumeOutcome(VolumeView volume, boolean created) implements Outcome {
    }

    record AttachmentOutcome(AttachmentView attachment) implements Outcome {
    }

    record Done() implements Outcome {
    }

    Done DONE = new Done();
}
