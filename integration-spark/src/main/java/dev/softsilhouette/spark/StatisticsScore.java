package dev.softsilhouette.spark;

import dev.softsilhouette.BlockSilhouette;
import dev.softsilhouette.ClassStatistics;
import dev.softsilhouette.Metric;
import dev.softsilhouette.RowBlock;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

import java.io.Serializable;
import java.util.Collections;
import java.util.List;

/**
 * {@code SQUARED_EUCLIDEAN} and {@code COSINE} in two Spark jobs (SPEC section 12): per partition, the class
 * statistics of its blocks (O(rows*D)) about that partition's own shift (the mean of the first rows of its first
 * block: any point near the data serves), collected
 * (K*D + 2K doubles per partition), moved onto the first partition's shift ({@link ClassStatistics#centredOn}) and
 * merged on the driver in partition order; the merged statistics broadcast; per partition, the s_i of its blocks
 * (O(rows*K*D)), summed per partition and then over the partitions in partition order. Every sum is added in a fixed
 * order, so the score is the same bits on every run. The blocks are persisted between the two passes.
 */
final class StatisticsScore {
    private StatisticsScore() {
    }

    /** Rows whose mean is a partition's shift: centring needs a point near the data, not the exact mean. */
    private static final int SHIFT_ROWS = 1024;

    /** A partition's statistics (null when it has no rows). */
    private record PartitionStatistics(int partition, ClassStatistics statistics) implements Serializable {
    }

    static double score(InputRows input, Metric metric, String backend, int blockRows) {
        // Kept between the passes: the second reads float32 blocks instead of decoding the rows again (N*D*4 bytes).
        JavaRDD<Block> blocks = input.blocks(blockRows, -1).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            return score(blocks, metric, backend, input);
        } finally {
            blocks.unpersist(false);
        }
    }

    private static double score(JavaRDD<Block> blocks, Metric metric, String backend, InputRows input) {
        List<PartitionStatistics> perPartition = blocks.mapPartitionsWithIndex((partition, it) -> {
            BlockSilhouette silhouettes = TaskSilhouettes.get(metric, backend);
            ClassStatistics merged = null;
            double[] shift = null;
            while (it.hasNext()) {
                RowBlock block = it.next().rowBlock();
                if (shift == null) {
                    shift = silhouettes.shift(new RowBlock(block.embeddings(), block.labels(),
                            Math.min(block.rows(), SHIFT_ROWS), block.dims()));
                }
                ClassStatistics s = silhouettes.statistics(block, shift);
                merged = merged == null ? s : merged.merge(s);
            }
            return List.of(new PartitionStatistics(partition, merged)).iterator();
        }, true).collect();
        ClassStatistics all = null;
        for (PartitionStatistics p : perPartition) {
            ClassStatistics s = p.statistics();
            if (s == null) {
                continue;
            }
            if (all == null) {
                all = s;
                continue;
            }
            if (s.dims() != all.dims()) {
                throw input.differentDims(new RowPosition(p.partition(), 0), s.dims(), all.dims());
            }
            all = all.merge(s.centredOn(all.shift()));
        }
        if (all == null) {
            throw input.noRows();
        }
        input.requireScorable(all.classes());

        ClassStatistics merged = all;
        Broadcast<ClassStatistics> shared = JavaSparkContext.fromSparkContext(blocks.context()).broadcast(merged);
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
            return total / merged.classes().rows();
        } finally {
            shared.destroy();
        }
    }
}
