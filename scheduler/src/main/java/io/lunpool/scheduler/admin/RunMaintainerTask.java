package io.lunpool.scheduler.admin;

import io.dropwizard.servlets.tasks.Task;
import io.lunpool.scheduler.ControlPlane;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code POST /tasks/run-maintainer}: one maintainer pass now, waiting up to 10 minutes for its chores. */
public final class RunMaintainerTask extends Task {
    private final ControlPlane controlPlane;

    public RunMaintainerTask(ControlPlane controlPlane) {
        super("run-maintainer");
        this.controlPlane = controlPlane;
    }

    @Override
    public void execute(Map<String, List<String>> parameters, PrintWriter output) throws Exception {
        controlPlane.runMaintainer().get(10, TimeUnit.MINUTES);
        output.println("maintainer pass done");
    }
}
