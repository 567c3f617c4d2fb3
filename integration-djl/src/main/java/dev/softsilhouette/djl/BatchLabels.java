package dev.softsilhouette.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.softsilhouette.Ints;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The class labels of a batch as the API's int32 view: int32 class indices are read in place, int64 and integral
 * float indices and one-hot rows are converted to N ints. Checks here are those only the NDArray form has (shape,
 * type, integral values, one-hot rows); the API checks the rest (negative labels) and names them.
 */
final class BatchLabels {
    private final MemorySegment values;

    private BatchLabels(MemorySegment values) {
        this.values = values;
    }

    /** The labels of {@code n} embeddings of shape {@code embeddingsShape}, from {@code y}. */
    static BatchLabels read(NDArray y, int n, Shape embeddingsShape) {
        Shape shape = y.getShape();
        DataType type = y.getDataType();
        boolean indices = shape.dimension() == 1 || (shape.dimension() == 2 && shape.get(1) == 1);
        boolean oneHot = shape.dimension() == 2 && shape.get(1) > 1;
        if (!indices && !oneHot) {
            throw new IllegalArgumentException("labels: expected class indices of shape (N) or (N, 1), or one-hot "
                    + "rows (N, K), got shape " + shape);
        }
        if (shape.get(0) != n) {
            throw new IllegalArgumentException("labels: shape " + shape + " has " + shape.get(0) + " rows but the "
                    + "embeddings, shape " + embeddingsShape + ", have " + n);
        }
        if (!type.isFloating() && !type.isInteger()) {
            throw new IllegalArgumentException("labels: data type " + type + " (shape " + shape + ") is not a "
                    + "number type");
        }
        if (oneHot) {
            return new BatchLabels(MemorySegment.ofArray(oneHotClasses(y.toType(DataType.FLOAT64, false)
                    .toDoubleArray(), n, Math.toIntExact(shape.get(1)), shape)));
        }
        switch (type) {
            case INT32:
                return new BatchLabels(MemorySegment.ofBuffer(y.toByteBuffer(true)));
            case INT64: {
                long[] v = y.toLongArray();
                int[] c = new int[n];
                for (int i = 0; i < n; i++) {
                    if (v[i] > Integer.MAX_VALUE || v[i] < Integer.MIN_VALUE) {
                        throw new IllegalArgumentException("labels: value " + v[i] + " at index " + i + " (shape "
                                + shape + ") does not fit a class index (int32)");
                    }
                    c[i] = (int) v[i];
                }
                return new BatchLabels(MemorySegment.ofArray(c));
            }
            default: {
                double[] v = y.toType(DataType.FLOAT64, false).toDoubleArray();
                int[] c = new int[n];
                for (int i = 0; i < n; i++) {
                    if (v[i] != Math.rint(v[i]) || Math.abs(v[i]) > Integer.MAX_VALUE) {
                        throw new IllegalArgumentException("labels: value " + v[i] + " at index " + i + " (shape "
                                + shape + ", " + type + ") is not a class index");
                    }
                    c[i] = (int) v[i];
                }
                return new BatchLabels(MemorySegment.ofArray(c));
            }
        }
    }

    /** The class of each one-hot row: the column holding the single 1; every other entry must be 0. */
    private static int[] oneHotClasses(double[] rows, int n, int k, Shape shape) {
        int[] c = new int[n];
        for (int i = 0; i < n; i++) {
            int hot = -1;
            for (int j = 0; j < k; j++) {
                double v = rows[i * k + j];
                if (v == 1.0 && hot < 0) {
                    hot = j;
                } else if (v != 0.0) {
                    hot = -2;
                    break;
                }
            }
            if (hot < 0) {
                throw new IllegalArgumentException("labels: row " + i + " of the one-hot labels (shape " + shape
                        + ") is not one 1 and zeros elsewhere");
            }
            c[i] = hot;
        }
        return c;
    }

    Ints ints() {
        return Ints.of(values);
    }

    int[] toIntArray() {
        return values.toArray(ValueLayout.JAVA_INT);
    }
}
