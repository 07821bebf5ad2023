package io.lunpool.bench;

import io.lunpool.backend.plugin.PluginSocketClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Phases 1 and 2, straight on the plugin socket through {@link PluginSocketClient} (requests byte for byte as
 * dockerd writes them), with the calls dockerd 20.10 makes: {@code volume create} = Get (no such volume), Create;
 * container start = Get, Get, Mount(ID); container exit = Get, Unmount(ID); {@code volume rm} = Get, Get, Remove.
 * The Gets are timed as their own operation.
 */
final class SocketPhases {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(130);
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Path socket;
    private final String prefix;
    /** Volumes created on the plugin and not removed yet, for the cleanup after a failure. */
    private final Map<String, String> live = new ConcurrentHashMap<>();

    SocketPhases(Path socket, String prefix) {
        this.socket = socket;
        this.prefix = prefix;
    }

    /** Phase 1: {@code n} volumes, one connection; each step for all volumes before the next (n mounted at once). */
    Map<String, Samples> operations(int n, int warmup) {
        Map<String, Samples> ops = new LinkedHashMap<>();
        for (String op : List.of("Create", "Mount", "Unmount", "Remove", "Get")) {
            ops.put(op, new Samples());
        }
        try (PluginSocketClient c = PluginSocketClient.connect(socket, CALL_TIMEOUT)) {
            handshake(c);
            List<String> warm = names("w", warmup);
            steps(c, warm, new LinkedHashMap<>());
            steps(c, names("s", n), ops);
        }
        return ops;
    }

    private void steps(PluginSocketClient c, List<String> names, Map<String, Samples> ops) {
        Samples none = new Samples();
        Map<String, String> ids = new LinkedHashMap<>();
        for (String v : names) {
            expectErr(c, "VolumeDriver.Get", v);
            live.put(v, "");
            timed(c, ops.getOrDefault("Create", none), "VolumeDriver.Create", "{\"Name\":\"" + v + "\",\"Opts\":null}");
        }
        for (String v : names) {
            get(c, ops.getOrDefault("Get", none), v);
            get(c, ops.getOrDefault("Get", none), v);
            ids.put(v, mountId());
            live.put(v, ids.get(v));
            String answer = timed(c, ops.getOrDefault("Mount", none), "VolumeDriver.Mount", idBody(v, ids.get(v)));
            requireMountpoint(v, answer);
        }
        for (String v : names) {
            get(c, ops.getOrDefault("Get", none), v);
            timed(c, ops.getOrDefault("Unmount", none), "VolumeDriver.Unmount", idBody(v, ids.get(v)));
        }
        for (String v : names) {
            get(c, ops.getOrDefault("Get", none), v);
            get(c, ops.getOrDefault("Get", none), v);
            timed(c, ops.getOrDefault("Remove", none), "VolumeDriver.Remove", nameBody(v));
            live.remove(v);
        }
    }

    /** Phase 2: fresh-volume cycles (Create, Mount, Unmount, Remove), {@code parallel} connections, at most {@code
     * cycles} of them or {@code limit}; returns the wall time in nanoseconds and fills {@code cycleTimes}. */
    long cycles(int parallel, int cycles, Duration limit, Samples cycleTimes) throws Exception {
        AtomicInteger next = new AtomicInteger();
        long deadline = System.nanoTime() + limit.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<?>> workers = new ArrayList<>();
            long start = System.nanoTime();
            for (int w = 0; w < parallel; w++) {
                workers.add(pool.submit(() -> {
                    try (PluginSocketClient c = PluginSocketClient.connect(socket, CALL_TIMEOUT)) {
                        handshake(c);
                        int i;
                        while ((i = next.getAndIncrement()) < cycles && System.nanoTime() < deadline) {
                            String v = prefix + "-c" + i;
                            String id = mountId();
                            long t0 = System.nanoTime();
                            live.put(v, id);
                            ok(c, "VolumeDriver.Create", "{\"Name\":\"" + v + "\",\"Opts\":null}");
                            requireMountpoint(v, ok(c, "VolumeDriver.Mount", idBody(v, id)));
                            ok(c, "VolumeDriver.Unmount", idBody(v, id));
                            ok(c, "VolumeDriver.Remove", nameBody(v));
                            live.remove(v);
                            cycleTimes.add(System.nanoTime() - t0);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
            return System.nanoTime() - start;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Best effort after a failure: Unmount with the ID a volume was mounted with (unknown IDs are a no-op), Remove. */
    void removeLeftovers() {
        if (live.isEmpty()) {
            return;
        }
        try (PluginSocketClient c = PluginSocketClient.connect(socket, CALL_TIMEOUT)) {
            for (Map.Entry<String, String> v : Map.copyOf(live).entrySet()) {
                c.post("/VolumeDriver.Unmount", idBody(v.getKey(), v.getValue()));
                c.post("/VolumeDriver.Remove", nameBody(v.getKey()));
            }
        } catch (RuntimeException e) {
            System.err.println("bench cleanup: removing plugin volumes failed: " + e.getMessage());
        }
    }

    private static void handshake(PluginSocketClient c) {
        String activate = answer(c, "Plugin.Activate", null);
        if (!activate.contains("VolumeDriver")) {
            throw new IllegalStateException("Plugin.Activate answered " + activate);
        }
        answer(c, "VolumeDriver.Capabilities", "{}");
    }

    private List<String> names(String kind, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(prefix + "-" + kind + i);
        }
        return out;
    }

    private static void get(PluginSocketClient c, Samples samples, String v) {
        timed(c, samples, "VolumeDriver.Get", nameBody(v));
    }

    private static String timed(PluginSocketClient c, Samples samples, String path, String body) {
        long t0 = System.nanoTime();
        String answer = ok(c, path, body);
        samples.add(System.nanoTime() - t0);
        return answer;
    }

    /** The body of the plugin's answer to {@code POST /<path>}; anything but HTTP 200 throws. */
    private static String answer(PluginSocketClient c, String path, String body) {
        PluginSocketClient.Reply reply = c.post("/" + path, body);
        if (reply.status() != 200) {
            throw new IllegalStateException(path + " answered HTTP " + reply.status() + ": " + reply.body());
        }
        return reply.body();
    }

    private static String ok(PluginSocketClient c, String path, String body) {
        String answer = answer(c, path, body);
        if (!answer.contains("\"Err\":\"\"")) {
            throw new IllegalStateException(path + " " + body + " answered " + answer);
        }
        return answer;
    }

    private static void expectErr(PluginSocketClient c, String path, String v) {
        String answer = answer(c, path, nameBody(v));
        if (answer.contains("\"Err\":\"\"")) {
            throw new IllegalStateException(path + " of the new volume " + v + " found it: " + answer);
        }
    }

    private static void requireMountpoint(String v, String answer) {
        int at = answer.indexOf("\"Mountpoint\":\"");
        String mp = at < 0 ? "" : answer.substring(at + 14, answer.indexOf('"', at + 14));
        if (mp.isEmpty() || !Files.isDirectory(Path.of(mp))) {
            throw new IllegalStateException("Mount of " + v + " returned no usable mount point: " + answer);
        }
    }

    private static String idBody(String v, String id) {
        return "{\"Name\":\"" + v + "\",\"ID\":\"" + id + "\"}";
    }

    private static String nameBody(String v) {
        return "{\"Name\":\"" + v + "\"}";
    }

    /** A random 64-hex mount ID, like Docker's. */
    private static String mountId() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
