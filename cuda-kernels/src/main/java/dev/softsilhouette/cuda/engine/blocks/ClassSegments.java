package dev.softsilhouette.cuda.engine.blocks;

/**
 * A block's rows in class order and the segments the tile kernel works on: each class run cut into pieces of at
 * most {@code length} rows, so that a segment holds one class.
 *
 * @param order      position in class order to the block's row (a stable counting sort: rows of one class keep
 *                   their order)
 * @param starts     the first position of each segment, then the end ({@code count + 1} entries used)
 * @param count      the number of segments
 * @param classFirst for each class index k, its first segment; {@code classFirst[K]} = {@code count} (a class
 *                   absent from the block has no segments: {@code classFirst[k] == classFirst[k+1]})
 */
record ClassSegments(int[] order, int[] starts, int count, int[] classFirst) {

    static ClassSegments of(int[] classes, int rows, int classCount, int length) {
        int[] size = new int[classCount];
        for (int i = 0; i < rows; i++) {
            size[classes[i]]++;
        }
        int[] next = new int[classCount];
        int[] classFirst = new int[classCount + 1];
        int position = 0;
        int segments = 0;
        for (int k = 0; k < classCount; k++) {
            next[k] = position;
            position += size[k];
            classFirst[k] = segments;
            segments += (size[k] + length - 1) / length;
        }
        classFirst[classCount] = segments;
        int[] order = new int[rows];
        for (int i = 0; i < rows; i++) {
            order[next[classes[i]]++] = i;
        }
        int[] starts = new int[segments + 1];
        int s = 0;
        position = 0;
        for (int k = 0; k < classCount; k++) {
            for (int from = 0; from < size[k]; from += length) {
                starts[s++] = position + from;
            }
            position += size[k];
        }
        starts[segments] = rows;
        return new ClassSegments(order, starts, segments, classFirst);
    }
}
