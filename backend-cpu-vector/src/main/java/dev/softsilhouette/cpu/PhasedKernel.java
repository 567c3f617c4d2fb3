package dev.softsilhouette.cpu;

import dev.softsilhouette.cpu.parallel.ItemClaims;
import dev.softsilhouette.cpu.parallel.ParallelTask;
import dev.softsilhouette.cpu.parallel.WorkerPool;
import dev.softsilhouette.spi.PreparedBatch;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What both metric families share: a call runs as a few parallel phases over work items whose boundaries depend
 * only on the batch shape (never on the worker count), each item writing its own outputs, and every sum reduced in a
 * fixed order. Workers claim items dynamically (good for a shared, noisy machine) but the bits do not depend on who
 * ran what: results are identical for any thread count.
 */
abstract class PhasedKernel implements ParallelTask {
    /** Rows per item of the per-row phases. */
    static final int ROW_CHUNK = 64;

    final SortedBatch data;
    final WorkerPool pool;
    /** The next item of a phase whose items must start in order. */
    final AtomicInteger next = new AtomicInteger();
    /** The items of a phase whose items are independent: each worker keeps to its own rows where it can. */
    final ItemClaims claims = new ItemClaims();
    int phase;
    int workersWanted;

    /** Silhouettes in sorted order, written to the caller only once everything succeeded. */
    float[] silhouettes = new float[0];
    double[] chunkTotals = new double[0];
    /** Each row chunk's largest magnitude once its rows are centred ({@link #centreChunk}). */
    float[] chunkMax = new float[0];
    /** Whether the workers copy the batch's rows, chunk by chunk ({@link #gatherChunk}). */
    private boolean gatherInPhase;
    /** Each worker's gradient row, {@code dp} floats. */
    private final FloatArraySegment[] gradientRows;
    /** The caller's gradient when a float[] is behind it, and the index it starts at ({@link #targetGradient}). */
    private float[] gradientArray;
    private int gradientStart;
    private final HeapFloatArray gradientArrays = new HeapFloatArray();

    PhasedKernel(SortedBatch data, WorkerPool pool) {
        this.data = data;
        this.pool = pool;
        this.gradientRows = new FloatArraySegment[pool.size()];
        for (int w = 0; w < gradientRows.length; w++) {
            gradientRows[w] = new FloatArraySegment();
        }
    }

    /** Runs one phase of {@code items} work items on the pool. */
    final void runPhase(int phase, int items) {
        this.phase = phase;
        next.set(0);
        claims.reset(items, workersWanted);
        pool.run(this, workersWanted);
    }

    @Override
    public final void run(int worker, int workers) {
        runPhase(phase, worker, workers);
    }

    abstract void runPhase(int phase, int worker, int workers);

    int rowChunks() {
        return (data.n + ROW_CHUNK - 1) / ROW_CHUNK;
    }

    void prepareOutputs() {
        silhouettes = SortedBatch.grow(silhouettes, data.n);
        chunkTotals = SortedBatch.grow(chunkTotals, rowChunks());
        chunkMax = SortedBatch.grow(chunkMax, rowChunks());
    }

    /**
     * Who copies the batch's rows: the workers, each chunk in the first phase that reads it ({@link #gatherChunk}),
     * unless the batch is a segment only this thread may read; then this thread, now.
     */
    void gatherRowsInPhase() {
        gatherInPhase = pool.reaches(data.source());
        if (!gatherInPhase) {
            data.gatherRows(0, data.n);
        }
    }

    /** The rows {@code from..to} from the batch, when the workers copy them. */
    void gatherChunk(int from, int to) {
        if (gatherInPhase) {
            data.gatherRows(from, to);
        }
    }

    /** The rows {@code from..to} of a chunk less {@code shift}, and their largest magnitude into {@link #chunkMax}. */
    void centreChunk(int chunk, int from, int to, float[] shift) {
        int dp = data.dp;
        float max = 0f;
        for (int p = from; p < to; p++) {
            max = Math.max(max, data.ops.subtractMaxAbs(data.x, p * dp, shift, dp));
        }
        chunkMax[chunk] = max;
    }

    /**
     * The batch's power of two from the chunks' largest magnitudes: sets {@code data.invScale} and returns the factor
     * the centred rows are multiplied by ({@code 2^-exponent}).
     */
    float powerOfTwoFromChunks() {
        float max = 0f;
        for (int chunk = 0, chunks = rowChunks(); chunk < chunks; chunk++) {
            max = Math.max(max, chunkMax[chunk]);
        }
        return data.scaleFor(max);
    }

    /** Sum of the silhouettes in chunk order, and the per-row values to the caller's order. */
    double finish(MemorySegment silhouettesOut) {
        double total = 0.0;
        for (int c = 0, chunks = rowChunks(); c < chunks; c++) {
            total += chunkTotals[c];
        }
        if (silhouettesOut != null) {
            int[] rows = data.sortedRows;
            for (int p = 0; p < data.n; p++) {
                silhouettesOut.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, rows[p], silhouettes[p]);
            }
        }
        return total;
    }

    /**
     * Where this call's gradient rows go: the caller's float[] when one is behind the segment ({@code Floats.of}), so
     * that the last pass over a row writes it there; else each worker's row, copied to the segment. Null clears it.
     */
    void targetGradient(MemorySegment gradientOut) {
        gradientArray = gradientArrays.arrayOf(gradientOut);
        gradientStart = gradientArray == null ? 0 : HeapFloatArray.start(gradientOut);
    }

    /** The array row p of the gradient is written to: the caller's, or the worker's row. */
    float[] gradientTarget(int worker) {
        return gradientArray != null ? gradientArray : gradientRows[worker].array();
    }

    /** Where in {@link #gradientTarget} row p starts. */
    int gradientTargetOffset(int p) {
        return gradientArray != null ? gradientStart + data.sortedRows[p] * data.d : 0;
    }

    /** Row p of the gradient, written to {@link #gradientTarget}, to the caller's segment if it is not there yet. */
    void finishGradientRow(MemorySegment gradientOut, int p, int worker) {
        if (gradientArray == null) {
            gradientRows[worker].write(0, gradientOut, (long) data.sortedRows[p] * data.d, data.d);
        }
    }

    /** Grows each worker's gradient row ({@link #gradientRow}) to {@code size} floats (a worker's own array). */
    void growGradientRows(int size) {
        for (FloatArraySegment row : gradientRows) {
            row.grow(size + SortedBatch.CACHE_LINE / Float.BYTES);
        }
    }

    /** The worker's gradient row: a workspace, and where a row goes when the caller's gradient is not a float[]. */
    float[] gradientRow(int worker) {
        return gradientRows[worker].array();
    }

    /** Workers worth waking for about this many multiply-adds. */
    int workersFor(double work) {
        return work < 2.0e5 ? 1 : pool.size();
    }

    abstract double compute(PreparedBatch batch, double tau, double weight, MemorySegment rowWeights,
                            MemorySegment silhouettesOut, MemorySegment gradientOut);
}
