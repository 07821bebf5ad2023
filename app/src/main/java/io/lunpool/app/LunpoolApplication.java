package io.lunpool.app;

import io.dropwizard.core.Application;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.util.JarLocation;
import java.io.PrintStream;

/**
 * The one lunpool jar. Server subcommands: {@code local}, {@code scheduler}, {@code backend}; the Mesos executor:
 * {@code executor}; client subcommands over the REST API: {@code pool}, {@code volume}. A failed command exits 1.
 */
public final class LunpoolApplication extends Application<LunpoolConfiguration> {
    private PrintStream out = System.out;

    public static void main(String[] args) throws Exception {
        // losetup, mount and umount sit on every attach and detach: vfork starts them sooner
        // than the default posix_spawn through jspawnhelper on this JDK
        if (System.getProperty("jdk.lang.Process.launchMechanism") == null) {
            System.setProperty("jdk.lang.Process.launchMechanism", "VFORK");
        }
        int exit = new LunpoolApplication().run(System.out, System.err, args);
        if (exit != 0) {
            System.exit(exit);
        }
    }

    /**
     * Runs a command as {@link Application#run(String...)} does, writing to the given streams, and returns
     * the exit code (0, or 1 when the command failed; the error is already reported on {@code err})
     * instead of exiting, so the CLI can run in-process.
     */
    int run(PrintStream out, PrintStream err, String... args) throws Exception {
        this.out = out;
        Bootstrap<LunpoolConfiguration> bootstrap = new Bootstrap<>(this);
        addDefaultCommands(bootstrap);
        initialize(bootstrap);
        bootstrap.registerMetrics();
        Cli cli = new Cli(new JarLocation(getClass()), bootstrap, out, err);
        return cli.run(args).isPresent() ? 1 : 0;
    }

    @Override
    public String getName() {
        return "lunpool";
    }

    @Override
    protected void addDefaultCommands(Bootstrap<LunpoolConfiguration> bootstrap) {
        bootstrap.addCommand(new io.dropwizard.core.cli.CheckCommand<>(this));
    }

    @Override
    public void initialize(Bootstrap<LunpoolConfiguration> bootstrap) {
        bootstrap.addCommand(new LocalCommand(this));
        bootstrap.addCommand(new SchedulerCommand(this));
        bootstrap.addCommand(new BackendCommand(this));
        bootstrap.addCommand(new ExecutorCommand());
        bootstrap.addCommand(new PoolCommand(out));
        bootstrap.addCommand(new VolumeCommand(out));
    }

    @Override
    public void run(LunpoolConfiguration configuration, Environment environment) {
        // each subcommand wires its own parts (ModeCommand.wire)
    }
}
