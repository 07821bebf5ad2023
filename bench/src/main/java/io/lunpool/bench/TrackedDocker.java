package io.lunpool.bench;

import io.lunpool.app.docker.DockerCli;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The plugin bench's docker commands, through the Docker tests' {@link DockerCli} (timeout, captured output): facts,
 * volume create and remove, a timed {@code docker run}. Remembers every container and volume it was asked to create
 * so {@link #removeAll} can take them away after a failure. A failed command throws {@link IllegalStateException}
 * with its stderr.
 */
final class TrackedDocker {
    static final String IMAGE = DockerCli.IMAGE;
    private final DockerCli docker = new DockerCli();
    private final Set<String> containers = ConcurrentHashMap.newKeySet();
    private final Set<String> volumes = ConcurrentHashMap.newKeySet();

    String version() {
        return checked(List.of("version", "--format", "{{.Server.Version}}")).strip();
    }

    String info(String format) {
        return checked(List.of("info", "--format", format)).strip();
    }

    void requireImage() {
        if (docker.run("image", "inspect", IMAGE).exit() != 0) {
            throw new IllegalStateException("the test image " + IMAGE + " is missing; bin/test imports it from"
                    + " busybox-static (docker import), or run bin/test once");
        }
    }

    void createVolume(String name, String driver) {
        volumes.add(name);
        checked(List.of("volume", "create", "-d", driver, name));
    }

    /** {@code docker run --rm --name <container> -v <volume>:/d [--volume-driver d] IMAGE true}; nanoseconds taken. */
    long run(String container, String volume, String volumeDriver) {
        containers.add(container);
        volumes.add(volume);
        List<String> args = new ArrayList<>(List.of("run", "--rm", "--name", container, "-v", volume + ":/d"));
        if (volumeDriver != null) {
            args.addAll(List.of("--volume-driver", volumeDriver));
        }
        args.addAll(List.of(IMAGE, "true"));
        long start = System.nanoTime();
        DockerCli.Result r = docker.run(args);
        long took = System.nanoTime() - start;
        require(r);
        containers.remove(container);
        return took;
    }

    /** {@code docker volume rm -f}, 50 names a command. */
    void removeVolumes(List<String> names) {
        for (int i = 0; i < names.size(); i += 50) {
            List<String> chunk = names.subList(i, Math.min(names.size(), i + 50));
            List<String> args = new ArrayList<>(List.of("volume", "rm", "-f"));
            args.addAll(chunk);
            checked(args);
            chunk.forEach(volumes::remove);
        }
    }

    /** Best effort: removes the containers and volumes this run created and still holds. */
    void removeAll() {
        for (String c : List.copyOf(containers)) {
            docker.run("rm", "-f", c);
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

    private String checked(List<String> args) {
        return require(docker.run(args)).out();
    }

    private static DockerCli.Result require(DockerCli.Result r) {
        if (r.exit() != 0) {
            throw new IllegalStateException(String.join(" ", r.command()) + " failed (exit " + r.exit() + "): "
                    + r.err().strip());
        }
        return r;
    }
}
