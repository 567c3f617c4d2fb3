package dev.softsilhouette.spark;

import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The two input columns of an evaluation and how a row of them becomes float32 values and a label: features as a
 * Spark ML vector (dense or sparse), {@code array<float>} or {@code array<double>}; labels from any integral or
 * floating column whose values are whole numbers in {@code [0, 2^31 - 1)} (what Spark's clustering models predict).
 * Reads Catalyst's {@link InternalRow}s of the data set (the two columns at their ordinals there) without building
 * Spark SQL rows.
 * Every bad value is an {@link IllegalArgumentException} naming the column and the row.
 */
final class InputColumns implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Catalyst's layout of {@link VectorUDT}: struct(type: byte 0 sparse / 1 dense, size, indices, values). */
    private static final int VECTOR_FIELDS = 4;

    private enum Features { VECTOR, FLOAT_ARRAY, DOUBLE_ARRAY }

    private enum Labels { BYTE, SHORT, INT, LONG, FLOAT, DOUBLE }

    private final String featuresColumn;
    private final String predictionColumn;
    private final Features features;
    private final Labels labels;
    private final int featuresOrdinal;
    private final int labelOrdinal;

    private InputColumns(String featuresColumn, String predictionColumn, Features features, Labels labels,
                         int featuresOrdinal, int labelOrdinal) {
        this.featuresColumn = featuresColumn;
        this.predictionColumn = predictionColumn;
        this.features = features;
        this.labels = labels;
        this.featuresOrdinal = featuresOrdinal;
        this.labelOrdinal = labelOrdinal;
    }

    /** Checks that both columns exist with a supported type; rows are read at the columns' ordinals in
     * {@code schema}. */
    static InputColumns of(StructType schema, String featuresColumn, String predictionColumn) {
        DataType f = field(schema, featuresColumn, "featuresCol").dataType();
        Features features;
        if (f instanceof VectorUDT) {
            features = Features.VECTOR;
        } else if (f instanceof ArrayType a && a.elementType().equals(DataTypes.FloatType)) {
            features = Features.FLOAT_ARRAY;
        } else if (f instanceof ArrayType a && a.elementType().equals(DataTypes.DoubleType)) {
            features = Features.DOUBLE_ARRAY;
        } else {
            throw new IllegalArgumentException("featuresCol \"" + featuresColumn + "\": type " + f.simpleString()
                    + "; expected a Spark ML vector, array<float> or array<double>");
        }
        DataType p = field(schema, predictionColumn, "predictionCol").dataType();
        Labels labels;
        if (p.equals(DataTypes.ByteType)) {
            labels = Labels.BYTE;
        } else if (p.equals(DataTypes.ShortType)) {
            labels = Labels.SHORT;
        } else if (p.equals(DataTypes.IntegerType)) {
            labels = Labels.INT;
        } else if (p.equals(DataTypes.LongType)) {
            labels = Labels.LONG;
        } else if (p.equals(DataTypes.FloatType)) {
            labels = Labels.FLOAT;
        } else if (p.equals(DataTypes.DoubleType)) {
            labels = Labels.DOUBLE;
        } else {
            throw new IllegalArgumentException("predictionCol \"" + predictionColumn + "\": type " + p.simpleString()
                    + "; expected an integral or floating-point column of cluster ids");
        }
        return new InputColumns(featuresColumn, predictionColumn, features, labels, schema.fieldIndex(featuresColumn),
                schema.fieldIndex(predictionColumn));
    }

    private static StructField field(StructType schema, String name, String param) {
        if (!Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new IllegalArgumentException(param + " \"" + name + "\": no such column; the data set has "
                    + Arrays.toString(schema.fieldNames()));
        }
        return schema.apply(name);
    }

    /** The number of features of a row (for a sparse vector its size). */
    int dims(InternalRow row, RowPosition at) {
        requireFeatures(row, at);
        return switch (features) {
            case VECTOR -> {
                InternalRow v = row.getStruct(featuresOrdinal, VECTOR_FIELDS);
                yield v.getByte(0) == 1 ? v.getArray(3).numElements() : v.getInt(1);
            }
            case FLOAT_ARRAY, DOUBLE_ARRAY -> row.getArray(featuresOrdinal).numElements();
        };
    }

    /**
     * Writes the row's {@code dims} features at {@code into[offset..]} as float32; each must be finite there.
     *
     * @param dimsFrom the row {@code dims} was read from, for the message when this row has another number
     */
    void readFeatures(InternalRow row, RowPosition at, int dims, String dimsFrom, float[] into, int offset) {
        int n = dims(row, at);
        if (n != dims) {
            throw differentDims(at, n, dimsFrom, dims);
        }
        switch (features) {
            case VECTOR -> {
                InternalRow v = row.getStruct(featuresOrdinal, VECTOR_FIELDS);
                ArrayData values = v.getArray(3);
                if (v.getByte(0) == 1) {
                    for (int t = 0; t < n; t++) {
                        into[offset + t] = toFloat(values.getDouble(t), t, at);
                    }
                } else {
                    Arrays.fill(into, offset, offset + n, 0f);
                    ArrayData indices = v.getArray(2);
                    for (int e = 0, nnz = values.numElements(); e < nnz; e++) {
                        int t = indices.getInt(e);
                        into[offset + t] = toFloat(values.getDouble(e), t, at);
                    }
                }
            }
            case FLOAT_ARRAY -> {
                ArrayData values = row.getArray(featuresOrdinal);
                for (int t = 0; t < n; t++) {
                    requireElement(values, t, at);
                    into[offset + t] = toFloat(values.getFloat(t), t, at);
                }
            }
            case DOUBLE_ARRAY -> {
                ArrayData values = row.getArray(featuresOrdinal);
                for (int t = 0; t < n; t++) {
                    requireElement(values, t, at);
                    into[offset + t] = toFloat(values.getDouble(t), t, at);
                }
            }
        }
    }

    /** The row's label, a whole number in {@code [0, 2^31 - 1)}. */
    int readLabel(InternalRow row, RowPosition at) {
        if (row.isNullAt(labelOrdinal)) {
            throw new IllegalArgumentException("predictionCol \"" + predictionColumn + "\": " + at + " is null");
        }
        double value = switch (labels) {
            case BYTE -> row.getByte(labelOrdinal);
            case SHORT -> row.getShort(labelOrdinal);
            case INT -> row.getInt(labelOrdinal);
            case LONG -> row.getLong(labelOrdinal);
            case FLOAT -> row.getFloat(labelOrdinal);
            case DOUBLE -> row.getDouble(labelOrdinal);
        };
        if (!(value >= 0 && value < Integer.MAX_VALUE) || value != Math.rint(value)) {
            throw new IllegalArgumentException("predictionCol \"" + predictionColumn + "\": " + at + " is " + value
                    + "; cluster ids must be whole numbers in [0, " + Integer.MAX_VALUE + ")");
        }
        return (int) value;
    }

    String featuresColumn() {
        return featuresColumn;
    }

    /** A row with {@code n} features where {@code dimsFrom} (say "the first row of the data set") had {@code dims}. */
    IllegalArgumentException differentDims(RowPosition at, int n, String dimsFrom, int dims) {
        return new IllegalArgumentException("featuresCol \"" + featuresColumn + "\": " + at + " has " + n
                + " features, " + dimsFrom + " " + dims + "; every row needs the same number");
    }

    /** A row whose features are empty. */
    IllegalArgumentException noFeatures(RowPosition at) {
        return new IllegalArgumentException("featuresCol \"" + featuresColumn + "\": " + at + " has no features");
    }

    String predictionColumn() {
        return predictionColumn;
    }

    private void requireFeatures(InternalRow row, RowPosition at) {
        if (row.isNullAt(featuresOrdinal)) {
            throw new IllegalArgumentException("featuresCol \"" + featuresColumn + "\": " + at + " is null");
        }
    }

    private void requireElement(ArrayData values, int t, RowPosition at) {
        if (values.isNullAt(t)) {
            throw new IllegalArgumentException("featuresCol \"" + featuresColumn + "\": " + at + " holds null at "
                    + "index " + t);
        }
    }

    private float toFloat(double value, int index, RowPosition at) {
        float f = (float) value;
        if (!Float.isFinite(f)) {
            throw new IllegalArgumentException("featuresCol \"" + featuresColumn + "\": " + at + " holds " + value
                    + " at index " + index + (Double.isFinite(value) ? " (beyond the float32 range)" : "")
                    + "; every feature must be finite");
        }
        return f;
    }
}
