package io.lunpool.scheduler.admin;

import io.dropwizard.servlets.tasks.Task;
import io.lunpool.scheduler.ControlPlane;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** {@code POST /tasks/wipe-lun?wwn=...}: send a FREE or FAILED LUN back through wipe and prepare. */
public final class WipeLunTask extends Task {
    private final ControlPlane controlPlane;

    public WipeLunTask(ControlPlane controlPlane) {
        super("wipe-lun");
        this.controlPlane = controlPlane;
    }

    @Override
    public void execute(Map<String, List<String>> parameters, PrintWriter output) {
        List<String> wwns = parameters.getOrDefault("wwn", List.of());
        if (wwns.isEmpty()) {
            throw new IllegalArgumentException("give the LUN as ?wwn=naa.6...");
        }
        for (String wwn : wwns) {
            controlPlane.wipeLun(wwn);
            output.println("LUN " + wwn + " is WIPING; the maintainer wipes, verifies and re-prepares it");
        }
    }
}
