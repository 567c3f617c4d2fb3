package dev.softsilhouette.cuda.engine;

import dev.softsilhouette.spi.DeviceBatch;
import dev.softsilhouette.spi.PreparedBatch;

import java.lang.foreign.MemorySegment;

/**
 * Where one call's embeddings come from and its gradient goes, for the strategies, which are the same otherwise:
 * host memory, staged through the workspace's pinned memory and copied to and from its device memory; or GPU memory
 * of the caller (a {@link DeviceBatch}), read and written where it is, ordered with the caller's stream
 * ({@link ResidentEmbeddings}).
 *
 * @param hostEmbeddings   N*D floats in host memory, or null when resident
 * @param deviceEmbeddings the device address of the N*D floats when resident, else 0
 * @param hostGradient     N*D floats in host memory to overwrite, or null (resident, or no gradient)
 * @param deviceGradient   the device address of the N*D floats to overwrite when resident, else 0 (also: no gradient)
 * @param stream           the caller's {@code CUstream} when resident (0: the legacy default stream)
 */
public record Operands(MemorySegment hostEmbeddings, long deviceEmbeddings, MemorySegment hostGradient,
                       long deviceGradient, long stream) {

    /** A host batch: X staged and uploaded, the gradient downloaded and copied out after the last synchronisation. */
    public static Operands host(PreparedBatch batch, MemorySegment gradientOut) {
        return new Operands(batch.embeddings(), 0L, gradientOut, 0L, 0L);
    }

    /** A GPU-resident batch: X read in place, the gradient (0: none) written in place. */
    public static Operands resident(DeviceBatch batch, long gradientOut) {
        return new Operands(null, batch.embeddings(), null, gradientOut, batch.stream());
    }

    /** Whether X and the gradient are the caller's GPU memory. */
    public boolean resident() {
        return hostEmbeddings == null;
    }

    /** Whether the call computes a gradient. */
    public boolean gradient() {
        return hostGradient != null || deviceGradient != 0L;
    }
}
