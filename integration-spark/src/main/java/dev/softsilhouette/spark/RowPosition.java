package dev.softsilhouette.spark;

/** Where a row sits in the data set, for error messages: its partition and its index there. */
record RowPosition(int partition, long row) {
    @Override
    public String toString() {
        return "row " + row + " of partition " + partition;
    }
}
