package dev.softsilhouette.cuda.engine;

import dev.softsilhouette.spi.PreparedBatch;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

/** Prepared batches for tests (compact labels, stable class order), as the API layer builds them. */
public final class Batches {
    private Batches() {
    }

    /** Random rows (offset by {@code centre}, spread {@code spread}); labels {@code label[i]} already compact. */
    public static PreparedBatch of(Arena arena, int[] label, int d, long seed, double centre, double spread) {
        int n = label.length;
        int k = 0;
        for (int y : label) {
            k = Math.max(k, y + 1);
        }
        int[] sizes = new int[k];
        for (int y : label) {
            sizes[y]++;
        }
        int[] offsets = new int[k + 1];
        for (int c = 0; c < k; c++) {
            if (sizes[c] == 0) {
                throw new IllegalArgumentException("labels must be compact");
            }
            offsets[c + 1] = offsets[c] + sizes[c];
        }
        int[] cursor = offsets.clone();
        int[] sortedRows = new int[n];
        int[] positions = new int[n];
        for (int i = 0; i < n; i++) {
            int p = cursor[label[i]]++;
            sortedRows[p] = i;
            positions[i] = p;
        }
        Random random = new Random(seed);
        MemorySegment x = arena.allocate((long) n * d * Float.BYTES, 4);
        for (long e = 0; e < (long) n * d; e++) {
            x.setAtIndex(ValueLayout.JAVA_FLOAT, e, (float) (centre + spread * random.nextGaussian()));
        }
        return new PreparedBatch(x, n, d, k, label.clone(), sortedRows, positions, offsets);
    }

    /** Labels: n rows over k classes, shuffled. */
    public static int[] labels(int n, int k, long seed) {
        int[] label = new int[n];
        for (int i = 0; i < n; i++) {
            label[i] = i % k;
        }
        Random random = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = label[i];
            label[i] = label[j];
            label[j] = t;
        }
        return label;
    }

    /** Relabels to 0..K-1 in increasing order of the values present. */
    public static int[] compact(int[] labels) {
        int max = 0;
        for (int y : labels) {
            max = Math.max(max, y);
        }
        int[] map = new int[max + 1];
        java.util.Arrays.fill(map, -1);
        boolean[] present = new boolean[max + 1];
        for (int y : labels) {
            present[y] = true;
        }
        int next = 0;
        for (int v = 0; v <= max; v++) {
            if (present[v]) {
                map[v] = next++;
            }
        }
        int[] out = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            out[i] = map[labels[i]];
        }
        return out;
    }
}
