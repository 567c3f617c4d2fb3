package dev.softsilhouette.bench.report;

import java.util.Locale;

/** How the report writes numbers: a few significant digits, a unit a reader takes in at a glance. */
public final class Format {
    /** What the report writes where a figure does not exist. */
    public static final String NONE = "n/a";

    private Format() {
    }

    /** Seconds as µs, ms or s with 3 to 4 significant digits. */
    public static String time(double seconds) {
        if (!Double.isFinite(seconds)) {
            return NONE;
        }
        if (seconds < 1e-3) {
            return sig(seconds * 1e6) + " µs";
        }
        if (seconds < 1.0) {
            return sig(seconds * 1e3) + " ms";
        }
        return sig(seconds) + " s";
    }

    /** A time and its error as a percentage of it ({@code 12.3 ms ± 1.2%}). */
    public static String timeWithError(double seconds, double error) {
        if (!Double.isFinite(error) || !(seconds > 0)) {
            return time(seconds);
        }
        return time(seconds) + " ± " + String.format(Locale.ROOT, "%.1f%%", 100.0 * error / seconds);
    }

    public static String gflops(double value) {
        return Double.isFinite(value) ? sig(value) : NONE;
    }

    public static String percent(double value) {
        if (!Double.isFinite(value)) {
            return NONE;
        }
        if (value >= 10) {
            return String.format(Locale.ROOT, "%.0f%%", value);
        }
        // Two significant digits below 10%: a slow backend's 0.02% must not read as 0.
        return value >= 1 ? String.format(Locale.ROOT, "%.1f%%", value) : String.format(Locale.ROOT, "%.2g%%", value);
    }

    /** A speed-up factor ({@code 12.3x}). */
    public static String factor(double value) {
        return Double.isFinite(value) ? sig(value) + "x" : NONE;
    }

    /** Bytes as B, KiB or MiB. */
    public static String bytes(double value) {
        if (!Double.isFinite(value)) {
            return NONE;
        }
        if (value < 1024) {
            return String.format(Locale.ROOT, "%.0f B", value);
        }
        if (value < 1024 * 1024) {
            return sig(value / 1024) + " KiB";
        }
        return sig(value / (1024 * 1024)) + " MiB";
    }

    public static String mib(double value) {
        return Double.isFinite(value) ? sig(value) + " MiB" : NONE;
    }

    /** The text cut to at most {@code max} characters, with "…" and a pointer to the full text where cut. */
    public static String abbreviate(String text, int max, String fullTextAt) {
        if (text == null || text.length() <= max) {
            return text;
        }
        return text.substring(0, max) + "… (full text in " + fullTextAt + ")";
    }

    /** 3 significant digits (4 from 1000 up, no exponent). */
    static String sig(double v) {
        double a = Math.abs(v);
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        if (a >= 0.01) {
            return String.format(Locale.ROOT, "%.3f", v);
        }
        return String.format(Locale.ROOT, "%.2g", v);
    }
}
