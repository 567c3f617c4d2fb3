package dev.softsilhouette.cuda.engine.sgemm;

/**
 * How the EUCLIDEAN pass tiles the N x N Gram matrix: square blocks of {@code blockSize} rows and columns, sized so
 * that one Gram block (float) plus its worst-case segment partial sums (double, at most one segment per column)
 * fit the memory budget. Plain Java, so it is unit tested without a device.
 *
 * @param rows        N
 * @param blockSize   rows (and columns) per block, 1 .. N
 * @param budgetBytes the budget it was planned for
 */
public record GramChunkPlan(int rows, int blockSize, long budgetBytes) {
    /** System property: bytes of device memory for one Gram block and its partial sums (both bindings). */
    public static final String BUDGET_PROPERTY = "silhouette.cuda.gramBudgetBytes";
    /** Default budget: 256 MiB. */
    public static final long DEFAULT_BUDGET_BYTES = 256L << 20;
    /** Device bytes per Gram cell: the float entry and, at worst, one double partial sum. */
    public static final int BYTES_PER_CELL = Float.BYTES + Double.BYTES;
    /** Blocks at least this large are rounded down to a multiple of it (SGEMM tile friendliness). */
    public static final int ALIGNMENT = 128;

    public GramChunkPlan {
        if (rows < 1 || blockSize < 1 || blockSize > rows) {
            throw new IllegalArgumentException("blockSize " + blockSize + " for " + rows + " rows");
        }
    }

    /** The plan for {@code rows} rows within {@code budgetBytes} (at least one cell's worth). */
    public static GramChunkPlan plan(int rows, long budgetBytes) {
        if (rows < 1) {
            throw new IllegalArgumentException("rows: must be positive: " + rows);
        }
        if (budgetBytes < BYTES_PER_CELL) {
            throw new IllegalArgumentException(BUDGET_PROPERTY + ": " + budgetBytes + " bytes is below one Gram cell ("
                    + BYTES_PER_CELL + " bytes)");
        }
        long side = (long) Math.floor(Math.sqrt((double) (budgetBytes / BYTES_PER_CELL)));
        while (side * side * BYTES_PER_CELL > budgetBytes) {
            side--; // guard the floating square root
        }
        if (side >= ALIGNMENT) {
            side -= side % ALIGNMENT;
        }
        int block = (int) Math.max(1, Math.min(rows, side));
        return new GramChunkPlan(rows, block, budgetBytes);
    }

    /** The budget from {@value #BUDGET_PROPERTY}, or the default; a bad value is an error naming the property. */
    public static long configuredBudget() {
        String value = System.getProperty(BUDGET_PROPERTY);
        if (value == null || value.isBlank()) {
            return DEFAULT_BUDGET_BYTES;
        }
        try {
            long bytes = Long.parseLong(value.trim());
            if (bytes < BYTES_PER_CELL) {
                throw new IllegalArgumentException(BUDGET_PROPERTY + ": must be at least " + BYTES_PER_CELL + ": " + value);
            }
            return bytes;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(BUDGET_PROPERTY + ": not a number of bytes: " + value, e);
        }
    }

    /** Number of blocks along each side. */
    public int blockCount() {
        return (rows + blockSize - 1) / blockSize;
    }

    /** First row of block {@code b}. */
    public int blockStart(int b) {
        return b * blockSize;
    }

    /** Rows in block {@code b} (the last one may be short). */
    public int blockLength(int b) {
        return Math.min(blockSize, rows - b * blockSize);
    }

    /** Device bytes of the Gram block buffer. */
    public long gramBytes() {
        return (long) blockSize * blockSize * Float.BYTES;
    }
}
