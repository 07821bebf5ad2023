package io.lunpool.bench;

import io.lunpool.backend.host.CommandRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The docker CLI through the project's command runner (timeout, captured output). Remembers every container and
 * volume name it was asked to create so {@link #removeAll} can take them away after a failure.
 */
final class DockerCli {
    static final String IMAGE = "lunpool/busybox:1";
    private static final Duration TIMEOUT = Duration.ofSeconds(150);
    private final CommandRunner runner = new CommandRunner();
    private final Set<String> containers = ConcurrentHashMap.newKeySet();
    private final Set<String> volumes = ConcurrentHashMap.newKeySet();

    String version() {
        return checked("version", "--format", "{{.Server.Version}}").strip();
    }

    String info(String format) {
        return checked("info", "--format", format).strip();
    }

    void requireImage() {
        CommandRunner.Result r = runner.run(TIMEOUT, List.of("docker", "image", "inspect", IMAGE));
        if (r.exit() != 0) {
            throw new IllegalStateException("the test image " + IMAGE + " is missing; bin/test imports it from"
                    + " busybox-static (docker import), or run bin/test once");
        }
    }

    void createVolume(String name, String driver) {
        volumes.add(name);
        checked("volume", "create", "-d", driver, name);
    }

    /** {@code docker run --rm --name <container> -v <volume>:/d [--volume-driver d] IMAGE true}; nanoseconds taken. */
    long run(String container, String volume, String volumeDriver) {
        containers.add(container);
        volumes.add(volume);
        List<String> argv = new ArrayList<>(List.of("docker", "run", "--rm", "--name", container, "-v", volume + ":/d"));
        if (volumeDriver != null) {
            argv.addAll(List.of("--volume-driver", volumeDriver));
        }
        argv.addAll(List.of(IMAGE, "true"));
        long start = System.nanoTime();
        CommandRunner.Result r = runner.run(TIMEOUT, argv);
        long took = System.nanoTime() - start;
        if (r.exit() != 0) {
            throw new IllegalStateException(String.join(" ", argv) + " failed (exit " + r.exit() + "): "
                    + r.stderr().strip());
        }
        containers.remove(container);
        return took;
    }

    void removeVolumes(List<String> names) {
        for (int i = 0; i < names.size(); i += 50) {
            List<String> argv = new ArrayList<>(List.of("docker", "volume", "rm", "-f"));
            argv.addAll(names.subList(i, Math.min(names.size(), i + 50)));
            CommandRunner.Result r = runner.run(TIMEOUT, argv);
            if (r.exit() != 0) {
                throw new IllegalStateException("docker volume rm failed: " + r.stderr().strip());
            }
            names.subList(i, Math.min(names.size(), i + 50)).forEach(volumes::remove);
        }
    }

    /** Best effort: removes the containers and volumes this run created and still holds. */
    void removeAll() {
        for (String c : List.copyOf(containers)) {
            runner.run(TIMEOUT, List.of("docker", "rm", "-f", c));
        }
        containers.clear();
        if (!volumes.isEmpty()) {
            try {
                removeVolumes(new ArrayList<>(volumes));
            } catch (RuntimeException e) {
                System.err.println("bench cleanup: " + e.getMessage());
            }
        }
    }

    private String checked(String... args) {
        List<String> argv = new ArrayList<>(List.of("docker"));
        argv.addAll(List.of(args));
        CommandRunner.Result r = runner.run(TIMEOUT, argv);
        if (r.exit() != 0) {
            throw new IllegalStateException(String.join(" ", argv) + " failed (exit " + r.exit() + "): "
                    + r.stderr().strip());
        }
        return r.stdout();
    }
}
