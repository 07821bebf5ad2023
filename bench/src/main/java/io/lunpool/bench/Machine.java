package io.lunpool.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Facts about the machine a run measured on, for the report. */
final class Machine {
    private Machine() {
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** What every bench reports about the machine and the JVM. */
    static Map<String, Object> common() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("nproc", Runtime.getRuntime().availableProcessors());
        m.put("cpu", cpuModel());
        m.put("memTotal", memTotal());
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        return m;
    }

    /** The control-plane bench's facts: the common ones, the bench JVM and the embedded ZooKeeper. */
    static Map<String, Object> facts() {
        Map<String, Object> m = common();
        m.put("benchHeap", Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB max");
        m.put("gc", String.join(",", java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(java.lang.management.GarbageCollectorMXBean::getName).toList()));
        m.put("zookeeper", org.apache.zookeeper.Version.getFullVersion().split(",")[0]
                + " embedded standalone, forceSync=yes (fsync on), data dir on " + System.getProperty("java.io.tmpdir"));
        m.put("gitCommit", System.getProperty("lunpool.commit", "unknown"));
        return m;
    }

    private static String cpuModel() {
        return procField("/proc/cpuinfo", "model name");
    }

    private static String memTotal() {
        return procField("/proc/meminfo", "MemTotal");
    }

    /** The value of the first {@code key: value} line of a /proc file whose key starts with {@code key}. */
    private static String procField(String file, String key) {
        try {
            return Files.readAllLines(Path.of(file)).stream().filter(l -> l.startsWith(key))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
