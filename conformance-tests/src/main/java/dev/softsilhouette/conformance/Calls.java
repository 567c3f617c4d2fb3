package dev.softsilhouette.conformance;

import dev.softsilhouette.Floats;
import dev.softsilhouette.Ints;
import dev.softsilhouette.SoftSilhouetteLoss;

/** The API's operations on a {@link Problem}, with plain arrays in and out. Inputs are never modified. */
public final class Calls {
    private Calls() {
    }

    /** forward, MEAN or SUM. */
    public static double forward(SoftSilhouetteLoss loss, Problem p) {
        return loss.forward(Floats.of(p.x()), Ints.of(p.labels()), p.n(), p.d());
    }

    /** The N per-sample losses l_i (any reduction). */
    public static float[] perSampleLosses(SoftSilhouetteLoss loss, Problem p) {
        float[] out = new float[p.n()];
        loss.forward(Floats.of(p.x()), Ints.of(p.labels()), p.n(), p.d(), Floats.of(out));
        return out;
    }

    /** backward with a scalar upstream gradient (MEAN or SUM). */
    public static float[] backward(SoftSilhouetteLoss loss, Problem p, double upstream) {
        float[] g = new float[p.n() * p.d()];
        loss.backward(Floats.of(p.x()), Ints.of(p.labels()), p.n(), p.d(), upstream, Floats.of(g));
        return g;
    }

    /** backward with a per-sample upstream gradient (NONE). */
    public static float[] backward(SoftSilhouetteLoss loss, Problem p, float[] upstream) {
        float[] g = new float[p.n() * p.d()];
        loss.backward(Floats.of(p.x()), Ints.of(p.labels()), p.n(), p.d(), Floats.of(upstream), Floats.of(g));
        return g;
    }

    /** The fused call's outputs. */
    public record Fused(double loss, float[] perSample, float[] gradient) {
    }

    /** forwardBackward with a scalar upstream gradient (MEAN or SUM). */
    public static Fused forwardBackward(SoftSilhouetteLoss loss, Problem p, double upstream) {
        float[] g = new float[p.n() * p.d()];
        double value = loss.forwardBackward(Floats.of(p.x()), Ints.of(p.labels()), p.n(), p.d(), upstream, Floats.of(g));
        return new Fused(value, null, g);
    }

    /** forwardBackward with a per-sample upstream gradient (NONE). */
    public static Fused forwardBackward(SoftSilhouetteLoss loss, Problem p, float[] upstream) {
        float[] g = new float[p.n() * p.d()];
        float[] losses = new float[p.n()];
        loss.forwardBackward(Floats.of(p.x()), Ints.of(p.labels()), p.n(), p.d(), Floats.of(upstream),
                Floats.of(losses), Floats.of(g));
        return new Fused(Double.NaN, losses, g);
    }

    public static double score(SoftSilhouetteLoss loss, Problem p) {
        return loss.score(Floats.of(p.x()), Ints.of(p.labels()), p.n(), p.d());
    }

    public static float[] samples(SoftSilhouetteLoss loss, Problem p) {
        float[] out = new float[p.n()];
        loss.samples(Floats.of(p.x()), Ints.of(p.labels()), p.n(), p.d(), Floats.of(out));
        return out;
    }

    /** N upstream values in [-2, 2] from a seed, with a zero and a negative value where N allows. */
    public static float[] upstream(int n, long seed) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
            g[i] = (float) random.nextDouble(-2.0, 2.0);
        }
        if (n > 1) {
            g[random.nextInt(n)] = 0.0f;
        }
        return g;
    }
}
