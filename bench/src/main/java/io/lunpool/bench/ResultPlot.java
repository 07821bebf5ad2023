package io.lunpool.bench;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * {@code plugin-latest.png}, drawn with java.awt (headless): socket latency percentiles per operation with their
 * targets; each interleaved {@code docker run}, lunpoolbench against local; socket cycles/s against the target;
 * fresh-volume {@code docker run} starts/s of both drivers.
 */
final class ResultPlot {
    static final Color FC = new Color(0x1f77b4);
    static final Color LOCAL = new Color(0x8c8c8c);
    static final Color P99 = new Color(0xff7f0e);
    private static final int W = 1400;
    private static final int H = 900;

    private ResultPlot() {
    }

    static void write(Path file, Results r) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.drawString("lunpool Docker volume plugin bench, " + Report.STAMP.format(r.started) + " ("
                + r.machine.get("nproc") + " CPUs, load before " + first(r.loadBefore) + ")", 20, 28);
        Chart a = new Chart(g, 20, 50, 680, 400);
        Chart b = new Chart(g, 710, 50, 680, 400);
        Chart c = new Chart(g, 20, 480, 680, 400);
        Chart d = new Chart(g, 710, 480, 680, 400);
        if (!r.socketOps.isEmpty()) {
            latency(a, r.socketOps);
        }
        if (r.dockerRun != null) {
            dockerRuns(b, r.dockerRun);
        }
        if (r.cycles != null) {
            c.bars("fresh-volume cycles/s via the socket (" + r.cycles.parallel() + " parallel)", "cycles/s",
                    new String[] {"lunpoolbench"}, new double[][] {{r.cycles.perSecond()}}, new Color[] {FC},
                    new String[] {"cycles/s"}, Map.of(0, 50.0));
        }
        if (r.fresh != null) {
            d.bars("docker run starts/s, fresh volume each (" + r.fresh.parallel() + " parallel); ratio "
                            + r.fresh.ratio() + "x (target >= 0.8x)", "starts/s",
                    new String[] {"lunpoolbench", "local"},
                    new double[][] {{r.fresh.fc().perSecond()}, {r.fresh.local().perSecond()}},
                    new Color[] {FC, LOCAL}, new String[] {"starts/s"}, Map.of());
        }
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    private static void latency(Chart chart, Map<String, Samples.Summary> ops) {
        String[] names = ops.keySet().toArray(String[]::new);
        double[][] values = new double[names.length][];
        for (int i = 0; i < names.length; i++) {
            Samples.Summary s = ops.get(names[i]);
            values[i] = new double[] {s.p50(), s.p99()};
        }
        chart.bars("plugin socket latency per call (ms, log scale); red dashes: targets", "ms", names, values,
                new Color[] {FC, P99}, new String[] {"p50", "p99"},
                targets(indexOf(names, "Create") * 2 + 1, 10.0, indexOf(names, "Mount") * 2, 15.0,
                        indexOf(names, "Unmount") * 2, 10.0), true);
    }

    private static void dockerRuns(Chart chart, Results.DockerRun run) {
        chart.series("docker run --rm -v vol:/d busybox true (ms); median ratio " + run.ratioOfMedians()
                        + "x (target <= 1.3x)", "ms",
                List.of(run.fcSeries(), run.localSeries()), new Color[] {FC, LOCAL},
                new String[] {"lunpoolbench p50 " + run.fc().p50(), "local p50 " + run.local().p50()},
                new double[] {run.fc().p50(), run.local().p50()});
    }

    /** Bar index to target value, from pairs; bars that do not exist (negative index) are left out. */
    private static Map<Integer, Double> targets(Object... pairs) {
        Map<Integer, Double> out = new java.util.HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            if ((Integer) pairs[i] >= 0) {
                out.put((Integer) pairs[i], (Double) pairs[i + 1]);
            }
        }
        return out;
    }

    private static int indexOf(String[] names, String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -100;
    }

    private static String first(String loadavg) {
        return loadavg == null ? "?" : loadavg.split(" ")[0];
    }
}
