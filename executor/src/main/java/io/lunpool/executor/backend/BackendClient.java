package io.lunpool.executor.backend;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.api.ChoreRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The local backend as the executor uses it, on the backend's unix socket: its chore endpoint
 * ({@code POST /Chores.Prepare}, {@code POST /Chores.Wipe}) and the Docker volume plugin protocol for volume
 * tasks ({@code VolumeDriver.Get}, {@code .Create}, {@code .Mount}, {@code .Unmount}). An answer's {@code Err}
 * ({@code REASON: message}) becomes a {@link LunpoolException} with that reason; a backend that cannot be reached is
 * TRANSIENT, naming the socket. Plugin calls give up after {@link #PLUGIN_TIMEOUT} (Docker's wait); a chore waits
 * until it is done or aborted.
 */
public final class BackendClient {
    static final Duration PLUGIN_TIMEOUT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ScheduledExecutorService TIMEOUTS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "backend-call-timeouts");
        t.setDaemon(true);
        return t;
    });

    private final Path socket;

    public BackendClient(Path socket) {
        this.socket = socket;
    }

    public Path socket() {
        return socket;
    }

    /** Runs the chore on this host and returns when it is done; {@code call} can abort the wait from elsewhere. */
    public void chore(ChoreRequest chore, BackendCall call) {
        String path = chore.kind() == ChoreRequest.Kind.PREPARE ? "/Chores.Prepare" : "/Chores.Wipe";
        exchange(call, path, chore.toJson(), null);
    }

    /** True when the backend knows the volume ({@code Get} without an Err); false when it is NOT_FOUND. */
    public boolean exists(String volume) {
        try {
            plugin("/VolumeDriver.Get", Map.of("Name", volume));
            return true;
        } catch (LunpoolException e) {
            if (e.reason() == Reason.NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    public void create(String volume, Map<String, String> options) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Name", volume);
        body.put("Opts", options);
        plugin("/VolumeDriver.Create", body);
    }

    /** Mounts the volume for {@code id} (a reference of its own at the backend) and returns the mount point. */
    public Path mount(String volume, String id) {
        JsonNode answer = plugin("/VolumeDriver.Mount", Map.of("Name", volume, "ID", id));
        String mountpoint = answer.path("Mountpoint").asText("");
        if (mountpoint.isEmpty()) {
            throw new LunpoolException(Reason.HOST_ERROR, "the backend mounted volume " + volume
                    + " but named no mount point");
        }
        return Path.of(mountpoint);
    }

    /** Releases the reference {@code id} holds; the last one unmounts the volume. */
    public void unmount(String volume, String id) {
        plugin("/VolumeDriver.Unmount", Map.of("Name", volume, "ID", id));
    }

    private JsonNode plugin(String path, Map<String, ?> body) {
        try (BackendCall call = new BackendCall(socket)) {
            return exchange(call, path, encode(body), PLUGIN_TIMEOUT);
        }
    }

    private JsonNode exchange(BackendCall call, String path, byte[] body, Duration timeout) {
        ScheduledFuture<?> limit = timeout == null ? null
                : TIMEOUTS.schedule(call::abort, timeout.toMillis(), TimeUnit.MILLISECONDS);
        BackendCall.Reply reply;
        try {
            reply = call.post(path, body);
        } catch (IOException e) {
            throw new LunpoolException(Reason.TRANSIENT, path + " on the backend's socket " + socket + " failed: "
                    + e.getMessage() + (limit != null && limit.isDone() ? " (no answer within " + timeout + ")" : "")
                    + "; is lunpool backend running on this host?", e);
        } finally {
            if (limit != null) {
                limit.cancel(false);
            }
        }
        if (reply.status() != 200) {
            throw new LunpoolException(Reason.HOST_ERROR, path + " on the backend's socket " + socket + " answered "
                    + reply.status() + ": " + reply.body().strip());
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(reply.body());
        } catch (IOException e) {
            throw new LunpoolException(Reason.HOST_ERROR, path + " on the backend answered something that is not"
                    + " JSON: " + reply.body().strip());
        }
        String err = answer.path("Err").asText("");
        if (!err.isEmpty()) {
            throw error(err);
        }
        return answer;
    }

    /** {@code REASON: message} as the backend writes it; anything else is a HOST_ERROR with the text. */
    static LunpoolException error(String err) {
        int colon = err.indexOf(": ");
        if (colon > 0) {
            try {
                return new LunpoolException(Reason.valueOf(err.substring(0, colon)), err.substring(colon + 2));
            } catch (IllegalArgumentException notAReason) {
                // falls through
            }
        }
        return new LunpoolException(Reason.HOST_ERROR, err);
    }

    private static byte[] encode(Object body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a plugin request", e);
        }
    }
}
