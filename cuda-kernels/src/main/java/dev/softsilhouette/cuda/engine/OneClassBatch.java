package dev.softsilhouette.cuda.engine;

import java.lang.foreign.MemorySegment;

/**
 * A batch with one class present (SPEC 3): every s_i is 0 by convention, so the loss is constant and its gradient
 * is 0 whatever X holds. Both GPU bindings answer it on the host, before any device work (no workspace, no stream,
 * no transfer), as the CPU backend does.
 */
public final class OneClassBatch {
    private OneClassBatch() {
    }

    /** Whether a batch of {@code classCount} classes is answered here. */
    public static boolean applies(int classCount) {
        return classCount < 2;
    }

    /**
     * Writes the answer: {@code rows} zero silhouettes and a {@code rows x dims} zero gradient, into whichever
     * outputs are given (may be null).
     *
     * @return {@code sum_i s_i}, 0
     */
    public static double answer(int rows, int dims, MemorySegment silhouettesOut, MemorySegment gradientOut) {
        if (silhouettesOut != null) {
            silhouettesOut.asSlice(0, (long) rows * Float.BYTES).fill((byte) 0);
        }
        if (gradientOut != null) {
            gradientOut.asSlice(0, (long) rows * dims * Float.BYTES).fill((byte) 0);
        }
        return 0.0;
    }
}
