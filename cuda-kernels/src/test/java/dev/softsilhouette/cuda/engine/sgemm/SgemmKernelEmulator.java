package dev.softsilhouette.cuda.engine.sgemm;

import dev.softsilhouette.cuda.engine.EmulatedMemory;
import dev.softsilhouette.cuda.engine.EmulatedPort;
import dev.softsilhouette.cuda.engine.FakeDeviceMemory;
import dev.softsilhouette.cuda.engine.KernelArguments;
import dev.softsilhouette.cuda.engine.SgemmPort;
import dev.softsilhouette.cuda.engine.SilhouetteRowsPorts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An {@link SgemmPort} without a GPU, on which the production {@link SgemmStrategy} runs unchanged: device memory is
 * a {@link FakeDeviceMemory} (every allocation at a made-up address, garbage until written, every access checked
 * against a live allocation), launches are dispatched by kernel symbol to Java ports of {@code ffm_prepare.cu},
 * {@code ffm_euclidean.cu} and the shared {@code silhouette_rows.cu} kernels ({@link SilhouetteRowsPorts}), and
 * {@link #sgemm} is BLAS's {@code SGEMM} in float32, column-major, with its transposition and leading-dimension
 * conventions. Each port follows its kernel: float where the kernel uses float, double where it uses double, the
 * block-per-row kernels' per-thread partial sums and fixed tree ({@code FFM_BLOCK} threads), grid-stride kernels
 * element by element. Double multiply-adds are not fused here (NVRTC may contract them, {@code --fmad=true}: a
 * difference of an ulp of a double). The SGEMM accumulates with float FMAs over the inner dimension in order (cuBLAS
 * chooses its own order: float rounding of the same size). It does not check what only hardware shows (races,
 * speed, cuBLAS's own algorithm).
 */
final class SgemmKernelEmulator extends EmulatedPort implements SgemmPort {
    /** FFM_BLOCK of the .cu files: the block of the block-per-row kernels. */
    private static final int FFM_BLOCK = 128;
    /** FFM_EXACT_RATIO of ffm_euclidean.cu. */
    private static final double EXACT_RATIO = 256.0;
    private static final int FFM_COSINE = 2;
    /** FFM_CLASS_EXACT_RATIO of ffm_prepare.cu. */
    private static final double CLASS_EXACT_RATIO = 16.0;

    private final EmulatedMemory m = memory;
    private long[] a;
    /** Pair distances {@code ffm_gram_distance} recomputed from the rows (near pairs), over all launches. */
    long nearPairs;
    /** Row-to-class-mean distances {@code ffm_class_stat_sums} recomputed from the rows, over all launches. */
    long nearClassEntries;
    /**
     * Deliberate defects, for the tests that show the comparison can fail (0: the kernels as written): every class
     * sum of class 0 written by {@code ffm_class_stat_sums} or added by {@code ffm_reduce_segments} is multiplied by
     * {@code 1 + classZeroSumError}; every gradient value the three gradient kernels write by
     * {@code 1 + gradientError}.
     */
    double classZeroSumError;
    double gradientError;

    /**
     * cuBLAS {@code cublasSgemm}: {@code C = alpha op(A) op(B) + beta C}, column-major, element (i, j) of an
     * ld-strided matrix at {@code i + j ld}; {@code op(A)(i, l)} is {@code A[l + i lda]} when transposed, else
     * {@code A[i + l lda]} (B likewise). With {@code beta == 0} C is not read (BLAS: it need not be set).
     */
    @Override
    public void sgemm(boolean transposeA, boolean transposeB, int rows, int columns, int inner, float alpha, long pa,
                      int lda, long pb, int ldb, float beta, long pc, int ldc) {
        SgemmPort.checkShape(transposeA, transposeB, rows, columns, inner, lda, ldb, ldc);
        launches.add("sgemm");
        events.add("sgemm");
        float[] left = new float[inner];
        for (int i = 0; i < rows; i++) {
            for (int l = 0; l < inner; l++) {
                left[l] = m.f32(pa, transposeA ? l + (long) i * lda : i + (long) l * lda);
            }
            for (int j = 0; j < columns; j++) {
                float acc = 0.0f;
                for (int l = 0; l < inner; l++) {
                    acc = Math.fma(left[l], m.f32(pb, transposeB ? j + (long) l * ldb : l + (long) j * ldb), acc);
                }
                long e = i + (long) j * ldc;
                m.f32(pc, e, beta == 0.0f ? alpha * acc : Math.fma(beta, m.f32(pc, e), alpha * acc));
            }
        }
    }

    private int ai(int i) {
        return (int) a[i];
    }

    private double ad(int i) {
        return Double.longBitsToDouble(a[i]);
    }

    @Override
    public void launch(String kernel, int gridX, int gridY, int blockX, int blockY, KernelArguments arguments) {
        launched(kernel, gridX, gridY, blockX, blockY);
        a = arguments.toArray();
        int threads = gridX * blockX;
        switch (kernel) {
            case "ffm_gather_rows" -> gatherRows();
            case "ffm_normalize_rows" -> normalizeRows(perRow(gridX, blockX));
            case "ffm_row_terms" -> rowTerms(perRow(gridX, blockX));
            case "ffm_class_means" -> classMeans();
            case "ffm_class_terms" -> classTerms(perRow(gridX, blockX));
            case "ffm_class_stat_sums" -> classStatSums();
            case "ffm_coefficient_class_sums" -> coefficientClassSums(threads);
            case "ffm_coefficient_operands" -> coefficientOperands(threads);
            case "ffm_squared_euclidean_gradient" -> squaredEuclideanGradient();
            case "ffm_cosine_gradient" -> cosineGradient(perRow(gridX, blockX));
            case "ffm_block_segment_sums" -> blockSegmentSums();
            case "ffm_reduce_segments" -> reduceSegments();
            case "ffm_distance_coefficients" -> distanceCoefficients();
            case "ffm_coefficient_row_sums" -> coefficientRowSums(perRow(gridX, blockX));
            case "ffm_euclidean_gradient" -> euclideanGradient();
            case "column_partials" -> SilhouetteRowsPorts.columnPartials(m, a, gridX, gridY, blockX);
            case "column_spread" -> SilhouetteRowsPorts.columnSpread(m, a, threads);
            case "row_silhouettes" -> SilhouetteRowsPorts.rowSilhouettes(m, a, threads);
            case "find_non_finite" -> SilhouetteRowsPorts.findNonFinite(m, a);
            default -> throw new AssertionError("no emulation of " + kernel);
        }
    }

    /** A block-per-row kernel: its shared tree needs exactly FFM_BLOCK threads; the grid's blocks are its rows. */
    private static int perRow(int gridX, int blockX) {
        assertEquals(FFM_BLOCK, blockX, "a block-per-row kernel runs FFM_BLOCK threads");
        return gridX;
    }

    /** ffm_gather_rows: z[p][t] = (x[order[p]][t] / norms[p] - mean[t]) * scale, in double, rounded once. */
    private void gatherRows() {
        long x = a[0], order = a[1], norms = a[2], mean = a[3], z = a[7];
        double scale = ad(4);
        int n = ai(5), d = ai(6);
        for (long e = 0; e < (long) n * d; e++) {
            int p = (int) (e / d);
            int t = (int) (e - (long) p * d);
            double v = m.f32(x, (long) m.i32(order, p) * d + t);
            if (norms != 0L) {
                v /= m.f64(norms, p);
            }
            if (mean != 0L) {
                v -= m.f64(mean, t);
            }
            m.f32(z, e, (float) (v * scale));
        }
    }

    private void normalizeRows(int blocks) {
        long z = a[0], norms = a[4], correction = a[5];
        int n = ai(1), d = ai(2);
        double normFloor = ad(3);
        for (int p = 0; p < Math.min(blocks, n); p++) {
            long row = (long) p * d;
            double[] partial = new double[FFM_BLOCK];
            for (int tid = 0; tid < FFM_BLOCK; tid++) {
                for (int t = tid; t < d; t += FFM_BLOCK) {
                    double v = m.f32(z, row + t);
                    partial[tid] += v * v;
                }
            }
            double raw = Math.sqrt(SilhouetteRowsPorts.blockSum(partial));
            double norm = Math.max(raw, normFloor);
            for (int t = 0; t < d; t++) {
                m.f32(z, row + t, (float) ((double) m.f32(z, row + t) / norm));
            }
            m.f64(norms, p, norm);
            double unit = raw / norm;
            m.f64(correction, p, raw >= normFloor ? 0.0 : 0.5 * (1.0 - unit * unit));
        }
    }

    private void rowTerms(int blocks) {
        long z = a[0], y = a[1], classMean = a[2], rowSq = a[5], rowOwn = a[6];
        int n = ai(3), d = ai(4);
        for (int p = 0; p < Math.min(blocks, n); p++) {
            long row = (long) p * d;
            long mean = classMean == 0L ? -1 : (long) m.i32(y, p) * d;
            double[] sq = new double[FFM_BLOCK];
            double[] own = new double[FFM_BLOCK];
            for (int tid = 0; tid < FFM_BLOCK; tid++) {
                for (int t = tid; t < d; t += FFM_BLOCK) {
                    double v = m.f32(z, row + t);
                    sq[tid] += v * v;
                    if (mean >= 0) {
                        double diff = v - m.f64(classMean, mean + t);
                        own[tid] += diff * diff;
                    }
                }
            }
            m.f64(rowSq, p, SilhouetteRowsPorts.blockSum(sq));
            if (mean >= 0) {
                m.f64(rowOwn, p, SilhouetteRowsPorts.blockSum(own));
            }
        }
    }

    private void classMeans() {
        long z = a[0], offsets = a[1], meanD = a[4], meanF = a[5];
        int k = ai(2), d = ai(3);
        for (long e = 0; e < (long) k * d; e++) {
            int c = (int) (e / d);
            int t = (int) (e - (long) c * d);
            int begin = m.i32(offsets, c), end = m.i32(offsets, c + 1);
            double sum = 0.0;
            for (int p = begin; p < end; p++) {
                sum += (double) m.f32(z, (long) p * d + t);
            }
            double mean = sum / (double) (end - begin);
            m.f64(meanD, e, mean);
            m.f32(meanF, e, (float) mean);
        }
    }

    private void classTerms(int blocks) {
        long meanD = a[0], rowOwn = a[1], rowCorrection = a[2], offsets = a[3];
        long classSq = a[6], classScatter = a[7], classCorrection = a[8];
        int k = ai(4), d = ai(5);
        for (int c = 0; c < Math.min(blocks, k); c++) {
            long mean = (long) c * d;
            double[] sq = new double[FFM_BLOCK];
            double[] scatter = new double[FFM_BLOCK];
            double[] corr = new double[FFM_BLOCK];
            for (int tid = 0; tid < FFM_BLOCK; tid++) {
                for (int t = tid; t < d; t += FFM_BLOCK) {
                    sq[tid] += m.f64(meanD, mean + t) * m.f64(meanD, mean + t);
                }
                for (int p = m.i32(offsets, c) + tid; p < m.i32(offsets, c + 1); p += FFM_BLOCK) {
                    scatter[tid] += m.f64(rowOwn, p);
                    if (rowCorrection != 0L) {
                        corr[tid] += m.f64(rowCorrection, p);
                    }
                }
            }
            m.f64(classSq, c, SilhouetteRowsPorts.blockSum(sq));
            m.f64(classScatter, c, SilhouetteRowsPorts.blockSum(scatter));
            if (rowCorrection != 0L) {
                m.f64(classCorrection, c, SilhouetteRowsPorts.blockSum(corr));
            }
        }
    }

    private void classStatSums() {
        long dot = a[0], z = a[1], meanD = a[2], rowSq = a[4], rowOwn = a[5], classSq = a[6], classScatter = a[7];
        long rowCorrection = a[8], classCorrection = a[9], y = a[10], offsets = a[11], sums = a[15];
        int d = ai(3), n = ai(12), k = ai(13), metric = ai(14);
        for (long e = 0; e < (long) n * k; e++) {
            int p = (int) (e / k);
            int c = (int) (e - (long) p * k);
            double size = m.i32(offsets, c + 1) - m.i32(offsets, c);
            boolean own = c == m.i32(y, p);
            double toMean;
            if (own) {
                toMean = m.f64(rowOwn, p);
            } else {
                toMean = m.f64(rowSq, p) - 2.0 * (double) m.f32(dot, e) + m.f64(classSq, c);
                if (toMean < (m.f64(rowSq, p) + m.f64(classSq, c)) * (1.0 / CLASS_EXACT_RATIO)) {
                    nearClassEntries++;
                    toMean = 0.0;
                    for (int t = 0; t < d; t++) {
                        double diff = (double) m.f32(z, (long) p * d + t) - m.f64(meanD, (long) c * d + t);
                        toMean += diff * diff;
                    }
                }
                toMean = Math.max(toMean, 0.0);
            }
            double sum = size * toMean + m.f64(classScatter, c);
            if (metric == FFM_COSINE) {
                double others = own ? size - 1.0 : size;
                sum = 0.5 * sum + others * m.f64(rowCorrection, p) + m.f64(classCorrection, c)
                        - (own ? m.f64(rowCorrection, p) : 0.0);
            }
            m.f64(sums, e, Math.max(sum, 0.0) * (c == 0 ? 1.0 + classZeroSumError : 1.0));
        }
    }

    private void coefficientClassSums(int threads) {
        long coef = a[0], classCoefSum = a[3];
        int n = ai(1), k = ai(2);
        for (int c = 0; c < Math.min(threads, k); c++) {
            double sum = 0.0;
            for (int p = 0; p < n; p++) {
                sum += m.f64(coef, (long) p * k + c);
            }
            m.f64(classCoefSum, c, sum);
        }
    }

    private void coefficientOperands(int threads) {
        long coef = a[0], classCoefSum = a[1], y = a[2], offsets = a[3];
        long coefF = a[6], scaledF = a[7], rowScale = a[8], ownCoef = a[9];
        int n = ai(4), k = ai(5);
        for (int p = 0; p < Math.min(threads, n); p++) {
            long row = (long) p * k;
            double weighted = 0.0;
            for (int c = 0; c < k; c++) {
                double value = m.f64(coef, row + c);
                double size = m.i32(offsets, c + 1) - m.i32(offsets, c);
                m.f32(coefF, row + c, (float) value);
                m.f32(scaledF, row + c, (float) (value * size));
                weighted += value * size;
            }
            int own = m.i32(y, p);
            m.f64(rowScale, p, weighted + m.f64(classCoefSum, own));
            m.f64(ownCoef, p, m.f64(coef, row + own));
        }
    }

    private void squaredEuclideanGradient() {
        long z = a[0], r = a[1], tc = a[2], rowScale = a[3], y = a[4], order = a[5], grad = a[9];
        int n = ai(6), d = ai(7);
        double outScale = ad(8);
        for (long e = 0; e < (long) n * d; e++) {
            int p = (int) (e / d);
            int t = (int) (e - (long) p * d);
            double g = m.f64(rowScale, p) * (double) m.f32(z, e) - (double) m.f32(r, e)
                    - (double) m.f32(tc, (long) m.i32(y, p) * d + t);
            m.f32(grad, (long) m.i32(order, p) * d + t, (float) (2.0 * outScale * g * (1.0 + gradientError)));
        }
    }

    private void cosineGradient(int blocks) {
        long z = a[0], r = a[1], tc = a[2], ownCoef = a[3], rowScale = a[4], mean = a[5], norms = a[6];
        long y = a[7], order = a[8], grad = a[11];
        int n = ai(9), d = ai(10);
        for (int p = 0; p < Math.min(blocks, n); p++) {
            long row = (long) p * d;
            long tRow = (long) m.i32(y, p) * d;
            double self = 2.0 * m.f64(ownCoef, p);
            double meanWeight = m.f64(rowScale, p) - self;
            double[] dot = new double[FFM_BLOCK];
            double[] v = new double[d];
            for (int tid = 0; tid < FFM_BLOCK; tid++) {
                for (int t = tid; t < d; t += FFM_BLOCK) {
                    v[t] = (double) m.f32(r, row + t) + (double) m.f32(tc, tRow + t) - self * (double) m.f32(z, row + t)
                            + meanWeight * m.f64(mean, t);
                    dot[tid] += ((double) m.f32(z, row + t) + m.f64(mean, t)) * v[t];
                }
            }
            double projection = SilhouetteRowsPorts.blockSum(dot);
            double inverseNorm = 1.0 / m.f64(norms, p);
            long out = (long) m.i32(order, p) * d;
            for (int t = 0; t < d; t++) {
                double value = -(v[t] - projection * ((double) m.f32(z, row + t) + m.f64(mean, t))) * inverseNorm;
                m.f32(grad, out + t, (float) (value * (1.0 + gradientError)));
            }
        }
    }

    /** ffm_gram_distance. */
    private double gramDistance(long z, int d, int i, int j, double rowSqI, double rowSqJ, float gram) {
        double sq = rowSqI + rowSqJ - 2.0 * (double) gram;
        if (sq < (rowSqI + rowSqJ) * (1.0 / EXACT_RATIO)) {
            nearPairs++;
            long zi = (long) i * d, zj = (long) j * d;
            sq = 0.0;
            for (int t = 0; t < d; t++) {
                double diff = (double) m.f32(z, zi + t) - (double) m.f32(z, zj + t);
                sq += diff * diff;
            }
        }
        return Math.sqrt(Math.max(sq, 0.0));
    }

    private void blockSegmentSums() {
        long gram = a[0], z = a[5], rowSq = a[7], segStart = a[8], segEnd = a[9], partial = a[11];
        int bi = ai(1), bj = ai(2), i0 = ai(3), j0 = ai(4), d = ai(6), segCount = ai(10);
        for (long e = 0; e < (long) bi * segCount; e++) {
            int p = (int) (e / segCount);
            int s = (int) (e - (long) p * segCount);
            int i = i0 + p;
            double rowSqI = m.f64(rowSq, i);
            double sum = 0.0;
            for (int j = m.i32(segStart, s); j < m.i32(segEnd, s); j++) {
                assertTrue(j >= j0 && j < j0 + bj, "segment column " + j + " outside the block's " + j0 + ".."
                        + (j0 + bj - 1));
                if (j != i) {
                    sum += gramDistance(z, d, i, j, rowSqI, m.f64(rowSq, j), m.f32(gram, (long) p * bj + j - j0));
                }
            }
            m.f64(partial, e, sum);
        }
    }

    private void reduceSegments() {
        long partial = a[0], classSegFirst = a[3], sums = a[8];
        int bi = ai(1), segCount = ai(2), classFirst = ai(4), classCount = ai(5), k = ai(6), i0 = ai(7);
        for (long e = 0; e < (long) bi * classCount; e++) {
            int p = (int) (e / classCount);
            int c = (int) (e - (long) p * classCount);
            long row = (long) p * segCount;
            double sum = 0.0;
            for (int s = m.i32(classSegFirst, c); s < m.i32(classSegFirst, c + 1); s++) {
                sum += m.f64(partial, row + s);
            }
            if (classFirst + c == 0) {
                sum *= 1.0 + classZeroSumError;
            }
            long out = (long) (i0 + p) * k + classFirst + c;
            m.f64(sums, out, m.f64(sums, out) + sum);
        }
    }

    private void distanceCoefficients() {
        long gram = a[0], z = a[5], rowSq = a[7], y = a[8], coef = a[9];
        int bi = ai(1), bj = ai(2), i0 = ai(3), j0 = ai(4), d = ai(6), k = ai(10);
        for (long e = 0; e < (long) bi * bj; e++) {
            int p = (int) (e / bj);
            int q = (int) (e - (long) p * bj);
            int i = i0 + p;
            int j = j0 + q;
            double c = 0.0;
            if (i != j) {
                double dist = gramDistance(z, d, i, j, m.f64(rowSq, i), m.f64(rowSq, j), m.f32(gram, e));
                if (dist > 0.0) {
                    c = (m.f64(coef, (long) i * k + m.i32(y, j)) + m.f64(coef, (long) j * k + m.i32(y, i))) / dist;
                }
            }
            m.f32(gram, e, (float) c);
        }
    }

    private void coefficientRowSums(int blocks) {
        long coefficients = a[0], rowSums = a[4];
        int bi = ai(1), bj = ai(2), i0 = ai(3);
        for (int p = 0; p < Math.min(blocks, bi); p++) {
            double[] partial = new double[FFM_BLOCK];
            for (int tid = 0; tid < FFM_BLOCK; tid++) {
                for (int q = tid; q < bj; q += FFM_BLOCK) {
                    partial[tid] += (double) m.f32(coefficients, (long) p * bj + q);
                }
            }
            m.f64(rowSums, i0 + p, m.f64(rowSums, i0 + p) + SilhouetteRowsPorts.blockSum(partial));
        }
    }

    private void euclideanGradient() {
        long z = a[0], negCz = a[1], rowSums = a[2], order = a[3], grad = a[7];
        int n = ai(4), d = ai(5);
        double outScale = ad(6);
        for (long e = 0; e < (long) n * d; e++) {
            int p = (int) (e / d);
            int t = (int) (e - (long) p * d);
            double g = m.f64(rowSums, p) * (double) m.f32(z, e) + (double) m.f32(negCz, e);
            m.f32(grad, (long) m.i32(order, p) * d + t, (float) (outScale * g * (1.0 + gradientError)));
        }
    }
}
