package dev.softsilhouette.cli.demo;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The demo's figure, drawn with Java2D (headless): on top the test embeddings of both models projected to 2-D by
 * PCA and coloured by class, below the training curves of the first seed (training cross-entropy, soft silhouette
 * loss of the training batches, held-out accuracy), both models on each.
 */
final class DemoPlot {
    private static final int WIDTH = 1500;
    private static final int HEIGHT = 1040;
    /** Matplotlib's tab10, so the colours look familiar. */
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
            new Color(0xbcbd22), new Color(0x17becf)};
    private static final Color BASELINE = new Color(0x555555);
    private static final Color WITH_SILHOUETTE = new Color(0xd62728);
    private static final Color GRID = new Color(0xe6e6e6);

    private DemoPlot() {
    }

    /** What one scatter panel shows. */
    record Panel(String title, String subtitle, double[] points, int[] labels) {
    }

    /** One training curve per model. */
    record Curve(String title, String yLabel, double[] baseline, double[] withSilhouette, boolean percent) {
    }

    static void write(Path file, String heading, String footer, String[] classNames, Panel left, Panel right,
                      Curve[] curves, String baselineName, String silhouetteName) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
            g.drawString(heading, 30, 34);

            int scatterTop = 60;
            int scatterSize = 560;
            scatter(g, 30, scatterTop, 600, scatterSize, left);
            scatter(g, 660, scatterTop, 600, scatterSize, right);
            classLegend(g, 1290, scatterTop + 40, classNames);

            int curveTop = scatterTop + scatterSize + 40;
            int curveWidth = (WIDTH - 60 - 2 * 40) / 3;
            for (int i = 0; i < curves.length && i < 3; i++) {
                chart(g, 30 + i * (curveWidth + 40), curveTop, curveWidth, 300, curves[i]);
            }
            int legendY = curveTop + 300 + 24;
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
            g.setStroke(new BasicStroke(2.5f));
            g.setColor(BASELINE);
            g.draw(new Line2D.Double(30, legendY - 5, 60, legendY - 5));
            g.setColor(Color.BLACK);
            g.drawString(baselineName, 68, legendY);
            int x2 = 68 + g.getFontMetrics().stringWidth(baselineName) + 40;
            g.setColor(WITH_SILHOUETTE);
            g.draw(new Line2D.Double(x2, legendY - 5, x2 + 30, legendY - 5));
            g.setColor(Color.BLACK);
            g.drawString(silhouetteName, x2 + 38, legendY);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.setColor(new Color(0x444444));
            g.drawString(footer, 30, HEIGHT - 14);
        } finally {
            g.dispose();
        }
        String format = formatOf(file);
        if (!ImageIO.write(image, format, file.toFile())) {
            throw new IOException("no " + format + " writer available");
        }
    }

    /**
     * The image format the file name asks for: {@code png}, or {@code jpeg} for {@code .jpg}/{@code .jpeg}.
     *
     * @throws IllegalArgumentException for any other name, saying which names work
     */
    static String formatOf(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".png")) {
            return "png";
        }
        if (name.endsWith(".jpg") || name.endsWith(".jpeg")) {
            return "jpeg";
        }
        throw new IllegalArgumentException("the plot is written as PNG or JPEG; name it .png or .jpg");
    }

    private static void scatter(Graphics2D g, int x, int y, int w, int h, Panel p) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(p.title(), x, y + 16);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.drawString(p.subtitle(), x, y + 34);
        int top = y + 44;
        int height = h - 44;
        g.setColor(new Color(0xfafafa));
        g.fillRect(x, top, w, height);
        g.setColor(new Color(0x999999));
        g.setStroke(new BasicStroke(1f));
        g.drawRect(x, top, w, height);

        int n = p.labels().length;
        double minX = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            minX = Math.min(minX, p.points()[2 * i]);
            maxX = Math.max(maxX, p.points()[2 * i]);
            minY = Math.min(minY, p.points()[2 * i + 1]);
            maxY = Math.max(maxY, p.points()[2 * i + 1]);
        }
        double spanX = Math.max(maxX - minX, 1e-12);
        double spanY = Math.max(maxY - minY, 1e-12);
        int pad = 14;
        double radius = n > 3000 ? 1.6 : 3.2;
        float alpha = n > 3000 ? 0.45f : 0.8f;
        for (int i = 0; i < n; i++) {
            double px = x + pad + (p.points()[2 * i] - minX) / spanX * (w - 2 * pad);
            double py = top + height - pad - (p.points()[2 * i + 1] - minY) / spanY * (height - 2 * pad);
            Color c = PALETTE[p.labels()[i] % PALETTE.length];
            g.setColor(new Color(c.getRed() / 255f, c.getGreen() / 255f, c.getBlue() / 255f, alpha));
            g.fill(new Ellipse2D.Double(px - radius, py - radius, 2 * radius, 2 * radius));
        }
        g.setColor(new Color(0x666666));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString("PC 1", x + w - 34, top + height + 16);
        Graphics2D r = (Graphics2D) g.create();
        r.rotate(-Math.PI / 2, x - 6, top + 34);
        r.drawString("PC 2", x - 6, top + 34);
        r.dispose();
    }

    private static void classLegend(Graphics2D g, int x, int y, String[] names) {
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.setColor(Color.BLACK);
        g.drawString("class", x, y);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        for (int c = 0; c < names.length; c++) {
            int cy = y + 26 + c * 24;
            g.setColor(PALETTE[c % PALETTE.length]);
            g.fill(new Ellipse2D.Double(x, cy - 10, 12, 12));
            g.setColor(Color.BLACK);
            g.drawString(names[c], x + 20, cy);
        }
    }

    private static void chart(Graphics2D g, int x, int y, int w, int h, Curve curve) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(curve.title(), x, y + 14);
        int left = x + 56;
        int top = y + 26;
        int width = w - 66;
        int height = h - 26 - 36;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        // Accuracy climbs from chance in the first epochs; the comparison is in the rest, so its axis starts there
        // (earlier points leave the chart at the bottom).
        int from = curve.percent() ? curve.baseline().length / 5 : 0;
        for (double[] s : new double[][] {curve.baseline(), curve.withSilhouette()}) {
            for (int i = from; i < s.length; i++) {
                lo = Math.min(lo, s[i]);
                hi = Math.max(hi, s[i]);
            }
        }
        if (hi - lo < 1e-9) {
            hi = lo + 1;
        }
        double margin = 0.05 * (hi - lo);
        boolean nonNegative = lo >= 0;
        lo -= margin;
        hi += margin;
        if (nonNegative) {
            lo = Math.max(lo, 0); // losses and accuracies: no axis below zero
        }
        if (curve.percent()) {
            hi = Math.min(hi, 1);
        }
        int epochs = curve.baseline().length;

        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        FontMetrics fm = g.getFontMetrics();
        g.setStroke(new BasicStroke(1f));
        for (int t = 0; t <= 4; t++) {
            double v = lo + (hi - lo) * t / 4;
            int ty = top + height - (int) Math.round((double) height * t / 4);
            g.setColor(GRID);
            g.drawLine(left, ty, left + width, ty);
            g.setColor(new Color(0x444444));
            String label = curve.percent()
                    ? String.format(Locale.ROOT, hi - lo < 0.02 ? "%.2f%%" : "%.1f%%", 100 * v)
                    : String.format(Locale.ROOT, "%.3f", v);
            g.drawString(label, left - 6 - fm.stringWidth(label), ty + 4);
        }
        int ticks = Math.min(epochs, 5);
        for (int t = 0; t < ticks; t++) {
            int epoch = ticks == 1 ? 1 : 1 + (int) Math.round((epochs - 1) * (double) t / (ticks - 1));
            int tx = xOf(epoch - 1, epochs, left, width);
            g.setColor(new Color(0x444444));
            String label = Integer.toString(epoch);
            g.drawString(label, tx - fm.stringWidth(label) / 2, top + height + 15);
        }
        g.drawString("epoch", left + width / 2 - fm.stringWidth("epoch") / 2, top + height + 30);
        g.setColor(new Color(0x999999));
        g.drawRect(left, top, width, height);
        Graphics2D r = (Graphics2D) g.create();
        r.setColor(new Color(0x444444));
        r.rotate(-Math.PI / 2, x + 10, top + height / 2.0 + fm.stringWidth(curve.yLabel()) / 2.0);
        r.drawString(curve.yLabel(), x + 10, (int) (top + height / 2.0 + fm.stringWidth(curve.yLabel()) / 2.0));
        r.dispose();

        Graphics2D clipped = (Graphics2D) g.create();
        clipped.clipRect(left, top, width + 1, height + 1);
        clipped.setStroke(new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        line(clipped, curve.baseline(), BASELINE, lo, hi, left, top, width, height);
        line(clipped, curve.withSilhouette(), WITH_SILHOUETTE, lo, hi, left, top, width, height);
        clipped.dispose();
    }

    private static void line(Graphics2D g, double[] values, Color color, double lo, double hi, int left, int top,
                             int width, int height) {
        Path2D.Double path = new Path2D.Double();
        for (int i = 0; i < values.length; i++) {
            double px = xOf(i, values.length, left, width);
            double py = top + height - (values[i] - lo) / (hi - lo) * height;
            if (i == 0) {
                path.moveTo(px, py);
            } else {
                path.lineTo(px, py);
            }
        }
        g.setColor(color);
        if (values.length == 1) {
            double py = top + height - (values[0] - lo) / (hi - lo) * height;
            g.fill(new Ellipse2D.Double(left + width / 2.0 - 3, py - 3, 6, 6));
        } else {
            g.draw(path);
        }
    }

    private static int xOf(int index, int count, int left, int width) {
        return count <= 1 ? left + width / 2 : left + (int) Math.round((double) index / (count - 1) * width);
    }
}
