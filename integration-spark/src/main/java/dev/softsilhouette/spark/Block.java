package dev.softsilhouette.spark;

import dev.softsilhouette.Floats;
import dev.softsilhouette.Ints;
import dev.softsilhouette.RowBlock;

import java.io.Serializable;

/**
 * Up to B consecutive rows of one partition, as the API's block operations read them: float32 features row-major
 * and integer labels. Serializable (the Euclidean tiles move blocks between tasks); {@link #rowBlock()} wraps the
 * arrays without copying.
 *
 * @param partition the Spark partition the rows come from
 * @param index     the block's index within its partition
 */
record Block(int partition, int index, int rows, int dims, float[] features, int[] labels) implements Serializable {

    RowBlock rowBlock() {
        return new RowBlock(Floats.of(features), Ints.of(labels), rows, dims);
    }
}
