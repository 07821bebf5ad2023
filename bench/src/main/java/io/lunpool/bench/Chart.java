package io.lunpool.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Stroke;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One panel of {@link ResultPlot}: a frame, a title, a linear y axis from 0, and bars or line series in it. */
final class Chart {
    private static final Color GRID = new Color(0xe6e6e6);
    private static final Color TARGET = new Color(0xd62728);
    private final Graphics2D g;
    private final int x0;
    private final int y0;
    private final int w;
    private final int h;
    private boolean log;
    private static final double LOG_BOTTOM = 0.1;

    Chart(Graphics2D g, int x, int y, int width, int height) {
        this.g = g;
        this.x0 = x + 60;
        this.y0 = y + 40;
        this.w = width - 80;
        this.h = height - 90;
        g.setColor(Color.BLACK);
        g.drawRect(x, y, width, height);
    }

    /**
     * Grouped bars: {@code values[group][series]}, coloured by series (by group when there is one series and a colour
     * per group); {@code targets} maps bar index (group * series + s) to a value.
     */
    void bars(String title, String unit, String[] groups, double[][] values, Color[] colors, String[] seriesNames,
              Map<Integer, Double> targets) {
        bars(title, unit, groups, values, colors, seriesNames, targets, false);
    }

    /** As above; {@code log}: a logarithmic y axis from 0.1 (latencies whose p99 dwarfs their p50). */
    void bars(String title, String unit, String[] groups, double[][] values, Color[] colors, String[] seriesNames,
              Map<Integer, Double> targets, boolean log) {
        this.log = log;
        int series = values[0].length;
        double max = 0;
        for (double[] v : values) {
            for (double d : v) {
                max = Math.max(max, d);
            }
        }
        for (double t : targets.values()) {
            max = Math.max(max, t);
        }
        double top = log ? Math.pow(10, Math.ceil(Math.log10(Math.max(max, 1) * 1.3))) : niceTop(max);
        frame(title, unit, top);
        int groupW = w / groups.length;
        int barW = Math.min(60, (groupW - 20) / series);
        for (int gi = 0; gi < groups.length; gi++) {
            int gx = x0 + gi * groupW + (groupW - barW * series) / 2;
            for (int s = 0; s < series; s++) {
                double v = values[gi][s];
                int bh = height(v, top);
                int bx = gx + s * barW;
                boolean perGroup = series == 1 && colors.length == groups.length;
                g.setColor(perGroup ? colors[gi] : colors[Math.min(s, colors.length - 1)]);
                g.fillRect(bx + 2, y0 + h - bh, barW - 4, bh);
                g.setColor(Color.BLACK);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
                g.drawString(num(v), bx + 2, y0 + h - bh - 3);
                Double t = targets.get(gi * series + s);
                if (t != null) {
                    int ty = y0 + h - height(t, top);
                    Stroke old = g.getStroke();
                    g.setColor(TARGET);
                    g.setStroke(new BasicStroke(2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10,
                            new float[] {6, 4}, 0));
                    g.drawLine(bx - 4, ty, bx + barW + 4, ty);
                    g.setStroke(old);
                }
            }
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            g.drawString(groups[gi], x0 + gi * groupW + groupW / 2 - g.getFontMetrics().stringWidth(groups[gi]) / 2,
                    y0 + h + 18);
        }
        if (series > 1) {
            legend(colors, seriesNames);
        }
    }

    /** Line series over their index, with a dashed horizontal line per series at {@code marks[s]}. */
    void series(String title, String unit, List<List<Double>> data, Color[] colors, String[] names, double[] marks) {
        double max = 0;
        int n = 0;
        for (List<Double> s : data) {
            n = Math.max(n, s.size());
            for (double d : s) {
                max = Math.max(max, d);
            }
        }
        double top = niceTop(max);
        frame(title, unit, top);
        Stroke old = g.getStroke();
        for (int s = 0; s < data.size(); s++) {
            List<Double> points = data.get(s);
            g.setColor(colors[s]);
            int px = -1;
            int py = -1;
            for (int i = 0; i < points.size(); i++) {
                int x = x0 + (n <= 1 ? w / 2 : (int) Math.round(i * (w - 10.0) / (n - 1))) + 5;
                int y = y0 + h - (int) Math.round(points.get(i) / top * h);
                g.setStroke(new BasicStroke(1.5f));
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                g.fillOval(x - 3, y - 3, 6, 6);
                px = x;
                py = y;
            }
            int my = y0 + h - (int) Math.round(marks[s] / top * h);
            g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
            g.drawLine(x0, my, x0 + w, my);
        }
        g.setStroke(old);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString("run (fc and local alternate)", x0 + w / 2 - 70, y0 + h + 18);
        legend(colors, names);
    }

    /** Pixel height of a value on the current axis. */
    private int height(double v, double top) {
        if (!log) {
            return (int) Math.round(v / top * h);
        }
        double clamped = Math.max(LOG_BOTTOM, v);
        return (int) Math.round(Math.log10(clamped / LOG_BOTTOM) / Math.log10(top / LOG_BOTTOM) * h);
    }

    private void frame(String title, String unit, double top) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString(title, x0 - 50, y0 - 18);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        if (log) {
            for (double tick = LOG_BOTTOM; tick <= top * 1.0001; tick *= 10) {
                for (double m : new double[] {1, 2, 5}) {
                    double v = tick * m;
                    if (v > top * 1.0001) {
                        break;
                    }
                    int y = y0 + h - height(v, top);
                    g.setColor(GRID);
                    g.drawLine(x0, y, x0 + w, y);
                    g.setColor(Color.BLACK);
                    String label = num(v);
                    g.drawString(label, x0 - 8 - g.getFontMetrics().stringWidth(label), y + 4);
                }
            }
            g.drawLine(x0, y0, x0, y0 + h);
            g.drawLine(x0, y0 + h, x0 + w, y0 + h);
            g.drawString(unit + " (log)", x0 - 50, y0 - 4);
            return;
        }
        for (int i = 0; i <= 5; i++) {
            int y = y0 + h - h * i / 5;
            g.setColor(GRID);
            g.drawLine(x0, y, x0 + w, y);
            g.setColor(Color.BLACK);
            String label = num(top * i / 5);
            g.drawString(label, x0 - 8 - g.getFontMetrics().stringWidth(label), y + 4);
        }
        g.drawLine(x0, y0, x0, y0 + h);
        g.drawLine(x0, y0 + h, x0 + w, y0 + h);
        g.drawString(unit, x0 - 50, y0 - 4);
    }

    private void legend(Color[] colors, String[] names) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int y = y0 + 6;
        for (int i = 0; i < names.length; i++) {
            int x = x0 + w - 210;
            g.setColor(colors[Math.min(i, colors.length - 1)]);
            g.fillRect(x, y + i * 18, 12, 12);
            g.setColor(Color.BLACK);
            g.drawString(names[i], x + 18, y + i * 18 + 11);
        }
    }

    private static double niceTop(double max) {
        if (max <= 0 || Double.isNaN(max)) {
            return 1;
        }
        double raw = max * 1.15;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double step : new double[] {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (step * mag >= raw) {
                return step * mag;
            }
        }
        return 10 * mag;
    }

    private static String num(double v) {
        if (v < 1 && v > 0) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
