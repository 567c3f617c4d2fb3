package dev.softsilhouette.spi;

/**
 * The wording of bad-input exceptions that a backend may have to raise itself, because only it can read the input
 * (a GPU-resident batch is checked on the device): the same message the API layer gives for the same fault.
 */
public final class InputErrors {
    private InputErrors() {
    }

    /**
     * The first value of {@code name} (N x {@code dims}, row-major) that is NaN or infinite, at flat index
     * {@code index}: "embeddings: row 3 column 2 is -Infinity; every value must be finite".
     */
    public static IllegalArgumentException notFinite(String name, long index, int dims, float value) {
        return new IllegalArgumentException(name + ": row " + (index / dims) + " column " + (index % dims) + " is "
                + value + "; every value must be finite");
    }
}
