package dev.softsilhouette.spark;

import org.apache.spark.Partitioner;

/** Block i in partition i: the tiles' sums of a block meet its rows without a shuffle of the rows. */
final class BlockPartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int blocks;

    BlockPartitioner(int blocks) {
        this.blocks = blocks;
    }

    @Override
    public int numPartitions() {
        return blocks;
    }

    @Override
    public int getPartition(Object key) {
        return (Integer) key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BlockPartitioner p && p.blocks == blocks;
    }

    @Override
    public int hashCode() {
        return blocks;
    }
}
