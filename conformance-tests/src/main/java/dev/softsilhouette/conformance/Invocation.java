package dev.softsilhouette.conformance;

import dev.softsilhouette.Floats;
import dev.softsilhouette.Ints;
import dev.softsilhouette.Reduction;
import dev.softsilhouette.SoftSilhouetteLoss;

import java.util.ArrayList;
import java.util.List;

/**
 * One call of one operation, with every buffer it takes; properties break one argument and check the rejection.
 * Every output (and every storage an output may share) is kept to check that nothing was written.
 */
public final class Invocation {

    /** Every operation of the API, with the buffers it writes. */
    public enum Operation {
        FORWARD(Reduction.MEAN, false, false, false),
        FORWARD_PER_SAMPLE(Reduction.NONE, false, true, false),
        BACKWARD(Reduction.SUM, false, false, true),
        BACKWARD_NONE(Reduction.NONE, true, false, true),
        FORWARD_BACKWARD(Reduction.MEAN, false, false, true),
        FORWARD_BACKWARD_NONE(Reduction.NONE, true, true, true),
        SCORE(Reduction.MEAN, false, false, false),
        SAMPLES(Reduction.MEAN, false, true, false);

        final Reduction reduction;
        final boolean perSampleUpstream;
        final boolean perRowOutput;
        final boolean gradientOutput;

        Operation(Reduction reduction, boolean perSampleUpstream, boolean perRowOutput, boolean gradientOutput) {
            this.reduction = reduction;
            this.perSampleUpstream = perSampleUpstream;
            this.perRowOutput = perRowOutput;
            this.gradientOutput = gradientOutput;
        }

        boolean scalarUpstream() {
            return this == BACKWARD || this == FORWARD_BACKWARD;
        }

        /** The name the API gives the per-row output in its messages. */
        String perRowName() {
            return this == SAMPLES ? "samples" : "losses";
        }
    }

    final Operation op;
    final Problem problem;
    Floats x;
    Ints labels;
    int n;
    int d;
    Floats upstream;
    double scalarUpstream = 1.0;
    Floats out;
    Floats gradient;
    /** Storages whose every value must be unchanged by a rejected call. */
    final List<BufferKind.FloatStorage> watched = new ArrayList<>();
    BufferKind.FloatStorage xStorage;

    /** A valid call on {@code p}, every buffer of the given kind, outputs filled with the sentinel. */
    Invocation(Operation op, Problem p, BufferKind kind) {
        this.op = op;
        this.problem = p;
        this.n = p.n();
        this.d = p.d();
        xStorage = kind.floats(p.x().length, BadInput.SENTINEL).set(p.x());
        x = xStorage.view();
        watched.add(xStorage);
        labels = kind.ints(p.labels());
        if (op.perSampleUpstream) {
            BufferKind.FloatStorage u = kind.floats(p.n(), BadInput.SENTINEL).set(Calls.upstream(p.n(), p.n()));
            upstream = u.view();
            watched.add(u);
        }
        if (op.perRowOutput) {
            BufferKind.FloatStorage o = kind.floats(p.n(), BadInput.SENTINEL);
            out = o.view();
            watched.add(o);
        }
        if (op.gradientOutput) {
            BufferKind.FloatStorage g = kind.floats(p.x().length, BadInput.SENTINEL);
            gradient = g.view();
            watched.add(g);
        }
    }

    void watch(BufferKind.FloatStorage storage) {
        watched.add(storage);
    }

    void run(SoftSilhouetteLoss loss) {
        switch (op) {
            case FORWARD -> loss.forward(x, labels, n, d);
            case FORWARD_PER_SAMPLE -> loss.forward(x, labels, n, d, out);
            case BACKWARD -> loss.backward(x, labels, n, d, scalarUpstream, gradient);
            case BACKWARD_NONE -> loss.backward(x, labels, n, d, upstream, gradient);
            case FORWARD_BACKWARD -> loss.forwardBackward(x, labels, n, d, scalarUpstream, gradient);
            case FORWARD_BACKWARD_NONE -> loss.forwardBackward(x, labels, n, d, upstream, out, gradient);
            case SCORE -> loss.score(x, labels, n, d);
            case SAMPLES -> loss.samples(x, labels, n, d, out);
        }
    }

    /**
     * Runs the call on {@code loss}, requires the given exception type with a message mentioning every fragment,
     * and requires every watched storage to be bit-for-bit what it was.
     */
    void requireRejected(SoftSilhouetteLoss loss, Class<? extends RuntimeException> type, String... fragments) {
        List<float[]> before = new ArrayList<>();
        for (BufferKind.FloatStorage s : watched) {
            before.add(s.everything());
        }
        try {
            run(loss);
            throw new AssertionError(op + " accepted the call; expected " + type.getSimpleName() + " mentioning "
                    + String.join(", ", fragments));
        } catch (RuntimeException e) {
            if (!type.isInstance(e)) {
                throw new AssertionError(op + " threw " + e + "; expected " + type.getSimpleName(), e);
            }
            BadInput.requireMentions(e, fragments);
        }
        for (int i = 0; i < watched.size(); i++) {
            Tolerances.identical(op + ": buffer " + i + " (" + watched.get(i).kind() + ") after the rejected call",
                    watched.get(i).everything(), before.get(i));
        }
    }
}
