package dev.softsilhouette.cuda.engine;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

/**
 * The device computes s_p in class-sorted row order (doubles, {@code row_silhouettes}); the caller gets them in its
 * own row order. Both bindings hand them over here, once the call's last synchronisation has succeeded.
 */
public final class SortedSilhouettes {
    private SortedSilhouettes() {
    }

    /**
     * {@code out[i] = (float) sorted[positions[i]]} for every row i of the caller (when {@code out} is not null).
     *
     * @param positions each caller row's place in class-sorted order ({@code PreparedBatch.sortedPositions()})
     * @return {@code sum_i s_i}, added in the caller's row order (the same order on every call)
     */
    public static double writeBack(MemorySegment sorted, int[] positions, MemorySegment out) {
        double total = 0.0;
        for (int i = 0; i < positions.length; i++) {
            double s = sorted.getAtIndex(JAVA_DOUBLE, positions[i]);
            total += s;
            if (out != null) {
                out.setAtIndex(JAVA_FLOAT_UNALIGNED, i, (float) s);
            }
        }
        return total;
    }
}
