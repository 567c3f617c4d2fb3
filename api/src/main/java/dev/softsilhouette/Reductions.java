package dev.softsilhouette;

/** What a reduction means for a call, shared by the losses. */
final class Reductions {
    private Reductions() {
    }

    static void requireScalar(Reduction reduction, String what) {
        if (reduction == Reduction.NONE) {
            throw new IllegalStateException(what + " needs reduction MEAN or SUM; this loss has NONE "
                    + "(use the overload with a per-sample output or upstream gradient)");
        }
    }

    static void requireNone(Reduction reduction, String what) {
        if (reduction != Reduction.NONE) {
            throw new IllegalStateException(what + " needs reduction NONE; this loss has " + reduction
                    + " (use the overload with a scalar upstream gradient)");
        }
    }

    /** w_i for a scalar reduction: 1/N for MEAN, 1 for SUM. */
    static double rowWeight(Reduction reduction, int n) {
        return reduction == Reduction.MEAN ? 1.0 / n : 1.0;
    }

    /** The reduced loss from the sum of the per-row losses. */
    static double reduce(Reduction reduction, double sumOfLosses, int n) {
        return reduction == Reduction.MEAN ? sumOfLosses / n : sumOfLosses;
    }
}
