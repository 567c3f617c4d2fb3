package dev.softsilhouette.datasets;

import java.util.Random;

/**
 * What the demo and the framework examples share around a data set besides the data: the batch order of an epoch
 * for a seed (so every example draws the same batches for the same seed) and the summary over seeds.
 */
public final class Seeds {
    private Seeds() {
    }

    /** {@code 0, 1, ..., n-1}: the row order the first epoch shuffles. */
    public static int[] order(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return order;
    }

    /** Fisher-Yates shuffle of {@code order} in place, drawing from {@code random}. */
    public static void shuffle(int[] order, Random random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    public static double mean(double[] values) {
        double s = 0;
        for (double x : values) {
            s += x;
        }
        return s / values.length;
    }

    /** The sample standard deviation (n - 1); 0 for fewer than two values. */
    public static double sd(double[] values) {
        if (values.length < 2) {
            return 0;
        }
        double m = mean(values);
        double s = 0;
        for (double x : values) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (values.length - 1));
    }
}
