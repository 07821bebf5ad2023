package io.lunpool.dist;

import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;

/**
 * The one lunpool jar. Server subcommands: {@code local}, {@code scheduler}, {@code backend}; client
 * subcommands over the REST API: {@code pool}, {@code volume}.
 */
public final class LunpoolApplication extends Application<LunpoolConfiguration> {
    public static void main(String[] args) throws Exception {
        new LunpoolApplication().run(args);
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
        bootstrap.addCommand(new PoolCommand());
        bootstrap.addCommand(new VolumeCommand());
    }

    @Override
    public void run(LunpoolConfiguration configuration, Environment environment) {
        // each subcommand wires its own parts (ModeCommand.wire)
    }
}
