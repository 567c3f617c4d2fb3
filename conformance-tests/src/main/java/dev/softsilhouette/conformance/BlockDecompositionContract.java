package dev.softsilhouette.conformance;

import dev.softsilhouette.BlockSilhouette;
import dev.softsilhouette.ClassCounts;
import dev.softsilhouette.ClassStatistics;
import dev.softsilhouette.Floats;
import dev.softsilhouette.Metric;
import dev.softsilhouette.Reduction;
import dev.softsilhouette.RowBlock;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * SPEC section 12 on the backend under test: the silhouettes computed block by block ({@link BlockSilhouette}, the
 * backend's block operations) equal the float64 reference's whole-batch ones to {@link #BLOCKWISE} in every s_i,
 * for every metric and temperature, any block size down to one row, and classes that occur in some blocks only.
 */
public interface BlockDecompositionContract extends BackendUnderTest {
    /** SPEC section 12: blockwise results equal whole-batch results to 1e-6 (float64 accumulation). */
    double BLOCKWISE = 1e-6;

    /** A problem cut into blocks of {@code size} rows (the last one may be shorter). */
    record Blocked(Problem problem, int size) {
        List<RowBlock> blocks() {
            Problem p = problem;
            List<RowBlock> out = new ArrayList<>();
            for (int from = 0; from < p.n(); from += size) {
                int to = Math.min(p.n(), from + size);
                out.add(RowBlock.of(Arrays.copyOfRange(p.x(), from * p.d(), to * p.d()),
                        Arrays.copyOfRange(p.labels(), from, to), p.d()));
            }
            return out;
        }

        @Override
        public String toString() {
            return "blocks of " + size + " rows: " + problem;
        }
    }

    @Provide
    default Arbitrary<Blocked> blockedProblems() {
        return Problems.wellSeparated(65, 40_000).flatMap(p -> Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(1, Arbitraries.just(1)),
                        net.jqwik.api.Tuple.of(1, Arbitraries.just(p.n())),
                        net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(1, p.n())))
                .map(size -> new Blocked(p, size)));
    }

    @Property(tries = 80)
    default void blockwiseEqualsWholeBatch(@ForAll("blockedProblems") Blocked blocked) {
        Problem p = blocked.problem();
        float[] losses = Calls.perSampleLosses(referenceLoss(p, Reduction.NONE), p);
        float[] blockwise = blockwiseSilhouettes(blocked);
        for (int i = 0; i < p.n(); i++) {
            Tolerances.value("blockwise s[" + i + "] vs the whole-batch reference", blockwise[i], 1.0 - losses[i],
                    BLOCKWISE);
        }
    }

    /**
     * The blocks taken last to first give the same s_i: statistics merged in the other order about the last block's
     * shift, and every Euclidean tile with the roles of its row and column blocks swapped.
     */
    @Property(tries = 40)
    default void blockOrderDoesNotMatter(@ForAll("blockedProblems") Blocked blocked) {
        Problem p = blocked.problem();
        float[] forward = blockwiseSilhouettes(blocked);
        float[] backward = blockwiseSilhouettes(blocked, true);
        for (int i = 0; i < p.n(); i++) {
            Tolerances.value("s[" + i + "] with the blocks in reverse order", backward[i], forward[i], BLOCKWISE);
        }
    }

    /** Every s_i, block by block on the backend under test, in the problem's row order. */
    default float[] blockwiseSilhouettes(Blocked blocked) {
        return blockwiseSilhouettes(blocked, false);
    }

    private float[] blockwiseSilhouettes(Blocked blocked, boolean reverse) {
        Problem p = blocked.problem();
        try (BlockSilhouette blocks = BlockSilhouette.builder().backend(backendName()).metric(p.metric())
                .temperature(p.tau()).build()) {
            return blockwiseSilhouettes(blocks, blocked, reverse);
        }
    }

    private static float[] blockwiseSilhouettes(BlockSilhouette blocks, Blocked blocked, boolean reverse) {
        Problem p = blocked.problem();
        List<RowBlock> parts = blocked.blocks();
        int count = parts.size();
        int first = reverse ? count - 1 : 0;
        float[] s = new float[p.n()];
        if (p.metric() == Metric.EUCLIDEAN) {
            ClassCounts classes = null;
            for (int step = 0; step < count; step++) {
                RowBlock b = parts.get(reverse ? count - 1 - step : step);
                ClassCounts one = ClassCounts.of(b.labels(), b.rows());
                classes = classes == null ? one : classes.merge(one);
            }
            int k = classes.classCount();
            double[][] sums = new double[count][];
            for (int i = 0; i < count; i++) {
                sums[i] = new double[parts.get(i).rows() * k];
            }
            for (int step = 0; step < count; step++) {
                int i = reverse ? count - 1 - step : step;
                blocks.addEuclideanSums(classes, parts.get(i), sums[i]);
                for (int j = 0; j < count; j++) {
                    // reverse: the tile (j, i) with the roles of rows and columns swapped
                    if (reverse && j < i) {
                        blocks.addEuclideanSums(classes, parts.get(i), parts.get(j), sums[i], sums[j]);
                    } else if (!reverse && j > i) {
                        blocks.addEuclideanSums(classes, parts.get(i), parts.get(j), sums[i], sums[j]);
                    }
                }
            }
            for (int i = 0; i < count; i++) {
                blocks.silhouettesFromSums(classes, parts.get(i).labels(), parts.get(i).rows(), sums[i],
                        Floats.of(s, i * blocked.size()));
            }
        } else {
            double[] shift = blocks.shift(parts.get(first));
            ClassStatistics all = null;
            for (int step = 0; step < count; step++) {
                ClassStatistics one = blocks.statistics(parts.get(reverse ? count - 1 - step : step), shift);
                all = all == null ? one : all.merge(one);
            }
            for (int i = 0; i < count; i++) {
                blocks.silhouettes(all, parts.get(i), Floats.of(s, i * blocked.size()));
            }
        }
        return s;
    }
}
