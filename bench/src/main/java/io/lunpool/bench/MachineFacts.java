package io.lunpool.bench;

import io.lunpool.backend.host.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the plugin bench's numbers depend on besides {@link Machine#common()}: kernel, Docker, tool versions. Each fact is read once; a missing one says so. */
final class MachineFacts {
    private static final Duration QUICK = Duration.ofSeconds(20);
    private final CommandRunner runner = new CommandRunner();

    Map<String, Object> collect(TrackedDocker docker, Path tempDir) {
        Map<String, Object> out = Machine.common();
        out.put("kernel", firstLine("/proc/sys/kernel/osrelease"));
        out.put("docker", quietly(docker::version));
        out.put("dockerStorageDriver", quietly(() -> docker.info("{{.Driver}}")));
        out.put("dockerCgroup", quietly(() -> docker.info("{{.CgroupDriver}} v{{.CgroupVersion}}")));
        out.put("util-linux", command("losetup", "--version"));
        out.put("e2fsprogs", command("mkfs.ext4", "-V"));
        out.put("tempDirFilesystem", command("stat", "-f", "-c", "%T", tempDir.toString()));
        out.put("gitCommit", command("git", "rev-parse", "--short", "HEAD"));
        return out;
    }

    private static String firstLine(String file) {
        try {
            return Files.readAllLines(Path.of(file)).get(0).strip().replaceAll("\\s+", " ");
        } catch (IOException | IndexOutOfBoundsException e) {
            return "unknown (" + e + ")";
        }
    }

    private String command(String... argv) {
        try {
            CommandRunner.Result r = runner.run(QUICK, List.of(argv));
            String text = (r.stdout() + r.stderr()).strip();
            return text.isEmpty() ? "unknown" : text.lines().findFirst().orElse("unknown");
        } catch (RuntimeException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static String quietly(java.util.function.Supplier<String> fact) {
        try {
            return fact.get();
        } catch (RuntimeException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
