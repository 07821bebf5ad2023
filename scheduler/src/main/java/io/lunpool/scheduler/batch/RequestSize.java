package io.lunpool.scheduler.batch;

import java.util.Collection;
import java.util.Map;

/** An upper estimate of the bytes a request adds to a transaction, for the batch's byte cap. */
final class RequestSize {
    private static final int RECORD_OVERHEAD = 400;

    private RequestSize() {
    }

    static int estimate(Request r) {
        if (r instanceof Request.CreateVolume c) {
            return 2 * RECORD_OVERHEAD + 3 * c.name().length() + map(c.options());
        } else if (r instanceof Request.Attach a) {
            return RECORD_OVERHEAD + a.volume().length() + a.host().length() + list(a.initiators());
        } else if (r instanceof Request.PutHost h) {
            return RECORD_OVERHEAD + list(h.host().initiators()) + map(h.host().labels());
        } else if (r instanceof Request.PutPool p) {
            return RECORD_OVERHEAD + list(p.policy().mkfsOptions());
        }
        return 2 * RECORD_OVERHEAD;
    }

    private static int map(Map<String, String> m) {
        return m.entrySet().stream().mapToInt(e -> e.getKey().length() + e.getValue().length() + 6).sum();
    }

    private static int list(Collection<String> c) {
        return c.stream().mapToInt(s -> s.length() + 3).sum();
    }
}
