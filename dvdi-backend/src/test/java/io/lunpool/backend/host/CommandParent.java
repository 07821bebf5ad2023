package io.lunpool.backend.host;

import java.time.Duration;
import java.util.List;

/**
 * A JVM that runs one command through {@link CommandRunner#diesWithThisProcess()} and waits for it: the test kills
 * this JVM and looks whether the command went with it. Arguments: the command's argv.
 */
public final class CommandParent {
    private CommandParent() {
    }

    public static void main(String[] args) {
        CommandRunner.diesWithThisProcess().run(Duration.ofMinutes(5), List.of(args));
    }
}
