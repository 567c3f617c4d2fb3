package dev.softsilhouette.cli.io;

/** A row-major float32 matrix: {@code rows} rows of {@code cols} values. */
public record Matrix(float[] values, int rows, int cols) {
    public Matrix {
        if ((long) rows * cols != values.length) {
            throw new IllegalArgumentException(rows + " x " + cols + " does not match " + values.length + " values");
        }
    }
}
