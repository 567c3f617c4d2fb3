package dev.softsilhouette.cli.io;

import dev.softsilhouette.Floats;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Embeddings read in place from a memory-mapped {@code .npy} (float32 or float64, shape (n, d)), a block of rows at
 * a time: nothing of size n*d is ever on the heap. Float32 data in the platform's byte order is viewed as it is;
 * anything else is converted block by block into a caller's buffer. Thread-safe for reading; closing unmaps.
 */
public final class MappedEmbeddings implements AutoCloseable {
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT_BE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfDouble DOUBLE_LE =
            ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble DOUBLE_BE =
            ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final MappedNpy npy;
    private final int rows;
    private final int cols;
    private final boolean inPlace;

    private MappedEmbeddings(MappedNpy npy, int rows, int cols) {
        this.npy = npy;
        this.rows = rows;
        this.cols = cols;
        this.inPlace = npy.header.type() == NpyType.FLOAT32 && npy.header.order() == ByteOrder.nativeOrder();
    }

    /** Maps the file and checks its type and shape (as {@link Inputs#embeddings} does); values are checked by block. */
    public static MappedEmbeddings open(Path file) {
        MappedNpy npy = MappedNpy.open(file);
        try {
            long[] shape = Inputs.checkEmbeddingArray(file, npy.header.type(), npy.header.shape());
            if (shape[0] > Integer.MAX_VALUE - 8) {
                throw new dev.softsilhouette.cli.UsageException(file + ": " + shape[0] + " rows; at most "
                        + (Integer.MAX_VALUE - 8));
            }
            return new MappedEmbeddings(npy, (int) shape[0], (int) shape[1]);
        } catch (RuntimeException e) {
            npy.close();
            throw e;
        }
    }

    public Path file() {
        return npy.file;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Whether blocks are views of the mapping (float32 in native order) rather than converted copies. */
    public boolean inPlace() {
        return inPlace;
    }

    /**
     * Rows {@code from .. from+count-1}: a view of the mapping, or (other types and byte orders) converted into
     * {@code scratch}, which must hold {@code count * cols} floats.
     */
    public Floats block(int from, int count, float[] scratch) {
        long offset = (long) from * cols;
        long values = (long) count * cols;
        if (inPlace) {
            return Floats.of(npy.data.asSlice(offset * Float.BYTES, values * Float.BYTES));
        }
        for (int i = 0; i < values; i++) {
            scratch[i] = (float) value(offset + i);
        }
        return Floats.of(scratch);
    }

    /**
     * Checks that rows {@code from .. from+count-1} are finite float32 values, naming the file and the row of the
     * whole file as {@link Inputs#embeddings} does.
     */
    public void checkFinite(int from, int count) {
        long offset = (long) from * cols;
        long end = offset + (long) count * cols;
        for (long i = offset; i < end; i++) {
            double v = value(i);
            Inputs.checkFiniteFloat(npy.file, v, i / cols, (int) (i % cols));
        }
    }

    private double value(long index) {
        MemorySegment data = npy.data;
        boolean little = npy.header.order() == ByteOrder.LITTLE_ENDIAN;
        return npy.header.type() == NpyType.FLOAT32
                ? data.getAtIndex(little ? FLOAT_LE : FLOAT_BE, index)
                : data.getAtIndex(little ? DOUBLE_LE : DOUBLE_BE, index);
    }

    @Override
    public void close() {
        npy.close();
    }
}
