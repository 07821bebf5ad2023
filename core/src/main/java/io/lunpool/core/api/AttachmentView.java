package io.lunpool.core.api;

import java.time.Instant;
import java.util.List;

/** What a backend needs to find and mount an attached volume. */
public record AttachmentView(String volume, String host, List<String> initiators, Instant since,
                             String preemptedHost, String lun, String backing, long sizeBytes, String fsType) {
}
