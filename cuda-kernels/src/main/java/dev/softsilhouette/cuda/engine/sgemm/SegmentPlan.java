package dev.softsilhouette.cuda.engine.sgemm;

/**
 * For each column block of a {@link GramChunkPlan}, the class runs it intersects cut into segments of at most
 * {@link #MAX_SEGMENT} columns: the unit of work of {@code ffm_block_segment_sums} (one thread per row and
 * segment, so a large class does not serialise one thread). {@code ffm_reduce_segments} then adds, for each row and
 * class, the segments of that class in order.
 *
 * <p>Everything lives in one int table ({@link #table()}), uploaded once per call:
 * {@code [segStart..., segEnd..., classSegFirst...]}; the per-block views are offsets into it.
 */
public final class SegmentPlan {
    /** Longest segment: bounds the serial loop of one thread. */
    public static final int MAX_SEGMENT = 64;

    private final int[] table;
    private final int segmentTotal;
    private final int[] blockSegmentFirst; // per block (+1): first segment index
    private final int[] blockClassFirst;   // per block: first class intersecting it
    private final int[] blockClassCount;   // per block: classes intersecting it
    private final int[] blockClassBase;    // per block: where its classSegFirst entries start (in that part)

    private SegmentPlan(int[] table, int segmentTotal, int[] blockSegmentFirst, int[] blockClassFirst,
                        int[] blockClassCount, int[] blockClassBase) {
        this.table = table;
        this.segmentTotal = segmentTotal;
        this.blockSegmentFirst = blockSegmentFirst;
        this.blockClassFirst = blockClassFirst;
        this.blockClassCount = blockClassCount;
        this.blockClassBase = blockClassBase;
    }

    /**
     * Plans the segments of every column block.
     *
     * @param plan         the blocks
     * @param classOffsets class boundaries in class-sorted order (length K+1, increasing, every class non-empty)
     */
    public static SegmentPlan of(GramChunkPlan plan, int[] classOffsets) {
        int blocks = plan.blockCount();
        int classes = classOffsets.length - 1;
        int[] segFirst = new int[blocks + 1];
        int[] classFirst = new int[blocks];
        int[] classCount = new int[blocks];
        int[] classBase = new int[blocks + 1];
        // First pass: sizes.
        int segTotal = 0;
        int classEntries = 0;
        int k = 0;
        for (int b = 0; b < blocks; b++) {
            int j0 = plan.blockStart(b);
            int j1 = j0 + plan.blockLength(b);
            while (classOffsets[k + 1] <= j0) {
                k++;
            }
            classFirst[b] = k;
            segFirst[b] = segTotal;
            classBase[b] = classEntries;
            int c = k;
            while (c < classes && classOffsets[c] < j1) {
                int run = Math.min(classOffsets[c + 1], j1) - Math.max(classOffsets[c], j0);
                segTotal += (run + MAX_SEGMENT - 1) / MAX_SEGMENT;
                c++;
            }
            classCount[b] = c - k;
            classEntries += classCount[b] + 1;
        }
        segFirst[blocks] = segTotal;
        classBase[blocks] = classEntries;

        int[] table = new int[2 * segTotal + classEntries];
        int s = 0;
        for (int b = 0; b < blocks; b++) {
            int j0 = plan.blockStart(b);
            int j1 = j0 + plan.blockLength(b);
            int base = 2 * segTotal + classBase[b];
            for (int i = 0; i < classCount[b]; i++) {
                int c = classFirst[b] + i;
                table[base + i] = s - segFirst[b];
                int start = Math.max(classOffsets[c], j0);
                int end = Math.min(classOffsets[c + 1], j1);
                for (int from = start; from < end; from += MAX_SEGMENT) {
                    table[s] = from;
                    table[segTotal + s] = Math.min(end, from + MAX_SEGMENT);
                    s++;
                }
            }
            table[base + classCount[b]] = s - segFirst[b];
        }
        return new SegmentPlan(table, segTotal, segFirst, classFirst, classCount, classBase);
    }

    /** The whole table, to upload. */
    public int[] table() {
        return table;
    }

    /** Segments of column block {@code b}. */
    public int segmentCount(int b) {
        return blockSegmentFirst[b + 1] - blockSegmentFirst[b];
    }

    /** Most segments of any block: sizes the partial-sum buffer. */
    public int maxSegmentCount() {
        int max = 0;
        for (int b = 0; b + 1 < blockSegmentFirst.length; b++) {
            max = Math.max(max, segmentCount(b));
        }
        return max;
    }

    /** Table index of block {@code b}'s first segment start (its segment ends are {@link #segmentEndIndex}). */
    public int segmentStartIndex(int b) {
        return blockSegmentFirst[b];
    }

    /** Table index of block {@code b}'s first segment end. */
    public int segmentEndIndex(int b) {
        return segmentTotal + blockSegmentFirst[b];
    }

    /** Table index of block {@code b}'s {@code classSegFirst} entries (classCount + 1 of them, block-relative). */
    public int classSegmentFirstIndex(int b) {
        return 2 * segmentTotal + blockClassBase[b];
    }

    /** First class intersecting column block {@code b}. */
    public int classFirst(int b) {
        return blockClassFirst[b];
    }

    /** Classes intersecting column block {@code b}. */
    public int classCount(int b) {
        return blockClassCount[b];
    }
}
