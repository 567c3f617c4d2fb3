package dev.softsilhouette.spark;

import dev.softsilhouette.BlockSilhouette;
import dev.softsilhouette.ClassCounts;
import dev.softsilhouette.Ints;
import dev.softsilhouette.Metric;

import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;

import scala.Tuple2;

import java.util.Collections;
import java.util.List;

/**
 * {@code EUCLIDEAN}, exact (SPEC section 12): the data set as row blocks of B rows, block i in partition i; one task
 * per pair of blocks i <= j computes the tile's per-row per-class distance sums in both directions
 * ({@link BlockSilhouette#addEuclideanSums}); the sums of each block are reduced by key into its partition, where
 * its rows get their s_i. Memory per task O(B*K + B*D); shuffled, the rows of both blocks of every tile and
 * B*K doubles per block per tile.
 */
final class EuclideanScore {
    private EuclideanScore() {
    }

    /** A block's place and classes, collected to number the blocks and count the classes. */
    private record BlockClasses(int partition, int index, ClassCounts classes) implements java.io.Serializable {
    }

    static double score(InputRows input, String backend, int blockRows) {
        int dims = input.firstBlock(blockRows).dims();
        JavaRDD<Block> blocks = input.blocks(blockRows, dims).persist(StorageLevel.MEMORY_AND_DISK());
        JavaPairRDD<Integer, Block> numbered = null;
        try {
            List<BlockClasses> found = blocks.map(b -> new BlockClasses(b.partition(), b.index(),
                    ClassCounts.of(b.labels()))).collect();
            int partitions = blocks.getNumPartitions();
            int[] firstBlockOf = new int[partitions + 1];
            ClassCounts merged = null;
            for (BlockClasses b : found) {
                firstBlockOf[b.partition() + 1]++;
                merged = merged == null ? b.classes() : merged.merge(b.classes());
            }
            for (int p = 0; p < partitions; p++) {
                firstBlockOf[p + 1] += firstBlockOf[p];
            }
            ClassCounts classes = merged;
            input.requireScorable(classes);
            int k = classes.classCount();
            BlockPartitioner byBlock = new BlockPartitioner(found.size());

            numbered = blocks.mapToPair(b -> new Tuple2<>(firstBlockOf[b.partition()] + b.index(), b))
                    .partitionBy(byBlock).persist(StorageLevel.MEMORY_AND_DISK());
            JavaPairRDD<Integer, double[]> sums = numbered.cartesian(numbered)
                    .filter(pair -> pair._1()._1() <= pair._2()._1())
                    .flatMapToPair(pair -> {
                        BlockSilhouette silhouettes = TaskSilhouettes.get(Metric.EUCLIDEAN, backend);
                        Block rows = pair._1()._2();
                        Block columns = pair._2()._2();
                        double[] rowSums = new double[rows.rows() * k];
                        if (pair._1()._1().equals(pair._2()._1())) {
                            silhouettes.addEuclideanSums(classes, rows.rowBlock(), rowSums);
                            return Collections.singletonList(new Tuple2<>(pair._1()._1(), rowSums)).iterator();
                        }
                        double[] columnSums = new double[columns.rows() * k];
                        silhouettes.addEuclideanSums(classes, rows.rowBlock(), columns.rowBlock(), rowSums,
                                columnSums);
                        return List.of(new Tuple2<>(pair._1()._1(), rowSums),
                                new Tuple2<>(pair._2()._1(), columnSums)).iterator();
                    })
                    .reduceByKey(byBlock, EuclideanScore::add);

            List<Double> perBlock = sums.join(numbered).mapPartitions(it -> {
                BlockSilhouette silhouettes = TaskSilhouettes.get(Metric.EUCLIDEAN, backend);
                double total = 0;
                while (it.hasNext()) {
                    Tuple2<double[], Block> t = it.next()._2();
                    Block b = t._2();
                    total += silhouettes.silhouettesFromSums(classes, Ints.of(b.labels()), b.rows(), t._1(), null);
                }
                return Collections.singletonList(total).iterator();
            }, true).collect();
            double total = 0;
            for (double s : perBlock) {
                total += s;
            }
            return total / classes.rows();
        } finally {
            if (numbered != null) {
                numbered.unpersist(false);
            }
            blocks.unpersist(false);
        }
    }

    private static double[] add(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
        return a;
    }
}
