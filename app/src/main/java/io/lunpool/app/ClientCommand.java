package io.lunpool.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import io.lunpool.core.Json;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.api.LunpoolClient;
import java.io.PrintStream;
import java.net.URI;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
import net.sourceforge.argparse4j.inf.Subparsers;

/**
 * Base of the CLI subcommands over the REST API: {@code --url} (default {@code $LUNPOOL_URL} or
 * http://127.0.0.1:7480) and {@code --json}. Output goes to the stream given at construction. Errors
 * propagate to Dropwizard's {@code Cli}, which reports them through {@link #onError} as
 * {@code REASON: message} on stderr; {@link LunpoolApplication#main} then exits 1.
 */
abstract class ClientCommand extends Command {
    static final ObjectMapper JSON = Json.mapper().enable(SerializationFeature.INDENT_OUTPUT);
    final PrintStream out;

    ClientCommand(String name, String description, PrintStream out) {
        super(name, description);
        this.out = out;
    }

    @Override
    public void configure(Subparser subparser) {
        configureActions(subparser.addSubparsers().dest("action").title("actions"));
    }

    /**
     * Adds an action ({@code ls}, {@code create}, ...) with the common {@code --url} and {@code --json}, so they
     * go where people type them: {@code lunpool volume ls --json}.
     */
    static Subparser action(Subparsers actions, String name, String help) {
        Subparser action = actions.addParser(name).help(help);
        String env = System.getenv("LUNPOOL_URL");
        action.addArgument("--url").setDefault(env == null || env.isBlank() ? "http://127.0.0.1:7480" : env)
                .help("control-plane REST API (default $LUNPOOL_URL or http://127.0.0.1:7480)");
        action.addArgument("--json").action(Arguments.storeTrue()).help("print JSON for scripts instead of a table");
        return action;
    }

    abstract void configureActions(Subparsers actions);

    abstract void execute(LunpoolClient client, Namespace ns, boolean json) throws Exception;

    @Override
    public void run(Bootstrap<?> bootstrap, Namespace ns) throws Exception {
        LunpoolClient client = new LunpoolClient(URI.create(ns.getString("url")));
        execute(client, ns, Boolean.TRUE.equals(ns.getBoolean("json")));
        out.flush();
    }

    /** An expected failure is one line, {@code REASON: message}; anything else keeps its stack trace. */
    @Override
    public void onError(Cli cli, Namespace namespace, Throwable e) {
        if (e instanceof LunpoolException) {
            cli.getStdErr().println(e);
        } else {
            super.onError(cli, namespace, e);
        }
    }

    void printJson(Object value) throws Exception {
        out.println(JSON.writeValueAsString(value));
    }
}
