package dev.softsilhouette.cli.demo;

import java.util.Random;

/**
 * A fully connected layer {@code out = in W + b} (W: inputs x outputs, row-major) with its gradients and Adam state.
 * Loops run over the contiguous output index so that the JIT vectorizes them; zero inputs (after a ReLU, blank
 * pixels) are skipped.
 */
final class DenseLayer {
    final int inputs;
    final int outputs;
    final float[] weights;
    final float[] bias;
    private final float[] weightGrad;
    private final float[] biasGrad;
    private final Adam.State weightState;
    private final Adam.State biasState;

    /** Weights ~ N(0, gain^2 / inputs): gain sqrt(2) before a ReLU (He), 1 otherwise. */
    DenseLayer(int inputs, int outputs, double gain, Random random) {
        this.inputs = inputs;
        this.outputs = outputs;
        this.weights = new float[inputs * outputs];
        this.bias = new float[outputs];
        this.weightGrad = new float[weights.length];
        this.biasGrad = new float[outputs];
        double std = gain / Math.sqrt(inputs);
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) (random.nextGaussian() * std);
        }
        this.weightState = new Adam.State(weights.length);
        this.biasState = new Adam.State(outputs);
    }

    /** {@code out[r] = in[r] W + b} for the first {@code rows} rows. */
    void forward(float[] in, int rows, float[] out) {
        for (int r = 0; r < rows; r++) {
            int o = r * outputs;
            System.arraycopy(bias, 0, out, o, outputs);
            int ir = r * inputs;
            for (int k = 0; k < inputs; k++) {
                float a = in[ir + k];
                if (a == 0f) {
                    continue;
                }
                int w = k * outputs;
                for (int c = 0; c < outputs; c++) {
                    out[o + c] += a * weights[w + c];
                }
            }
        }
    }

    /**
     * Accumulates the parameter gradients from {@code dOut} and, when {@code dIn} is not null, writes
     * {@code dIn = dOut W^T}. Call {@link #zeroGradients()} before each batch.
     */
    void backward(float[] in, float[] dOut, int rows, float[] dIn) {
        for (int r = 0; r < rows; r++) {
            int o = r * outputs;
            for (int c = 0; c < outputs; c++) {
                biasGrad[c] += dOut[o + c];
            }
            int ir = r * inputs;
            for (int k = 0; k < inputs; k++) {
                float a = in[ir + k];
                int w = k * outputs;
                if (a != 0f) {
                    for (int c = 0; c < outputs; c++) {
                        weightGrad[w + c] += a * dOut[o + c];
                    }
                }
                if (dIn != null) {
                    float s = 0f;
                    for (int c = 0; c < outputs; c++) {
                        s += dOut[o + c] * weights[w + c];
                    }
                    dIn[ir + k] = s;
                }
            }
        }
    }

    void zeroGradients() {
        java.util.Arrays.fill(weightGrad, 0f);
        java.util.Arrays.fill(biasGrad, 0f);
    }

    void step(Adam adam) {
        adam.update(weights, weightGrad, weightState);
        adam.update(bias, biasGrad, biasState);
    }
}
