package dev.softsilhouette.bench.workload;

/**
 * A batch shape: N rows of D dimensions in K classes. {@code scoreOnly} workloads are benchmarked for the hard score
 * alone (the evaluation-sized batch); every other workload for every operation.
 *
 * <p>Written {@code NxDxK} (for example {@code 4096x256x100}), with a {@code :score} suffix for score-only. The JMH
 * parameter carries the {@code NxDxK} part.
 */
public record Workload(int n, int d, int k, boolean scoreOnly) {

    public Workload {
        if (n < 2 || d < 1 || k < 2 || 2L * k > n) {
            throw new IllegalArgumentException("workload: need N >= 2K, D >= 1, K >= 2; got N=" + n + " D=" + d
                    + " K=" + k);
        }
    }

    public static Workload of(int n, int d, int k) {
        return new Workload(n, d, k, false);
    }

    /** Parses {@code NxDxK} or {@code NxDxK:score}. */
    public static Workload parse(String text) {
        String s = text.trim();
        boolean scoreOnly = false;
        if (s.endsWith(":score")) {
            scoreOnly = true;
            s = s.substring(0, s.length() - ":score".length());
        }
        String[] parts = s.split("x");
        if (parts.length != 3) {
            throw new IllegalArgumentException("workload: '" + text + "' is not NxDxK[:score]");
        }
        try {
            return new Workload(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]),
                    scoreOnly);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("workload: '" + text + "' is not NxDxK[:score]", e);
        }
    }

    /** {@code NxDxK}: the JMH parameter value and the report's workload column. */
    public String label() {
        return n + "x" + d + "x" + k;
    }

    /** N^2 * D: the size of the all-pairs work, which is what an O(N^2 D) backend's time follows. */
    public double pairDims() {
        return (double) n * n * d;
    }

    @Override
    public String toString() {
        return scoreOnly ? label() + ":score" : label();
    }
}
