package dev.softsilhouette.datasets;

/**
 * A labelled train/test split: row-major features scaled to [0, 1] and class labels {@code 0..classes-1}.
 *
 * @param name        short name ({@code digits}, {@code fashion-mnist})
 * @param description one line: source, size, split
 * @param classNames  one display name per class
 */
public record Dataset(String name, String description, int features, String[] classNames,
               float[] trainX, int[] trainY, float[] testX, int[] testY) {

    public int classes() {
        return classNames.length;
    }

    public int trainRows() {
        return trainY.length;
    }

    public int testRows() {
        return testY.length;
    }

    /** Training rows gathered into one minibatch: {@code x} row-major ({@code rows x features}), {@code y} labels. */
    public record Minibatch(float[] x, int[] y) {
        public int rows() {
            return y.length;
        }
    }

    /** The training rows {@code order[from]} .. {@code order[from + rows - 1]}, copied into a new minibatch. */
    public Minibatch trainBatch(int[] order, int from, int rows) {
        float[] x = new float[rows * features];
        int[] y = new int[rows];
        for (int r = 0; r < rows; r++) {
            int i = order[from + r];
            System.arraycopy(trainX, i * features, x, r * features, features);
            y[r] = trainY[i];
        }
        return new Minibatch(x, y);
    }

    /** The first {@code rows} training rows (the training order is already shuffled or stratified). */
    public Dataset limitTrain(int rows) {
        if (rows >= trainRows()) {
            return this;
        }
        float[] x = java.util.Arrays.copyOf(trainX, rows * features);
        int[] y = java.util.Arrays.copyOf(trainY, rows);
        return new Dataset(name, description + ", training limited to the first " + rows + " rows", features,
                classNames, x, y, testX, testY);
    }
}
