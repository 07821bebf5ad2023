package io.lunpool.dist;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import io.lunpool.core.Json;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.api.LunpoolClient;
import java.net.URI;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * Base of the CLI subcommands over the REST API: {@code --url} (default {@code $LUNPOOL_URL} or
 * http://127.0.0.1:7480) and {@code --json}. Errors print {@code REASON: message} and exit 1.
 */
abstract class ClientCommand extends Command {
    static final ObjectMapper JSON = Json.mapper().enable(SerializationFeature.INDENT_OUTPUT);

    ClientCommand(String name, String description) {
        super(name, description);
    }

    @Override
    public void configure(Subparser subparser) {
        String env = System.getenv("LUNPOOL_URL");
        subparser.addArgument("--url").setDefault(env == null || env.isBlank() ? "http://127.0.0.1:7480" : env)
                .help("control-plane REST API (default $LUNPOOL_URL or http://127.0.0.1:7480)");
        subparser.addArgument("--json").action(net.sourceforge.argparse4j.impl.Arguments.storeTrue())
                .help("print JSON for scripts instead of a table");
        configureActions(subparser);
    }

    abstract void configureActions(Subparser subparser);

    abstract void execute(LunpoolClient client, Namespace ns, boolean json) throws Exception;

    @Override
    public void run(Bootstrap<?> bootstrap, Namespace ns) throws Exception {
        LunpoolClient client = new LunpoolClient(URI.create(ns.getString("url")));
        try {
            execute(client, ns, Boolean.TRUE.equals(ns.getBoolean("json")));
        } catch (LunpoolException e) {
            System.err.println(e);
            System.exit(1);
        }
    }

    static void printJson(Object value) throws Exception {
        System.out.println(JSON.writeValueAsString(value));
    }
}
