package dev.softsilhouette.cli.demo;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The figure of {@code demo --compare}: per arm, held-out accuracy, test silhouette and time per epoch, each as a
 * bar (mean) with a +- sd whisker and every seed's value as a dot, drawn with Java2D (headless).
 */
final class ComparePlot {
    private static final int WIDTH = 1500;
    private static final int HEIGHT = 620;
    private static final Color[] ARM_COLOURS = {new Color(0x7f7f7f), new Color(0x1f77b4), new Color(0xd62728),
            new Color(0x9467bd)};

    private ComparePlot() {
    }

    static void write(Path file, Comparison.Results r, String footer) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
            int seeds = r.of(Comparison.Arm.CE).size();
            g.drawString("Hybrid comparison: " + r.data().name() + ", " + seeds + " seeds (bars: mean, whiskers: "
                    + "+- sd, dots: seeds; sil. = soft silhouette, cosine)", 30, 34);
            Comparison.Arm[] arms = Comparison.Arm.values();
            double[][] accuracy = new double[arms.length][];
            double[][] score = new double[arms.length][];
            double[][] millis = new double[arms.length][];
            for (Comparison.Arm arm : arms) {
                accuracy[arm.ordinal()] = scaled(r.accuracies(arm), 100);
                score[arm.ordinal()] = r.scores(arm);
                millis[arm.ordinal()] = scaled(r.secondsPerEpoch(arm), 1000);
            }
            int panelWidth = (WIDTH - 120) / 3;
            panel(g, 40, 70, panelWidth, 420, "held-out top-1 accuracy (%)", accuracy, arms, "%.1f");
            panel(g, 80 + panelWidth, 70, panelWidth, 420, "test silhouette (cosine)", score, arms, "%.2f");
            panel(g, 120 + 2 * panelWidth, 70, panelWidth - 40, 420, "time per epoch (ms)", millis, arms, "%.0f");
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            g.setColor(Color.DARK_GRAY);
            int cut = footer.length() <= 190 ? footer.length() : footer.lastIndexOf(' ', 190);
            g.drawString(footer.substring(0, cut), 30, HEIGHT - 40);
            g.drawString(footer.substring(cut).strip(), 30, HEIGHT - 20);
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(image, DemoPlot.formatOf(file), file.toFile())) {
            throw new IOException("no image writer for " + file);
        }
    }

    private static double[] scaled(double[] v, double factor) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * factor;
        }
        return out;
    }

    private static void panel(Graphics2D g, int x, int y, int w, int h, String title, double[][] values,
                              Comparison.Arm[] arms, String format) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] v : values) {
            for (double a : v) {
                lo = Math.min(lo, a);
                hi = Math.max(hi, a);
            }
        }
        double pad = Math.max((hi - lo) * 0.25, Math.abs(hi) * 0.01 + 1e-9);
        lo -= pad;
        hi += pad;
        boolean nonNegative = true;
        for (double[] v : values) {
            for (double a : v) {
                nonNegative &= a >= 0;
            }
        }
        if (nonNegative && lo < 0 || lo > 0 && lo < (hi - lo)) {
            lo = 0; // near or below zero for values that cannot be negative: start the axis at zero
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.setColor(Color.BLACK);
        g.drawString(title, x, y);
        int top = y + 15;
        int left = x + 55;
        int width = w - 60;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int t = 0; t <= 4; t++) {
            double v = lo + (hi - lo) * t / 4;
            int py = top + h - (int) Math.round(h * (v - lo) / (hi - lo));
            g.setColor(new Color(0xe6e6e6));
            g.draw(new Line2D.Double(left, py, left + width, py));
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, format, v), x, py + 4);
        }
        int slot = width / values.length;
        for (int a = 0; a < values.length; a++) {
            double mean = Comparison.Stats.mean(values[a]);
            double sd = Comparison.Stats.sd(values[a]);
            int cx = left + a * slot + slot / 2;
            int barW = slot / 2;
            int py = yOf(mean, lo, hi, top, h);
            g.setColor(tint(ARM_COLOURS[a % ARM_COLOURS.length]));
            g.fillRect(cx - barW / 2, py, barW, top + h - py);
            g.setColor(ARM_COLOURS[a % ARM_COLOURS.length].darker());
            g.setStroke(new BasicStroke(2f));
            g.draw(new Line2D.Double(cx, yOf(mean - sd, lo, hi, top, h), cx, yOf(mean + sd, lo, hi, top, h)));
            g.draw(new Line2D.Double(cx - 8, yOf(mean - sd, lo, hi, top, h), cx + 8, yOf(mean - sd, lo, hi, top, h)));
            g.draw(new Line2D.Double(cx - 8, yOf(mean + sd, lo, hi, top, h), cx + 8, yOf(mean + sd, lo, hi, top, h)));
            for (int i = 0; i < values[a].length; i++) {
                double dx = (i - (values[a].length - 1) / 2.0) * Math.min(4.0, barW / (double) values[a].length);
                g.fill(new Ellipse2D.Double(cx + dx - 3, yOf(values[a][i], lo, hi, top, h) - 3, 6, 6));
            }
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, format, mean), cx - 16, py - 6);
            String label = arms[a].label.replace(" + ", "+").replace("silhouette", "sil.");
            g.drawString(label, cx - g.getFontMetrics().stringWidth(label) / 2, top + h + 18);
        }
        g.setColor(Color.BLACK);
        g.draw(new Line2D.Double(left, top + h, left + width, top + h));
    }

    private static Color tint(Color c) {
        return new Color((c.getRed() + 2 * 255) / 3, (c.getGreen() + 2 * 255) / 3, (c.getBlue() + 2 * 255) / 3);
    }

    private static int yOf(double v, double lo, double hi, int top, int h) {
        return top + h - (int) Math.round(h * (v - lo) / (hi - lo));
    }
}
