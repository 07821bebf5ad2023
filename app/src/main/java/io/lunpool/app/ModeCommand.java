package io.lunpool.app;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.dropwizard.core.cli.ServerCommand;
import io.dropwizard.core.server.AbstractServerFactory;
import io.dropwizard.core.setup.Environment;
import net.sourceforge.argparse4j.inf.Namespace;

/** A server subcommand ({@code local}, {@code scheduler}, {@code backend}): wires its parts, then serves. */
abstract class ModeCommand extends ServerCommand<LunpoolConfiguration> {
    ModeCommand(LunpoolApplication app, String name, String description) {
        super(app, name, description);
    }

    abstract void wire(Environment env, LunpoolConfiguration cfg) throws Exception;

    @Override
    protected void run(Environment env, Namespace namespace, LunpoolConfiguration cfg) throws Exception {
        env.getObjectMapper().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        if (cfg.getServerFactory() instanceof AbstractServerFactory f) {
            f.setRegisterDefaultExceptionMappers(false);
        }
        wire(env, cfg);
        super.run(env, namespace, cfg);
    }
}
