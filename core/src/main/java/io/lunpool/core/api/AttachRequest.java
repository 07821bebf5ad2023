package io.lunpool.core.api;

import java.util.List;

/** {@code POST /v1/volumes/{name}/attachments}: map the volume to a host, taking it from another host if preempt. */
public record AttachRequest(String host, List<String> initiators, boolean preempt) {
}
