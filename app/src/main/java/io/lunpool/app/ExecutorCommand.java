package io.lunpool.app;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.codahale.metrics.MetricRegistry;
import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.logging.common.ConsoleAppenderFactory;
import io.dropwizard.logging.common.DefaultLoggingFactory;
import io.lunpool.executor.LunpoolExecutor;
import java.util.List;
import java.util.Optional;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code lunpool executor [--backend-socket PATH]}: the Mesos executor, started by the Mesos agent. It needs no
 * configuration file: it reads the agent's environment ({@code MESOS_*}, see {@link LunpoolExecutor}), logs at INFO
 * to stderr (the sandbox's {@code stderr}), and ends the JVM with its exit code when its work is done.
 */
final class ExecutorCommand extends Command {
    ExecutorCommand() {
        super("executor", "Runs the lunpool Mesos executor (started by the Mesos agent, configured by its environment)");
    }

    @Override
    public void configure(Subparser subparser) {
        subparser.addArgument("--backend-socket").dest("socket")
                .help("the backend's unix socket (default: $LUNPOOL_BACKEND_SOCKET, else "
                        + LunpoolExecutor.DEFAULT_SOCKET + ")");
    }

    @Override
    public void run(Bootstrap<?> bootstrap, Namespace namespace) throws Exception {
        // the Mesos 1.11 protobuf classes predate protobuf-java 3.22's gencode checks
        if (System.getProperty("com.google.protobuf.use_unsafe_pre22_gencode") == null) {
            System.setProperty("com.google.protobuf.use_unsafe_pre22_gencode", "true");
        }
        DefaultLoggingFactory logging = new DefaultLoggingFactory();
        logging.setLevel("INFO");
        ConsoleAppenderFactory<ILoggingEvent> console = new ConsoleAppenderFactory<>();
        console.setTarget(ConsoleAppenderFactory.ConsoleStream.STDERR);
        logging.setAppenders(List.of(console));
        logging.configure(new MetricRegistry(), "lunpool-executor");
        int code = LunpoolExecutor.run(System.getenv(), Optional.ofNullable(namespace.getString("socket")));
        logging.stop();
        System.exit(code);
    }
}
