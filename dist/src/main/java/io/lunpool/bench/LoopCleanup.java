package io.lunpool.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Detaches loop devices whose backing file lies under a folder (the bench's temp array), if any. */
final class LoopCleanup {
    private LoopCleanup() {
    }

    static void detachUnder(Path dir) {
        String listing = run("losetup", "--list", "--noheadings", "--output", "NAME,BACK-FILE");
        if (listing == null) {
            return;
        }
        String prefix = dir.toAbsolutePath().toString();
        for (String line : listing.split("\n")) {
            String[] f = line.trim().split("\\s+", 2);
            if (f.length == 2 && f[1].startsWith(prefix)) {
                run("losetup", "-d", f[0]);
            }
        }
    }

    private static String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
