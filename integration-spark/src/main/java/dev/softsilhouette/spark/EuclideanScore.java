package dev.softsilhouette.spark;

import dev.softsilhouette.BlockSilhouette;
import dev.softsilhouette.ClassCounts;
import dev.softsilhouette.Ints;
import dev.softsilhouette.Metric;

import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.storage.StorageLevel;

import scala.Tuple2;

import java.util.Collections;
import java.util.List;

/**
 * {@code EUCLIDEAN}, exact (SPEC section 12): the data set as row blocks of at most B rows (each partition cut into
 * blocks of about equal size), block i in partition i; one task per pair of blocks i <= j computes the tile's
 * per-row per-class distance sums in both directions ({@link BlockSilhouette#addEuclideanSums}); the sums of each
 * block are reduced by key into its partition, where its rows get their s_i. Two Spark jobs: the labels (rows,
 * classes and the number of features of every partition), then the tiles. Memory per task O(B*K + B*D); shuffled,
 * the rows once (to their block's partition), B*K doubles per block per tile.
 */
final class EuclideanScore {
    private EuclideanScore() {
    }

    static double score(InputRows input, String backend, int blockRows) {
        PartitionShapes shapes = input.shapes();
        ClassCounts classes = shapes.classes();
        int k = classes.classCount();
        int[] firstBlockOf = shapes.firstBlocks(blockRows);
        BlockPartitioner byBlock = new BlockPartitioner(firstBlockOf[firstBlockOf.length - 1]);
        JavaPairRDD<Integer, Block> numbered = input.evenBlocks(shapes, blockRows)
                .mapToPair(b -> new Tuple2<>(firstBlockOf[b.partition()] + b.index(), b))
                .partitionBy(byBlock).persist(StorageLevel.MEMORY_AND_DISK());
        try {
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
            numbered.unpersist(false);
        }
    }

    private static double[] add(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
        return a;
    }
}
