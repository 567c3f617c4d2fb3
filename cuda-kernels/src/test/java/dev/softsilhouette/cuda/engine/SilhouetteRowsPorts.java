package dev.softsilhouette.cuda.engine;

/**
 * Java ports of the {@code silhouette_rows.cu} kernels that both strategies launch ({@code column_partials},
 * {@code column_spread}, {@code row_silhouettes}, {@code find_non_finite}), for the emulators of the fused and the
 * SGEMM strategy: one port per kernel, in the kernel's float64 arithmetic and order, over any {@link EmulatedMemory}.
 * {@code a} holds the launch's arguments as {@code KernelArguments.toArray()} gives them (8-byte slots).
 */
public final class SilhouetteRowsPorts {
    private SilhouetteRowsPorts() {
    }

    private static double f64(long[] a, int i) {
        return Double.longBitsToDouble(a[i]);
    }

    /**
     * A block's fixed-tree sum ({@code ss_block_sum}, {@code ffm_prepare_block_sum}): thread t's partial sum in
     * {@code partial[t]}, then for stride = half the block down to 1, {@code s[t] += s[t + stride]}.
     *
     * @param partial one value per thread of the block (a power of two of them)
     */
    public static double blockSum(double[] partial) {
        double[] s = partial.clone();
        for (int stride = s.length / 2; stride > 0; stride >>= 1) {
            for (int t = 0; t < stride; t++) {
                s[t] += s[t + stride];
            }
        }
        return s[0];
    }

    /**
     * find_non_finite: every thread's atomicMax of ((N*D - i) << 2 | kind) over its non-finite values; the order of
     * the threads does not matter (the maximum is the lowest index), so one pass in index order gives the same word.
     */
    public static void findNonFinite(EmulatedMemory m, long[] a) {
        long x = a[0];
        long count = (long) (int) a[1] * (int) a[2];
        long first = a[3];
        long best = m.i64(first, 0);
        for (long i = 0; i < count; i++) {
            float v = m.f32(x, i);
            if (!Float.isFinite(v)) {
                long key = ((count - i) << 2) | (Float.isNaN(v) ? 0 : v > 0 ? 1 : 2);
                if (Long.compareUnsigned(key, best) > 0) {
                    best = key;
                }
            }
        }
        m.i64(first, 0, best);
    }

    /** column_partials: block (x, y) sums, minimises and maximises its columns over row chunk y. */
    public static void columnPartials(EmulatedMemory m, long[] a, int gridX, int gridY, int blockX) {
        long x = a[0], rowNorm = a[1], partials = a[5];
        int n = (int) a[2], d = (int) a[3], rowsPerChunk = (int) a[4];
        for (int chunk = 0; chunk < gridY; chunk++) {
            for (int t = 0; t < Math.min(d, gridX * blockX); t++) {
                int first = chunk * rowsPerChunk, last = Math.min(n, first + rowsPerChunk);
                double sum = 0.0, lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
                for (int r = first; r < last; r++) {
                    double v = m.f32(x, (long) r * d + t);
                    if (rowNorm != 0L) {
                        v /= m.f64(rowNorm, r);
                    }
                    sum += v;
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
                long out = (long) chunk * 3 * d;
                m.f64(partials, out + t, sum);
                m.f64(partials, out + d + t, lo);
                m.f64(partials, out + 2L * d + t, hi);
            }
        }
    }

    /** column_spread: one thread per column adds the chunks in order. */
    public static void columnSpread(EmulatedMemory m, long[] a, int threads) {
        long partials = a[0], mean = a[4], spread = a[5];
        int chunks = (int) a[1], n = (int) a[2], d = (int) a[3];
        for (int t = 0; t < Math.min(d, threads); t++) {
            double sum = 0.0, lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < chunks; c++) {
                long in = (long) c * 3 * d;
                sum += m.f64(partials, in + t);
                lo = Math.min(lo, m.f64(partials, in + d + t));
                hi = Math.max(hi, m.f64(partials, in + 2L * d + t));
            }
            double average = sum / n;
            m.f64(mean, t, average);
            m.f64(spread, t, Math.max(hi - average, average - lo));
        }
    }

    /** row_silhouettes: one thread per class-sorted row (the first {@code threads} rows run). */
    public static void rowSilhouettes(EmulatedMemory m, long[] a, int threads) {
        long sums = a[0], sortedLabels = a[1], classOffsets = a[2], sortedRows = a[3], rowWeights = a[4];
        boolean hasRowWeights = (int) a[5] != 0;
        double tau = f64(a, 6), weight = f64(a, 7);
        boolean gradient = (int) a[8] != 0;
        int n = (int) a[9], k = (int) a[10];
        long silhouettes = a[11];
        for (int p = 0; p < Math.min(threads, n); p++) {
            long row = (long) p * k;
            int own = m.i32(sortedLabels, p);
            int ownSize = m.i32(classOffsets, own + 1) - m.i32(classOffsets, own);
            boolean zero = ownSize < 2 || k < 2;
            double s = 0, dsda = 0, dsdb = 0, b = 0, zsum = 0, mn = 0;
            int argmin = -1;
            if (!zero) {
                double av = m.f64(sums, row + own) / (ownSize - 1);
                mn = Double.POSITIVE_INFINITY;
                for (int c = 0; c < k; c++) {
                    if (c != own) {
                        double delta = m.f64(sums, row + c) / (m.i32(classOffsets, c + 1) - m.i32(classOffsets, c));
                        if (delta < mn) {
                            mn = delta;
                            argmin = c;
                        }
                    }
                }
                if (tau == 0.0) {
                    b = mn;
                } else {
                    double weighted = 0;
                    for (int c = 0; c < k; c++) {
                        if (c != own) {
                            double delta = m.f64(sums, row + c)
                                    / (m.i32(classOffsets, c + 1) - m.i32(classOffsets, c));
                            double e = Math.exp(-(delta - mn) / tau);
                            zsum += e;
                            weighted += e * delta;
                        }
                    }
                    b = weighted / zsum;
                    if (b < mn) {
                        b = mn;
                    }
                }
                double most = Math.max(av, b);
                if (most == 0.0) {
                    zero = true;
                } else if (av < b) {
                    s = 1.0 - av / b;
                    dsda = -1.0 / b;
                    dsdb = av / (b * b);
                } else {
                    s = b / av - 1.0;
                    dsda = -b / (av * av);
                    dsdb = 1.0 / av;
                }
            }
            m.f64(silhouettes, p, zero ? 0.0 : Math.max(-1.0, Math.min(1.0, s)));
            if (!gradient) {
                continue;
            }
            double w = weight * (hasRowWeights ? (double) m.f32(rowWeights, m.i32(sortedRows, p)) : 1.0);
            for (int c = 0; c < k; c++) {
                double derivative = 0.0;
                if (zero || m.f64(sums, row + c) == 0.0) {
                    derivative = 0.0;
                } else if (c == own) {
                    derivative = dsda / (ownSize - 1);
                } else if (tau == 0.0) {
                    derivative = c == argmin
                            ? dsdb / (m.i32(classOffsets, c + 1) - m.i32(classOffsets, c)) : 0.0;
                } else {
                    int size = m.i32(classOffsets, c + 1) - m.i32(classOffsets, c);
                    double delta = m.f64(sums, row + c) / size;
                    double e = Math.exp(-(delta - mn) / tau);
                    if (e != 0.0) {
                        double pi = e / zsum;
                        derivative = dsdb * (pi * (1.0 - (delta - b) / tau)) / size;
                    }
                }
                m.f64(sums, row + c, derivative == 0.0 ? 0.0 : -w * derivative);
            }
        }
    }
}
