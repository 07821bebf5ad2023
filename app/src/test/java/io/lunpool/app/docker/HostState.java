package io.lunpool.app.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.lunpool.backend.host.CommandRunner;
import io.lunpool.backend.host.HostCleanup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * What the kernel says about a test's root directory: {@code losetup -a} lines and {@code /proc/self/mountinfo}
 * entries that name a path under it, and the prerequisites every Docker test checks first (failing, not skipping).
 */
public final class HostState {
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");
    private static boolean checked;

    private HostState() {
    }

    /** Root, a reachable dockerd and a test image that runs a shell; fails with the remedy otherwise. */
    public static synchronized void requirePrerequisites(DockerCli docker) {
        if (checked) {
            return;
        }
        HostCleanup.requireRoot();
        DockerCli.Result info = docker.run("info", "--format", "{{.ServerVersion}}");
        assertThat(info.exit()).as("dockerd is not reachable (docker info: %s %s); start it (bin/test does:"
                + " dockerd >/tmp/lunpool-dockerd.log 2>&1 &)", info.out(), info.err()).isZero();
        DockerCli.Result image = docker.run("image", "inspect", "--format", "{{.Id}}", DockerCli.IMAGE);
        assertThat(image.exit()).as("test image %s is missing; bin/test imports it from busybox-static (%s)",
                DockerCli.IMAGE, image.err()).isZero();
        DockerCli.Result shell = docker.run("run", "--rm", DockerCli.IMAGE, "sh", "-c", "echo ok");
        assertThat(shell.exit()).as("test image %s cannot run 'sh -c': %s (an image whose /bin/busybox is a"
                + " symlink to itself was imported with 'ln -sf busybox bin/busybox'; remove the image and import it"
                + " again without linking the 'busybox' applet)", DockerCli.IMAGE, shell.err()).isZero();
        checked = true;
    }

    /** {@code losetup -a} lines whose backing file is under root. */
    public static List<String> loopDevicesUnder(Path root) {
        String out = new CommandRunner().runChecked(CommandRunner.QUICK, "losetup", "-a");
        return out.lines().filter(l -> l.contains(root.toString() + "/")).toList();
    }

    /** {@code /proc/self/mountinfo} lines that name a path under root. */
    public static List<String> mountsUnder(Path root) {
        return mountinfo().stream().filter(l -> l.contains(root.toString() + "/")).toList();
    }

    /** True when something is mounted exactly at dir. */
    public static boolean isMounted(Path dir) {
        String point = dir.toAbsolutePath().normalize().toString();
        return mountinfo().stream().map(l -> l.split(" ")).anyMatch(f -> f.length > 4 && f[4].equals(point));
    }

    /** True when a loop device is bound to this file. */
    public static boolean isAttached(Path backing) {
        return new CommandRunner().runChecked(CommandRunner.QUICK, "losetup", "-j", backing.toString())
                .contains(backing.toString());
    }

    public static void assertNothingUnder(Path root) {
        assertThat(loopDevicesUnder(root)).as("losetup -a entries of %s", root).isEmpty();
        assertThat(mountsUnder(root)).as("/proc/self/mountinfo entries of %s", root).isEmpty();
    }

    private static List<String> mountinfo() {
        try {
            return Arrays.asList(Files.readString(MOUNTINFO).split("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
