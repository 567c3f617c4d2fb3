package dev.softsilhouette.bench.report;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The results table as a PNG (Java2D, headless): one group of horizontal bars per workload, metric, operation and
 * tau, one bar per backend, length = effective GFLOP/s on a log scale, a black tick at the SGEMM ceiling that
 * backend is compared with, and the time per call written at the end of each bar.
 */
public final class ReportChart {
    private static final Color[] PALETTE = {
            new Color(0x4C72B0), new Color(0xDD8452), new Color(0x55A868), new Color(0xC44E52),
            new Color(0x8172B3), new Color(0x937860), new Color(0xDA8BC3), new Color(0x8C8C8C)};
    private static final int WIDTH = 1280;
    private static final int LABEL_WIDTH = 300;
    private static final int RIGHT_MARGIN = 190;
    private static final int BAR = 14;
    private static final int GROUP_GAP = 8;
    private static final int WORKLOAD_HEADER = 24;
    private static final int TOP = 96;
    private static final int BOTTOM = 56;

    private ReportChart() {
    }

    public static void write(ReportInput input, Path png) throws IOException {
        ImageIO.write(render(input), "png", png.toFile());
    }

    public static BufferedImage render(ReportInput input) {
        System.setProperty("java.awt.headless", "true");
        ReportModel model = ReportModel.of(input);
        List<ReportModel.Row> rows = model.rows();

        Set<String> backends = new LinkedHashSet<>();
        rows.forEach(r -> backends.add(r.backend()));
        Map<String, Color> colours = new LinkedHashMap<>();
        int c = 0;
        for (String b : backends) {
            colours.put(b, PALETTE[c++ % PALETTE.length]);
        }

        // Groups in table order; a workload header before each new workload.
        Map<String, List<ReportModel.Row>> groups = new LinkedHashMap<>();
        for (ReportModel.Row r : rows) {
            String key = r.workload().label() + "|" + r.metric().externalName() + "|" + r.op().methodName()
                    + "|" + r.tau();
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
        }
        int height = TOP + BOTTOM;
        String lastWorkload = null;
        for (List<ReportModel.Row> g : groups.values()) {
            if (!g.getFirst().workload().label().equals(lastWorkload)) {
                height += WORKLOAD_HEADER;
                lastWorkload = g.getFirst().workload().label();
            }
            height += g.size() * BAR + GROUP_GAP;
        }
        height = Math.max(height, TOP + BOTTOM + 80);

        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (ReportModel.Row r : rows) {
            for (double v : new double[]{r.gflops(), r.ceilingGflops()}) {
                if (Double.isFinite(v) && v > 0) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        if (!Double.isFinite(min)) {
            min = 0.1;
            max = 10;
        }
        int lo = (int) Math.floor(Math.log10(min));
        int hi = (int) Math.ceil(Math.log10(max));
        if (hi == lo) {
            hi = lo + 1;
        }

        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, height);

            int x0 = LABEL_WIDTH;
            int x1 = WIDTH - RIGHT_MARGIN;
            Axis axis = new Axis(lo, hi, x0, x1);

            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
            g.drawString("Soft Silhouette: " + input.profile() + " profile, effective GFLOP/s (log scale)", 16, 28);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            String cpu = input.machine().getOrDefault("CPU", "");
            String jdk = input.machine().getOrDefault("JDK", "");
            g.drawString(cpu + "  |  " + jdk, 16, 48);

            // Legend.
            int lx = 16;
            for (Map.Entry<String, Color> e : colours.entrySet()) {
                g.setColor(e.getValue());
                g.fillRect(lx, 60, 14, 12);
                g.setColor(Color.BLACK);
                g.drawString(e.getKey(), lx + 18, 71);
                lx += 30 + g.getFontMetrics().stringWidth(e.getKey());
            }
            g.setStroke(new BasicStroke(2f));
            g.drawLine(lx + 6, 58, lx + 6, 74);
            g.setStroke(new BasicStroke(1f));
            g.drawString("SGEMM ceiling at the same Gram shape (this run)", lx + 14, 71);

            // Grid.
            int plotTop = TOP - 6;
            int plotBottom = height - BOTTOM + 4;
            for (int e = lo; e <= hi; e++) {
                for (int m = 1; m < 10; m++) {
                    double v = m * Math.pow(10, e);
                    if (e == hi && m > 1) {
                        break;
                    }
                    int x = axis.x(v);
                    g.setColor(m == 1 ? new Color(0xBBBBBB) : new Color(0xEEEEEE));
                    g.drawLine(x, plotTop, x, plotBottom);
                }
                g.setColor(Color.DARK_GRAY);
                String label = tick(Math.pow(10, e));
                int x = axis.x(Math.pow(10, e));
                g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, plotBottom + 16);
            }
            g.drawString("effective GFLOP/s (counted flops / time)", (x0 + x1) / 2 - 110, plotBottom + 34);

            int y = TOP;
            lastWorkload = null;
            Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
            Font headerFont = new Font(Font.SANS_SERIF, Font.BOLD, 13);
            for (List<ReportModel.Row> group : groups.values()) {
                ReportModel.Row first = group.getFirst();
                if (!first.workload().label().equals(lastWorkload)) {
                    lastWorkload = first.workload().label();
                    g.setColor(new Color(0x999999));
                    g.drawLine(8, y + 2, WIDTH - 8, y + 2);
                    g.setColor(Color.BLACK);
                    g.setFont(headerFont);
                    g.drawString("N=" + first.workload().n() + "  D=" + first.workload().d() + "  K="
                            + first.workload().k(), 12, y + 18);
                    y += WORKLOAD_HEADER;
                }
                g.setFont(labelFont);
                g.setColor(Color.BLACK);
                String label = first.metric().externalName() + "  " + first.op().methodName()
                        + (first.op() == dev.softsilhouette.bench.workload.Operation.SCORE ? "" : "  tau " + first.tau());
                FontMetrics fm = g.getFontMetrics();
                int groupHeight = group.size() * BAR;
                g.drawString(label, x0 - 8 - fm.stringWidth(label), y + groupHeight / 2 + fm.getAscent() / 2 - 1);
                for (ReportModel.Row r : group) {
                    int barEnd = Double.isFinite(r.gflops()) && r.gflops() > 0 ? axis.x(r.gflops()) : x0;
                    g.setColor(colours.get(r.backend()));
                    g.fillRect(x0, y + 1, Math.max(1, barEnd - x0), BAR - 2);
                    if (Double.isFinite(r.ceilingGflops())) {
                        int cx = axis.x(r.ceilingGflops());
                        g.setColor(Color.BLACK);
                        g.setStroke(new BasicStroke(2f));
                        g.drawLine(cx, y, cx, y + BAR - 1);
                        g.setStroke(new BasicStroke(1f));
                    }
                    g.setColor(Color.DARK_GRAY);
                    String text = Format.gflops(r.gflops()) + "  (" + Format.time(r.seconds())
                            + (Double.isFinite(r.percentOfCeiling()) ? ", " + Format.percent(r.percentOfCeiling())
                            + " of ceiling" : "") + ")";
                    int tx = Math.max(barEnd, Double.isFinite(r.ceilingGflops()) ? axis.x(r.ceilingGflops()) : 0) + 6;
                    g.drawString(text, tx, y + BAR - 3);
                    y += BAR;
                }
                y += GROUP_GAP;
            }
            if (rows.isEmpty()) {
                g.setColor(Color.BLACK);
                g.drawString("no results", x0, TOP + 30);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    private static String tick(double v) {
        if (v >= 1) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, "%s", v).replaceAll("0+$", "");
    }

    /** Log-scale x axis from 10^lo to 10^hi. */
    private record Axis(int lo, int hi, int x0, int x1) {
        int x(double value) {
            double t = (Math.log10(value) - lo) / (hi - lo);
            return x0 + (int) Math.round(Math.max(0, Math.min(1, t)) * (x1 - x0));
        }
    }
}
