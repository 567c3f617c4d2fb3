package dev.softsilhouette.spark;

import dev.softsilhouette.BlockSilhouette;
import dev.softsilhouette.ClassStatistics;
import dev.softsilhouette.Metric;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

import java.util.Collections;
import java.util.List;

/**
 * {@code SQUARED_EUCLIDEAN} and {@code COSINE} in two passes over the data (SPEC section 12): per partition, the class
 * statistics of its blocks (O(rows*D)), collected (K*D + 2K doubles per partition) and merged on the driver in
 * partition order; the merged statistics broadcast; per partition, the s_i of its blocks (O(rows*K*D)), summed per
 * partition and then over the partitions in partition order. Every sum is added in a fixed order, so the score is the
 * same bits on every run. The blocks are persisted between the two passes.
 */
final class StatisticsScore {
    private StatisticsScore() {
    }

    static double score(InputRows input, Metric metric, String backend, int blockRows) {
        Block first = input.firstBlock(blockRows);
        int dims = first.dims();
        double[] shift = TaskSilhouettes.get(metric, backend).shift(first.rowBlock());
        // Kept between the passes: the second reads float32 blocks instead of decoding the rows again (N*D*4 bytes).
        JavaRDD<Block> blocks = input.blocks(blockRows, dims).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            return score(blocks, metric, backend, shift, input);
        } finally {
            blocks.unpersist(false);
        }
    }

    private static double score(JavaRDD<Block> blocks, Metric metric, String backend, double[] shift,
                                InputRows input) {
        List<ClassStatistics> perPartition = blocks.mapPartitions(it -> {
            BlockSilhouette silhouettes = TaskSilhouettes.get(metric, backend);
            ClassStatistics merged = null;
            while (it.hasNext()) {
                ClassStatistics s = silhouettes.statistics(it.next().rowBlock(), shift);
                merged = merged == null ? s : merged.merge(s);
            }
            return merged == null ? Collections.emptyIterator() : List.of(merged).iterator();
        }, true).collect();
        ClassStatistics all = perPartition.getFirst();
        for (int p = 1; p < perPartition.size(); p++) {
            all = all.merge(perPartition.get(p));
        }
        input.requireScorable(all.classes());

        Broadcast<ClassStatistics> shared = JavaSparkContext.fromSparkContext(blocks.context()).broadcast(all);
        try {
            List<Double> sums = blocks.mapPartitions(it -> {
                BlockSilhouette silhouettes = TaskSilhouettes.get(metric, backend);
                ClassStatistics statistics = shared.value();
                double sum = 0;
                while (it.hasNext()) {
                    sum += silhouettes.silhouettes(statistics, it.next().rowBlock(), null);
                }
                return Collections.singletonList(sum).iterator();
            }, true).collect();
            double total = 0;
            for (double s : sums) {
                total += s;
            }
            return total / all.classes().rows();
        } finally {
            shared.destroy();
        }
    }
}
