package io.lunpool.core.api;

import java.util.Map;

/** {@code POST /v1/volumes}. Pool and size may be left out: the default pool and its LUN size are used. */
public record CreateVolumeRequest(String name, String pool, String size, Map<String, String> options,
                                  String requestId) {
}
