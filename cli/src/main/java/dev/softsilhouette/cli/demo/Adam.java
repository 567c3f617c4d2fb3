package dev.softsilhouette.cli.demo;

/** Adam (Kingma and Ba, 2015) with bias correction; one {@link State} per parameter array. */
final class Adam {
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;

    private final double learningRate;
    private int t;
    private double correction1;
    private double correction2;

    Adam(double learningRate) {
        this.learningRate = learningRate;
    }

    /** Starts a step: call once per batch before updating the parameters. */
    void nextStep() {
        t++;
        correction1 = 1 - Math.pow(BETA1, t);
        correction2 = 1 - Math.pow(BETA2, t);
    }

    void update(float[] params, float[] grad, State s) {
        float b1 = (float) BETA1;
        float b2 = (float) BETA2;
        float step = (float) (learningRate / correction1);
        float c2 = (float) (1 / correction2);
        float eps = (float) EPSILON;
        for (int i = 0; i < params.length; i++) {
            float g = grad[i];
            float m = s.m[i] = b1 * s.m[i] + (1 - b1) * g;
            float v = s.v[i] = b2 * s.v[i] + (1 - b2) * g * g;
            params[i] -= step * m / ((float) Math.sqrt(v * c2) + eps);
        }
    }

    /** First and second moment estimates of one parameter array. */
    static final class State {
        final float[] m;
        final float[] v;

        State(int size) {
            m = new float[size];
            v = new float[size];
        }
    }
}
