package dev.softsilhouette.cli;

import java.util.Arrays;
import java.util.function.Supplier;

/** Times a computation: once, or (with {@code --repeat R}) one warm-up and then the median of R runs. */
final class Timing {
    private Timing() {
    }

    /** {@code repeats}: 0 for a single cold run, else the number of timed runs after the warm-up. */
    record Timed<T>(T result, double seconds, int repeats) {
    }

    /** {@code repeats == 0}: a single run, timed. */
    static <T> Timed<T> run(Supplier<T> work, int repeats, Progress progress) {
        if (repeats == 0) {
            long t0 = System.nanoTime();
            T result = work.get();
            return new Timed<>(result, (System.nanoTime() - t0) / 1e9, 0);
        }
        progress.update(0, "warm-up");
        T result = work.get(); // warm-up: JIT, backend workspaces, device context
        progress.update(0, null);
        double[] seconds = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            result = work.get();
            seconds[r] = (System.nanoTime() - t0) / 1e9;
            progress.update(r + 1, null);
        }
        return new Timed<>(result, median(seconds), repeats);
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }
}
