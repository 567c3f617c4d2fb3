package dev.softsilhouette.cuda.engine.blocks;

import java.util.Arrays;

/**
 * A block's rows in class order and the segments the tile kernel works on: each class run cut into pieces of at
 * most {@code length} rows, so that a segment holds one class. The tables are grown to the largest block seen and
 * reused, so that a warmed workspace plans a tile without allocating (hot paths allocate nothing in steady state);
 * after each {@link #plan} only the leading entries each accessor names are meaningful. Not thread-safe.
 */
final class ClassSegments {
    private final int length;
    private int[] order = new int[0];
    private int[] starts = new int[1];
    private int[] classFirst = new int[1];
    private int[] next = new int[0];
    private int count;

    /** Segments of at most {@code length} rows. */
    ClassSegments(int length) {
        this.length = length;
    }

    /** Plans the block of {@code rows} rows with these {@code classes} (indices below {@code classCount}). */
    void plan(int[] classes, int rows, int classCount) {
        if (order.length < rows) {
            order = new int[rows];
        }
        if (next.length < classCount) {
            next = new int[classCount];
            classFirst = new int[classCount + 1];
        }
        // counts first (in next), then the first position of each class
        Arrays.fill(next, 0, classCount, 0);
        for (int i = 0; i < rows; i++) {
            next[classes[i]]++;
        }
        int segments = 0;
        for (int k = 0; k < classCount; k++) {
            classFirst[k] = segments;
            segments += (next[k] + length - 1) / length;
        }
        classFirst[classCount] = segments;
        if (starts.length < segments + 1) {
            starts = new int[segments + 1];
        }
        int position = 0;
        int s = 0;
        for (int k = 0; k < classCount; k++) {
            int size = next[k];
            for (int from = 0; from < size; from += length) {
                starts[s++] = position + from;
            }
            next[k] = position;
            position += size;
        }
        starts[segments] = rows;
        for (int i = 0; i < rows; i++) {
            order[next[classes[i]]++] = i; // a stable counting sort: rows of one class keep their order
        }
        count = segments;
    }

    /** Position in class order to the block's row (the first {@code rows} entries). */
    int[] order() {
        return order;
    }

    /** The first position of each segment, then the end ({@code count() + 1} entries). */
    int[] starts() {
        return starts;
    }

    /** The number of segments. */
    int count() {
        return count;
    }

    /**
     * For each class index k, its first segment; entry {@code K} is {@link #count()} (a class absent from the block
     * has no segments: {@code classFirst[k] == classFirst[k+1]}); {@code K + 1} entries.
     */
    int[] classFirst() {
        return classFirst;
    }
}
