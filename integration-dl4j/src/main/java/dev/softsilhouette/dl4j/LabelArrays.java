package dev.softsilhouette.dl4j;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's label and mask arrays read as what the API takes: a class index per row, and the rows a mask keeps. The
 * API validates the indices themselves (non-negative); this class checks what only an INDArray can get wrong
 * (rank, row count, one-hot rows, whole numbers, 0/1 masks) and names the array and its shape.
 */
final class LabelArrays {
    private LabelArrays() {
    }

    /** One-hot {@code [N, K]} (K >= 2) or indices {@code [N, 1]} / {@code [N]}: the class of each row. */
    static int[] classIndices(INDArray labels, int n) {
        if (labels == null) {
            throw new IllegalArgumentException("LossSoftSilhouette: labels are null; give one-hot [N, K] or class "
                    + "indices [N, 1]");
        }
        long[] shape = labels.shape();
        boolean indices = labels.rank() == 1 || (labels.rank() == 2 && shape[1] == 1);
        if (!(indices || labels.rank() == 2) || shape[0] != n) {
            throw new IllegalArgumentException("LossSoftSilhouette: labels " + LossSoftSilhouette.shape(shape)
                    + " must be one-hot [N, K] or class indices [N, 1] with N = " + n + " rows, as preOutput");
        }
        int[] classes = new int[n];
        if (indices) {
            double[] values = labels.castTo(DataType.DOUBLE).reshape(n).toDoubleVector();
            for (int i = 0; i < n; i++) {
                double v = values[i];
                if (v != Math.rint(v) || v < 0 || v > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("LossSoftSilhouette: labels " + LossSoftSilhouette.shape(shape)
                            + ": row " + i + " is " + v + "; class indices are whole numbers in [0, 2^31 - 1]");
                }
                classes[i] = (int) v;
            }
            return classes;
        }
        double[][] rows = labels.castTo(DataType.DOUBLE).toDoubleMatrix();
        for (int i = 0; i < n; i++) {
            int hot = -1;
            for (int k = 0; k < rows[i].length; k++) {
                double v = rows[i][k];
                if (v == 1.0 && hot < 0) {
                    hot = k;
                } else if (v != 0.0) {
                    hot = -2;
                    break;
                }
            }
            if (hot < 0) {
                throw new IllegalArgumentException("LossSoftSilhouette: labels " + LossSoftSilhouette.shape(shape)
                        + ": row " + i + " is not one-hot (one 1, every other value 0)");
            }
            classes[i] = hot;
        }
        return classes;
    }

    /** The rows a per-example 0/1 mask ({@code [N, 1]} or {@code [N]}) keeps, in order; every row when null. */
    static int[] keptRows(INDArray mask, int n) {
        if (mask == null) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            return all;
        }
        long[] shape = mask.shape();
        boolean perExample = (mask.rank() == 1 || (mask.rank() == 2 && shape[1] == 1)) && shape[0] == n;
        if (!perExample) {
            throw new IllegalArgumentException("LossSoftSilhouette: mask " + LossSoftSilhouette.shape(shape)
                    + " must be per example, [N, 1] with N = " + n + "; a silhouette has no per-output mask");
        }
        double[] values = mask.castTo(DataType.DOUBLE).reshape(n).toDoubleVector();
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (values[i] != 0.0 && values[i] != 1.0) {
                throw new IllegalArgumentException("LossSoftSilhouette: mask " + LossSoftSilhouette.shape(shape)
                        + ": row " + i + " is " + values[i] + "; the mask keeps (1) or leaves out (0) a row");
            }
            count += values[i] == 1.0 ? 1 : 0;
        }
        int[] kept = new int[count];
        int r = 0;
        for (int i = 0; i < n; i++) {
            if (values[i] == 1.0) {
                kept[r++] = i;
            }
        }
        return kept;
    }
}
