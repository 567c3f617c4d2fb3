package dev.softsilhouette.cpu.simd;

import dev.softsilhouette.spi.ClassMeans;
import dev.softsilhouette.spi.SilhouetteMath;

import java.util.Arrays;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link SimdOps} on {@code jdk.incubator.vector} with the preferred species (512 bits on AVX-512). Its lane-by-lane
 * twin {@link LaneSimdOps} shares the constants below and must follow every change to the order of operations.
 */
public final class VectorSimdOps implements SimdOps {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Below this fraction of {@code |x_i|^2 + |x_j|^2} the expanded squared distance is recomputed directly. */
    private static final float NEAR = 1.0f / 64;

    /** Shuffles that fold the upper half of the live lanes onto the lower half: a fixed summation tree. */
    private static final VectorShuffle<Float>[] FOLDS = folds(S);

    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    /** Ints as wide as the floats of {@link #S} (class indices that select coefficients). */
    private static final VectorSpecies<Integer> IS = S.withLanes(int.class);
    /** The float lanes from L/2 on: where a double vector narrowed with part -1 lands. */
    private static final VectorMask<Float> UPPER_HALF = VectorMask.fromLong(S, -1L << (L / 2));
    private static final int DL = DS.length();
    /** Floats that widen to one vector of doubles (half the float lanes). */
    private static final VectorSpecies<Float> HS = VectorSpecies.of(float.class,
            VectorShape.forBitSize(DS.vectorBitSize() / 2));
    /** Softmin exponents below this count as weight 0 (e^-708 is 3e-308 next to the nearest class's weight 1). */
    static final double EXP_FLOOR = -708.0;
    /** 1.5 * 2^52: adding it rounds a double of magnitude below 2^51 to an integer, kept in the low mantissa bits. */
    static final double ROUNDER = 0x1.8p52;
    static final double LOG2_E = 1.4426950408889634;
    static final double LN2_HI = 0x1.62e42fefa3800p-1;
    static final double LN2_LO = 0x1.ef35793c76730p-45;
    /** 1/j!: Taylor terms of exp; to degree 12 on |r| <= ln(2)/2 the truncation error is below 2e-16 relative. */
    static final double EXP_TAYLOR_12 = 1.0 / 479001600;
    static final double EXP_TAYLOR_11 = 1.0 / 39916800;
    static final double EXP_TAYLOR_10 = 1.0 / 3628800;
    static final double EXP_TAYLOR_9 = 1.0 / 362880;
    static final double EXP_TAYLOR_8 = 1.0 / 40320;
    static final double EXP_TAYLOR_7 = 1.0 / 5040;
    static final double EXP_TAYLOR_6 = 1.0 / 720;
    static final double EXP_TAYLOR_5 = 1.0 / 120;
    static final double EXP_TAYLOR_4 = 1.0 / 24;
    static final double EXP_TAYLOR_3 = 1.0 / 6;

    /** Float exponents below this give 0 (e^-87 is near the smallest normal float); above the cap, clamped. */
    static final float EXP_FLOOR_F = -87.0f;
    static final float EXP_CAP_F = 88.0f;
    /** 1.5 * 2^23: adding it rounds a float of magnitude below 2^22 to an integer, kept in the low mantissa bits. */
    static final float ROUNDER_F = 0x1.8p23f;
    static final float LOG2_E_F = 1.44269504f;
    static final float LN2_HI_F = 0.693145751953125f;
    static final float LN2_LO_F = 1.42860677e-6f;
    /**
     * The float exponential's constants as vectors (e^x in float: x = n ln2 + r, |r| <= ln2/2, a degree-7 Taylor
     * polynomial in r, truncation below 1e-8 relative, times 2^n built from bits; 0 below {@link #EXP_FLOOR_F}, and
     * for -inf and NaN): Horner from 1/5040 down to the two 1s.
     */
    private static final FloatVector ROUNDER_V = FloatVector.broadcast(S, ROUNDER_F);
    private static final FloatVector LOG2_E_V = FloatVector.broadcast(S, LOG2_E_F);
    private static final FloatVector MINUS_LN2_HI_V = FloatVector.broadcast(S, -LN2_HI_F);
    private static final FloatVector MINUS_LN2_LO_V = FloatVector.broadcast(S, -LN2_LO_F);
    private static final FloatVector EXP_C7 = FloatVector.broadcast(S, 1.0f / 5040);
    private static final FloatVector EXP_C6 = FloatVector.broadcast(S, 1.0f / 720);
    private static final FloatVector EXP_C5 = FloatVector.broadcast(S, 1.0f / 120);
    private static final FloatVector EXP_C4 = FloatVector.broadcast(S, 1.0f / 24);
    private static final FloatVector EXP_C3 = FloatVector.broadcast(S, 1.0f / 6);
    private static final FloatVector EXP_C2 = FloatVector.broadcast(S, 0.5f);
    private static final FloatVector EXP_C1 = FloatVector.broadcast(S, 1.0f);

    /** The double lanes' summation tree, as {@link #FOLDS}. */
    private static final VectorShuffle<Double>[] DOUBLE_FOLDS = folds(DS);

    /** Shuffles that fold the upper half of the live lanes onto the lower half, halving until one lane is left. */
    @SuppressWarnings("unchecked")
    private static <E> VectorShuffle<E>[] folds(VectorSpecies<E> species) {
        int lanes = species.length();
        int steps = Integer.numberOfTrailingZeros(lanes);
        VectorShuffle<E>[] folds = (VectorShuffle<E>[]) new VectorShuffle<?>[steps];
        for (int s = 0, half = lanes / 2; s < steps; s++, half /= 2) {
            int h = half;
            folds[s] = VectorShuffle.fromOp(species, i -> (i + h) % lanes);
        }
        return folds;
    }

    @Override
    public int widestProduct() {
        return S.vectorBitSize() >= 512 ? 4 : 3; // 16 accumulators fit the 32 registers of AVX-512, not AVX2's 16
    }

    @Override
    public int lanes() {
        return L;
    }

    /**
     * x86 with 16-byte vectors: C2 there compiles no mask over two 64-bit lanes (-XX:+PrintIntrinsics: blend, compare
     * and mask broadcast "not supported" at vlen 2), so the methods whose double vectors use masks would run the
     * Vector API's Java fallbacks, which allocate every vector on every call. They run the plain loops instead, which
     * give the same bits ({@code LaneCodeTest}); null everywhere else.
     */
    private final SimdOps twoLaneDoubleMasks = DL == 2 && isX86() ? new LaneSimdOps(this) : null;

    private static boolean isX86() {
        String arch = System.getProperty("os.arch", "");
        return arch.equals("amd64") || arch.equals("x86_64") || arch.equals("x86") || arch.equals("i386");
    }

    @Override
    public String describe() {
        return "Vector API " + S.vectorBitSize() + "-bit, " + L + " float lanes"
                + (twoLaneDoubleMasks != null ? ", masked double-vector row math in plain loops" : "");
    }

    /*
     * The product kernels address both operands from the loop counter l. B's step is one of its layouts' two where it
     * can be (a vector: column panels; the kernel's width: row slices), each in a branch of its own that the JIT takes
     * out of the loop: with a constant step it checks the bounds of the loads once, before the loop, rather than at
     * every load, and keeps no induction variable per operand (with one per operand, advanced by a variable stride,
     * the 6-row loop ran out of registers). The test is written out in each kernel: as a shared static helper, inlined
     * all the same, the kernels ran about a tenth slower.
     */
    @Override
    public void multiplyAdd(int vectors, float[] a, int aOff, int aRowStride, int aLoopStride,
                            float[] b, int bOff, int bVectorStride, int bLoopStride, int count,
                            float[] c, int cOff, int cRowStride, boolean accumulate) {
        if (vectors == 4) {
            multiplyAdd4x4(a, aOff, aRowStride, aLoopStride, b, bOff, bVectorStride, bLoopStride, count, c, cOff,
                    cRowStride, accumulate);
        } else if (vectors == 3) {
            multiplyAdd4x3(a, aOff, aRowStride, aLoopStride, b, bOff, bVectorStride, bLoopStride, count, c, cOff,
                    cRowStride, accumulate);
        } else if (vectors == 2) {
            multiplyAdd4x2(a, aOff, aRowStride, aLoopStride, b, bOff, bVectorStride, bLoopStride, count, c, cOff,
                    cRowStride, accumulate);
        } else {
            multiplyAdd4x1(a, aOff, aRowStride, aLoopStride, b, bOff, bLoopStride, count, c, cOff, cRowStride,
                    accumulate);
        }
    }

    /** 4 rows x 4 vectors: 16 accumulators, 4 loads and 4 broadcasts per 16 FMAs (needs 32 vector registers). */
    private static void multiplyAdd4x4(float[] a, int aOff, int aRowStride, int aLoopStride,
                                       float[] b, int bOff, int bVectorStride, int bLoopStride, int count,
                                       float[] c, int cOff, int cRowStride, boolean accumulate) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00;
        FloatVector c13 = c00, c20 = c00, c21 = c00, c22 = c00, c23 = c00, c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        int a0 = aOff, a1 = a0 + aRowStride, a2 = a1 + aRowStride, a3 = a2 + aRowStride;
        int b0 = bOff, b1 = bOff + bVectorStride, b2 = b1 + bVectorStride, b3 = b2 + bVectorStride;
        for (int l = 0; l < count; l++) {
            int bl; // a constant step where the layout has one: see multiplyAdd
            if (bLoopStride == L) {
                bl = l * L;
            } else if (bLoopStride == 4 * L) {
                bl = l * (4 * L);
            } else {
                bl = l * bLoopStride;
            }
            int al = l * aLoopStride;
            FloatVector v0 = FloatVector.fromArray(S, b, b0 + bl);
            FloatVector v1 = FloatVector.fromArray(S, b, b1 + bl);
            FloatVector v2 = FloatVector.fromArray(S, b, b2 + bl);
            FloatVector v3 = FloatVector.fromArray(S, b, b3 + bl);
            FloatVector x = FloatVector.broadcast(S, a[a0 + al]);
            c00 = v0.fma(x, c00);
            c01 = v1.fma(x, c01);
            c02 = v2.fma(x, c02);
            c03 = v3.fma(x, c03);
            x = FloatVector.broadcast(S, a[a1 + al]);
            c10 = v0.fma(x, c10);
            c11 = v1.fma(x, c11);
            c12 = v2.fma(x, c12);
            c13 = v3.fma(x, c13);
            x = FloatVector.broadcast(S, a[a2 + al]);
            c20 = v0.fma(x, c20);
            c21 = v1.fma(x, c21);
            c22 = v2.fma(x, c22);
            c23 = v3.fma(x, c23);
            x = FloatVector.broadcast(S, a[a3 + al]);
            c30 = v0.fma(x, c30);
            c31 = v1.fma(x, c31);
            c32 = v2.fma(x, c32);
            c33 = v3.fma(x, c33);
        }
        (accumulate ? c00.add(FloatVector.fromArray(S, c, cOff)) : c00).intoArray(c, cOff);
        (accumulate ? c01.add(FloatVector.fromArray(S, c, cOff + L)) : c01).intoArray(c, cOff + L);
        (accumulate ? c02.add(FloatVector.fromArray(S, c, cOff + 2 * L)) : c02).intoArray(c, cOff + 2 * L);
        (accumulate ? c03.add(FloatVector.fromArray(S, c, cOff + 3 * L)) : c03).intoArray(c, cOff + 3 * L);
        (accumulate ? c10.add(FloatVector.fromArray(S, c, cOff + cRowStride)) : c10).intoArray(c, cOff + cRowStride);
        (accumulate ? c11.add(FloatVector.fromArray(S, c, cOff + cRowStride + L)) : c11).intoArray(c, cOff + cRowStride + L);
        (accumulate ? c12.add(FloatVector.fromArray(S, c, cOff + cRowStride + 2 * L)) : c12).intoArray(c, cOff + cRowStride + 2 * L);
        (accumulate ? c13.add(FloatVector.fromArray(S, c, cOff + cRowStride + 3 * L)) : c13).intoArray(c, cOff + cRowStride + 3 * L);
        (accumulate ? c20.add(FloatVector.fromArray(S, c, cOff + 2 * cRowStride)) : c20).intoArray(c, cOff + 2 * cRowStride);
        (accumulate ? c21.add(FloatVector.fromArray(S, c, cOff + 2 * cRowStride + L)) : c21).intoArray(c, cOff + 2 * cRowStride + L);
        (accumulate ? c22.add(FloatVector.fromArray(S, c, cOff + 2 * cRowStride + 2 * L)) : c22).intoArray(c, cOff + 2 * cRowStride + 2 * L);
        (accumulate ? c23.add(FloatVector.fromArray(S, c, cOff + 2 * cRowStride + 3 * L)) : c23).intoArray(c, cOff + 2 * cRowStride + 3 * L);
        (accumulate ? c30.add(FloatVector.fromArray(S, c, cOff + 3 * cRowStride)) : c30).intoArray(c, cOff + 3 * cRowStride);
        (accumulate ? c31.add(FloatVector.fromArray(S, c, cOff + 3 * cRowStride + L)) : c31).intoArray(c, cOff + 3 * cRowStride + L);
        (accumulate ? c32.add(FloatVector.fromArray(S, c, cOff + 3 * cRowStride + 2 * L)) : c32).intoArray(c, cOff + 3 * cRowStride + 2 * L);
        (accumulate ? c33.add(FloatVector.fromArray(S, c, cOff + 3 * cRowStride + 3 * L)) : c33).intoArray(c, cOff + 3 * cRowStride + 3 * L);
    }

    /** 4 rows x 3 vectors: 12 accumulators, 3 loads and 4 broadcasts per 12 FMAs. */
    private static void multiplyAdd4x3(float[] a, int aOff, int aRowStride, int aLoopStride,
                                       float[] b, int bOff, int bVectorStride, int bLoopStride, int count,
                                       float[] c, int cOff, int cRowStride, boolean accumulate) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c30 = c00, c31 = c00, c32 = c00;
        int a0 = aOff, a1 = a0 + aRowStride, a2 = a1 + aRowStride, a3 = a2 + aRowStride;
        int b0 = bOff, b1 = bOff + bVectorStride, b2 = b1 + bVectorStride;
        for (int l = 0; l < count; l++) {
            int bl; // a constant step where the layout has one: see multiplyAdd
            if (bLoopStride == L) {
                bl = l * L;
            } else if (bLoopStride == 3 * L) {
                bl = l * (3 * L);
            } else {
                bl = l * bLoopStride;
            }
            int al = l * aLoopStride;
            FloatVector v0 = FloatVector.fromArray(S, b, b0 + bl);
            FloatVector v1 = FloatVector.fromArray(S, b, b1 + bl);
            FloatVector v2 = FloatVector.fromArray(S, b, b2 + bl);
            FloatVector x = FloatVector.broadcast(S, a[a0 + al]);
            c00 = v0.fma(x, c00);
            c01 = v1.fma(x, c01);
            c02 = v2.fma(x, c02);
            x = FloatVector.broadcast(S, a[a1 + al]);
            c10 = v0.fma(x, c10);
            c11 = v1.fma(x, c11);
            c12 = v2.fma(x, c12);
            x = FloatVector.broadcast(S, a[a2 + al]);
            c20 = v0.fma(x, c20);
            c21 = v1.fma(x, c21);
            c22 = v2.fma(x, c22);
            x = FloatVector.broadcast(S, a[a3 + al]);
            c30 = v0.fma(x, c30);
            c31 = v1.fma(x, c31);
            c32 = v2.fma(x, c32);
        }
        (accumulate ? c00.add(FloatVector.fromArray(S, c, cOff)) : c00).intoArray(c, cOff);
        (accumulate ? c01.add(FloatVector.fromArray(S, c, cOff + L)) : c01).intoArray(c, cOff + L);
        (accumulate ? c02.add(FloatVector.fromArray(S, c, cOff + 2 * L)) : c02).intoArray(c, cOff + 2 * L);
        (accumulate ? c10.add(FloatVector.fromArray(S, c, cOff + cRowStride)) : c10).intoArray(c, cOff + cRowStride);
        (accumulate ? c11.add(FloatVector.fromArray(S, c, cOff + cRowStride + L)) : c11).intoArray(c, cOff + cRowStride + L);
        (accumulate ? c12.add(FloatVector.fromArray(S, c, cOff + cRowStride + 2 * L)) : c12).intoArray(c, cOff + cRowStride + 2 * L);
        (accumulate ? c20.add(FloatVector.fromArray(S, c, cOff + 2 * cRowStride)) : c20).intoArray(c, cOff + 2 * cRowStride);
        (accumulate ? c21.add(FloatVector.fromArray(S, c, cOff + 2 * cRowStride + L)) : c21).intoArray(c, cOff + 2 * cRowStride + L);
        (accumulate ? c22.add(FloatVector.fromArray(S, c, cOff + 2 * cRowStride + 2 * L)) : c22).intoArray(c, cOff + 2 * cRowStride + 2 * L);
        (accumulate ? c30.add(FloatVector.fromArray(S, c, cOff + 3 * cRowStride)) : c30).intoArray(c, cOff + 3 * cRowStride);
        (accumulate ? c31.add(FloatVector.fromArray(S, c, cOff + 3 * cRowStride + L)) : c31).intoArray(c, cOff + 3 * cRowStride + L);
        (accumulate ? c32.add(FloatVector.fromArray(S, c, cOff + 3 * cRowStride + 2 * L)) : c32).intoArray(c, cOff + 3 * cRowStride + 2 * L);
    }

    private static void multiplyAdd4x2(float[] a, int aOff, int aRowStride, int aLoopStride,
                                       float[] b, int bOff, int bVectorStride, int bLoopStride, int count,
                                       float[] c, int cOff, int cRowStride, boolean accumulate) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        int a0 = aOff, a1 = a0 + aRowStride, a2 = a1 + aRowStride, a3 = a2 + aRowStride;
        int b0 = bOff, b1 = bOff + bVectorStride;
        for (int l = 0; l < count; l++) {
            int bl; // a constant step where the layout has one: see multiplyAdd
            if (bLoopStride == L) {
                bl = l * L;
            } else if (bLoopStride == 2 * L) {
                bl = l * (2 * L);
            } else {
                bl = l * bLoopStride;
            }
            int al = l * aLoopStride;
            FloatVector v0 = FloatVector.fromArray(S, b, b0 + bl);
            FloatVector v1 = FloatVector.fromArray(S, b, b1 + bl);
            FloatVector x = FloatVector.broadcast(S, a[a0 + al]);
            c00 = v0.fma(x, c00);
            c01 = v1.fma(x, c01);
            x = FloatVector.broadcast(S, a[a1 + al]);
            c10 = v0.fma(x, c10);
            c11 = v1.fma(x, c11);
            x = FloatVector.broadcast(S, a[a2 + al]);
            c20 = v0.fma(x, c20);
            c21 = v1.fma(x, c21);
            x = FloatVector.broadcast(S, a[a3 + al]);
            c30 = v0.fma(x, c30);
            c31 = v1.fma(x, c31);
        }
        (accumulate ? c00.add(FloatVector.fromArray(S, c, cOff)) : c00).intoArray(c, cOff);
        (accumulate ? c01.add(FloatVector.fromArray(S, c, cOff + L)) : c01).intoArray(c, cOff + L);
        (accumulate ? c10.add(FloatVector.fromArray(S, c, cOff + cRowStride)) : c10).intoArray(c, cOff + cRowStride);
        (accumulate ? c11.add(FloatVector.fromArray(S, c, cOff + cRowStride + L)) : c11).intoArray(c, cOff + cRowStride + L);
        (accumulate ? c20.add(FloatVector.fromArray(S, c, cOff + 2 * cRowStride)) : c20).intoArray(c, cOff + 2 * cRowStride);
        (accumulate ? c21.add(FloatVector.fromArray(S, c, cOff + 2 * cRowStride + L)) : c21).intoArray(c, cOff + 2 * cRowStride + L);
        (accumulate ? c30.add(FloatVector.fromArray(S, c, cOff + 3 * cRowStride)) : c30).intoArray(c, cOff + 3 * cRowStride);
        (accumulate ? c31.add(FloatVector.fromArray(S, c, cOff + 3 * cRowStride + L)) : c31).intoArray(c, cOff + 3 * cRowStride + L);
    }

    private static void multiplyAdd4x1(float[] a, int aOff, int aRowStride, int aLoopStride,
                                       float[] b, int bOff, int bLoopStride, int count,
                                       float[] c, int cOff, int cRowStride, boolean accumulate) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
        int a0 = aOff, a1 = a0 + aRowStride, a2 = a1 + aRowStride, a3 = a2 + aRowStride;
        int b0 = bOff;
        for (int l = 0; l < count; l++) {
            int bl; // a constant step where the layout has one: see multiplyAdd
            if (bLoopStride == L) {
                bl = l * L;
            } else {
                bl = l * bLoopStride;
            }
            int al = l * aLoopStride;
            FloatVector v0 = FloatVector.fromArray(S, b, b0 + bl);
            c0 = v0.fma(FloatVector.broadcast(S, a[a0 + al]), c0);
            c1 = v0.fma(FloatVector.broadcast(S, a[a1 + al]), c1);
            c2 = v0.fma(FloatVector.broadcast(S, a[a2 + al]), c2);
            c3 = v0.fma(FloatVector.broadcast(S, a[a3 + al]), c3);
        }
        (accumulate ? c0.add(FloatVector.fromArray(S, c, cOff)) : c0).intoArray(c, cOff);
        (accumulate ? c1.add(FloatVector.fromArray(S, c, cOff + cRowStride)) : c1).intoArray(c, cOff + cRowStride);
        (accumulate ? c2.add(FloatVector.fromArray(S, c, cOff + 2 * cRowStride)) : c2).intoArray(c, cOff + 2 * cRowStride);
        (accumulate ? c3.add(FloatVector.fromArray(S, c, cOff + 3 * cRowStride)) : c3).intoArray(c, cOff + 3 * cRowStride);
    }

    @Override
    public void multiplyAdd6(int vectors, float[] a, int aOff, int aRowStride, int aLoopStride, float[] b, int bOff,
                             int bVectorStride, int bLoopStride, int count, float[] c, int cOff, int cRowStride,
                             boolean accumulate) {
        if (vectors == 4) {
            multiplyAdd6x4(a, aOff, aRowStride, aLoopStride, b, bOff, bVectorStride, bLoopStride, count, c, cOff,
                    cRowStride, accumulate);
        } else if (vectors == 3) {
            multiplyAdd6x3(a, aOff, aRowStride, aLoopStride, b, bOff, bVectorStride, bLoopStride, count, c, cOff,
                    cRowStride, accumulate);
        } else if (vectors == 2) {
            multiplyAdd6x2(a, aOff, aRowStride, aLoopStride, b, bOff, bVectorStride, bLoopStride, count, c, cOff,
                    cRowStride, accumulate);
        } else {
            multiplyAdd6x1(a, aOff, aRowStride, aLoopStride, b, bOff, bVectorStride, bLoopStride, count, c, cOff,
                    cRowStride, accumulate);
        }
    }

    /** 6 rows x 4 vectors: 24 accumulators, 4 loads and 6 broadcasts per 24 FMAs (needs 32 vector registers). */
    private static void multiplyAdd6x4(float[] a, int aOff, int aRowStride, int aLoopStride, float[] b, int bOff,
                                       int bVectorStride, int bLoopStride, int count, float[] c, int cOff,
                                       int cRowStride, boolean accumulate) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z, c20 = z;
        FloatVector c21 = z, c22 = z, c23 = z, c30 = z, c31 = z, c32 = z, c33 = z, c40 = z, c41 = z;
        FloatVector c42 = z, c43 = z, c50 = z, c51 = z, c52 = z, c53 = z;
        int a0 = aOff, a1 = a0 + aRowStride, a2 = a1 + aRowStride, a3 = a2 + aRowStride, a4 = a3 + aRowStride;
        int a5 = a4 + aRowStride;
        int b0 = bOff, b1 = b0 + bVectorStride, b2 = b1 + bVectorStride, b3 = b2 + bVectorStride;
        for (int l = 0; l < count; l++) {
            int bl; // a constant step where the layout has one: see multiplyAdd
            if (bLoopStride == L) {
                bl = l * L;
            } else if (bLoopStride == 4 * L) {
                bl = l * (4 * L);
            } else {
                bl = l * bLoopStride;
            }
            int al = l * aLoopStride;
            FloatVector v0 = FloatVector.fromArray(S, b, b0 + bl);
            FloatVector v1 = FloatVector.fromArray(S, b, b1 + bl);
            FloatVector v2 = FloatVector.fromArray(S, b, b2 + bl);
            FloatVector v3 = FloatVector.fromArray(S, b, b3 + bl);
            FloatVector x = FloatVector.broadcast(S, a[a0 + al]);
            c00 = v0.fma(x, c00);
            c01 = v1.fma(x, c01);
            c02 = v2.fma(x, c02);
            c03 = v3.fma(x, c03);
            x = FloatVector.broadcast(S, a[a1 + al]);
            c10 = v0.fma(x, c10);
            c11 = v1.fma(x, c11);
            c12 = v2.fma(x, c12);
            c13 = v3.fma(x, c13);
            x = FloatVector.broadcast(S, a[a2 + al]);
            c20 = v0.fma(x, c20);
            c21 = v1.fma(x, c21);
            c22 = v2.fma(x, c22);
            c23 = v3.fma(x, c23);
            x = FloatVector.broadcast(S, a[a3 + al]);
            c30 = v0.fma(x, c30);
            c31 = v1.fma(x, c31);
            c32 = v2.fma(x, c32);
            c33 = v3.fma(x, c33);
            x = FloatVector.broadcast(S, a[a4 + al]);
            c40 = v0.fma(x, c40);
            c41 = v1.fma(x, c41);
            c42 = v2.fma(x, c42);
            c43 = v3.fma(x, c43);
            x = FloatVector.broadcast(S, a[a5 + al]);
            c50 = v0.fma(x, c50);
            c51 = v1.fma(x, c51);
            c52 = v2.fma(x, c52);
            c53 = v3.fma(x, c53);
        }
        int r = cRowStride;
        (accumulate ? c00.add(FloatVector.fromArray(S, c, cOff)) : c00).intoArray(c, cOff);
        (accumulate ? c01.add(FloatVector.fromArray(S, c, cOff + L)) : c01).intoArray(c, cOff + L);
        (accumulate ? c02.add(FloatVector.fromArray(S, c, cOff + 2 * L)) : c02).intoArray(c, cOff + 2 * L);
        (accumulate ? c03.add(FloatVector.fromArray(S, c, cOff + 3 * L)) : c03).intoArray(c, cOff + 3 * L);
        (accumulate ? c10.add(FloatVector.fromArray(S, c, cOff + r)) : c10).intoArray(c, cOff + r);
        (accumulate ? c11.add(FloatVector.fromArray(S, c, cOff + r + L)) : c11).intoArray(c, cOff + r + L);
        (accumulate ? c12.add(FloatVector.fromArray(S, c, cOff + r + 2 * L)) : c12).intoArray(c, cOff + r + 2 * L);
        (accumulate ? c13.add(FloatVector.fromArray(S, c, cOff + r + 3 * L)) : c13).intoArray(c, cOff + r + 3 * L);
        (accumulate ? c20.add(FloatVector.fromArray(S, c, cOff + 2 * r)) : c20).intoArray(c, cOff + 2 * r);
        (accumulate ? c21.add(FloatVector.fromArray(S, c, cOff + 2 * r + L)) : c21).intoArray(c, cOff + 2 * r + L);
        (accumulate ? c22.add(FloatVector.fromArray(S, c, cOff + 2 * r + 2 * L)) : c22).intoArray(c, cOff + 2 * r + 2 * L);
        (accumulate ? c23.add(FloatVector.fromArray(S, c, cOff + 2 * r + 3 * L)) : c23).intoArray(c, cOff + 2 * r + 3 * L);
        (accumulate ? c30.add(FloatVector.fromArray(S, c, cOff + 3 * r)) : c30).intoArray(c, cOff + 3 * r);
        (accumulate ? c31.add(FloatVector.fromArray(S, c, cOff + 3 * r + L)) : c31).intoArray(c, cOff + 3 * r + L);
        (accumulate ? c32.add(FloatVector.fromArray(S, c, cOff + 3 * r + 2 * L)) : c32).intoArray(c, cOff + 3 * r + 2 * L);
        (accumulate ? c33.add(FloatVector.fromArray(S, c, cOff + 3 * r + 3 * L)) : c33).intoArray(c, cOff + 3 * r + 3 * L);
        (accumulate ? c40.add(FloatVector.fromArray(S, c, cOff + 4 * r)) : c40).intoArray(c, cOff + 4 * r);
        (accumulate ? c41.add(FloatVector.fromArray(S, c, cOff + 4 * r + L)) : c41).intoArray(c, cOff + 4 * r + L);
        (accumulate ? c42.add(FloatVector.fromArray(S, c, cOff + 4 * r + 2 * L)) : c42).intoArray(c, cOff + 4 * r + 2 * L);
        (accumulate ? c43.add(FloatVector.fromArray(S, c, cOff + 4 * r + 3 * L)) : c43).intoArray(c, cOff + 4 * r + 3 * L);
        (accumulate ? c50.add(FloatVector.fromArray(S, c, cOff + 5 * r)) : c50).intoArray(c, cOff + 5 * r);
        (accumulate ? c51.add(FloatVector.fromArray(S, c, cOff + 5 * r + L)) : c51).intoArray(c, cOff + 5 * r + L);
        (accumulate ? c52.add(FloatVector.fromArray(S, c, cOff + 5 * r + 2 * L)) : c52).intoArray(c, cOff + 5 * r + 2 * L);
        (accumulate ? c53.add(FloatVector.fromArray(S, c, cOff + 5 * r + 3 * L)) : c53).intoArray(c, cOff + 5 * r + 3 * L);
    }

    private static void multiplyAdd6x3(float[] a, int aOff, int aRowStride, int aLoopStride, float[] b, int bOff,
                                       int bVectorStride, int bLoopStride, int count, float[] c, int cOff,
                                       int cRowStride, boolean accumulate) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c10 = z, c11 = z, c12 = z, c20 = z, c21 = z, c22 = z;
        FloatVector c30 = z, c31 = z, c32 = z, c40 = z, c41 = z, c42 = z, c50 = z, c51 = z, c52 = z;
        int a0 = aOff, a1 = a0 + aRowStride, a2 = a1 + aRowStride, a3 = a2 + aRowStride, a4 = a3 + aRowStride;
        int a5 = a4 + aRowStride;
        int b0 = bOff, b1 = b0 + bVectorStride, b2 = b1 + bVectorStride;
        for (int l = 0; l < count; l++) {
            int bl; // a constant step where the layout has one: see multiplyAdd
            if (bLoopStride == L) {
                bl = l * L;
            } else if (bLoopStride == 3 * L) {
                bl = l * (3 * L);
            } else {
                bl = l * bLoopStride;
            }
            int al = l * aLoopStride;
            FloatVector v0 = FloatVector.fromArray(S, b, b0 + bl);
            FloatVector v1 = FloatVector.fromArray(S, b, b1 + bl);
            FloatVector v2 = FloatVector.fromArray(S, b, b2 + bl);
            FloatVector x = FloatVector.broadcast(S, a[a0 + al]);
            c00 = v0.fma(x, c00);
            c01 = v1.fma(x, c01);
            c02 = v2.fma(x, c02);
            x = FloatVector.broadcast(S, a[a1 + al]);
            c10 = v0.fma(x, c10);
            c11 = v1.fma(x, c11);
            c12 = v2.fma(x, c12);
            x = FloatVector.broadcast(S, a[a2 + al]);
            c20 = v0.fma(x, c20);
            c21 = v1.fma(x, c21);
            c22 = v2.fma(x, c22);
            x = FloatVector.broadcast(S, a[a3 + al]);
            c30 = v0.fma(x, c30);
            c31 = v1.fma(x, c31);
            c32 = v2.fma(x, c32);
            x = FloatVector.broadcast(S, a[a4 + al]);
            c40 = v0.fma(x, c40);
            c41 = v1.fma(x, c41);
            c42 = v2.fma(x, c42);
            x = FloatVector.broadcast(S, a[a5 + al]);
            c50 = v0.fma(x, c50);
            c51 = v1.fma(x, c51);
            c52 = v2.fma(x, c52);
        }
        int r = cRowStride;
        (accumulate ? c00.add(FloatVector.fromArray(S, c, cOff)) : c00).intoArray(c, cOff);
        (accumulate ? c01.add(FloatVector.fromArray(S, c, cOff + L)) : c01).intoArray(c, cOff + L);
        (accumulate ? c02.add(FloatVector.fromArray(S, c, cOff + 2 * L)) : c02).intoArray(c, cOff + 2 * L);
        (accumulate ? c10.add(FloatVector.fromArray(S, c, cOff + r)) : c10).intoArray(c, cOff + r);
        (accumulate ? c11.add(FloatVector.fromArray(S, c, cOff + r + L)) : c11).intoArray(c, cOff + r + L);
        (accumulate ? c12.add(FloatVector.fromArray(S, c, cOff + r + 2 * L)) : c12).intoArray(c, cOff + r + 2 * L);
        (accumulate ? c20.add(FloatVector.fromArray(S, c, cOff + 2 * r)) : c20).intoArray(c, cOff + 2 * r);
        (accumulate ? c21.add(FloatVector.fromArray(S, c, cOff + 2 * r + L)) : c21).intoArray(c, cOff + 2 * r + L);
        (accumulate ? c22.add(FloatVector.fromArray(S, c, cOff + 2 * r + 2 * L)) : c22).intoArray(c, cOff + 2 * r + 2 * L);
        (accumulate ? c30.add(FloatVector.fromArray(S, c, cOff + 3 * r)) : c30).intoArray(c, cOff + 3 * r);
        (accumulate ? c31.add(FloatVector.fromArray(S, c, cOff + 3 * r + L)) : c31).intoArray(c, cOff + 3 * r + L);
        (accumulate ? c32.add(FloatVector.fromArray(S, c, cOff + 3 * r + 2 * L)) : c32).intoArray(c, cOff + 3 * r + 2 * L);
        (accumulate ? c40.add(FloatVector.fromArray(S, c, cOff + 4 * r)) : c40).intoArray(c, cOff + 4 * r);
        (accumulate ? c41.add(FloatVector.fromArray(S, c, cOff + 4 * r + L)) : c41).intoArray(c, cOff + 4 * r + L);
        (accumulate ? c42.add(FloatVector.fromArray(S, c, cOff + 4 * r + 2 * L)) : c42).intoArray(c, cOff + 4 * r + 2 * L);
        (accumulate ? c50.add(FloatVector.fromArray(S, c, cOff + 5 * r)) : c50).intoArray(c, cOff + 5 * r);
        (accumulate ? c51.add(FloatVector.fromArray(S, c, cOff + 5 * r + L)) : c51).intoArray(c, cOff + 5 * r + L);
        (accumulate ? c52.add(FloatVector.fromArray(S, c, cOff + 5 * r + 2 * L)) : c52).intoArray(c, cOff + 5 * r + 2 * L);
    }

    private static void multiplyAdd6x2(float[] a, int aOff, int aRowStride, int aLoopStride, float[] b, int bOff,
                                       int bVectorStride, int bLoopStride, int count, float[] c, int cOff,
                                       int cRowStride, boolean accumulate) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z;
        FloatVector c41 = z, c50 = z, c51 = z;
        int a0 = aOff, a1 = a0 + aRowStride, a2 = a1 + aRowStride, a3 = a2 + aRowStride, a4 = a3 + aRowStride;
        int a5 = a4 + aRowStride;
        int b0 = bOff, b1 = b0 + bVectorStride;
        for (int l = 0; l < count; l++) {
            int bl; // a constant step where the layout has one: see multiplyAdd
            if (bLoopStride == L) {
                bl = l * L;
            } else if (bLoopStride == 2 * L) {
                bl = l * (2 * L);
            } else {
                bl = l * bLoopStride;
            }
            int al = l * aLoopStride;
            FloatVector v0 = FloatVector.fromArray(S, b, b0 + bl);
            FloatVector v1 = FloatVector.fromArray(S, b, b1 + bl);
            FloatVector x = FloatVector.broadcast(S, a[a0 + al]);
            c00 = v0.fma(x, c00);
            c01 = v1.fma(x, c01);
            x = FloatVector.broadcast(S, a[a1 + al]);
            c10 = v0.fma(x, c10);
            c11 = v1.fma(x, c11);
            x = FloatVector.broadcast(S, a[a2 + al]);
            c20 = v0.fma(x, c20);
            c21 = v1.fma(x, c21);
            x = FloatVector.broadcast(S, a[a3 + al]);
            c30 = v0.fma(x, c30);
            c31 = v1.fma(x, c31);
            x = FloatVector.broadcast(S, a[a4 + al]);
            c40 = v0.fma(x, c40);
            c41 = v1.fma(x, c41);
            x = FloatVector.broadcast(S, a[a5 + al]);
            c50 = v0.fma(x, c50);
            c51 = v1.fma(x, c51);
        }
        int r = cRowStride;
        (accumulate ? c00.add(FloatVector.fromArray(S, c, cOff)) : c00).intoArray(c, cOff);
        (accumulate ? c01.add(FloatVector.fromArray(S, c, cOff + L)) : c01).intoArray(c, cOff + L);
        (accumulate ? c10.add(FloatVector.fromArray(S, c, cOff + r)) : c10).intoArray(c, cOff + r);
        (accumulate ? c11.add(FloatVector.fromArray(S, c, cOff + r + L)) : c11).intoArray(c, cOff + r + L);
        (accumulate ? c20.add(FloatVector.fromArray(S, c, cOff + 2 * r)) : c20).intoArray(c, cOff + 2 * r);
        (accumulate ? c21.add(FloatVector.fromArray(S, c, cOff + 2 * r + L)) : c21).intoArray(c, cOff + 2 * r + L);
        (accumulate ? c30.add(FloatVector.fromArray(S, c, cOff + 3 * r)) : c30).intoArray(c, cOff + 3 * r);
        (accumulate ? c31.add(FloatVector.fromArray(S, c, cOff + 3 * r + L)) : c31).intoArray(c, cOff + 3 * r + L);
        (accumulate ? c40.add(FloatVector.fromArray(S, c, cOff + 4 * r)) : c40).intoArray(c, cOff + 4 * r);
        (accumulate ? c41.add(FloatVector.fromArray(S, c, cOff + 4 * r + L)) : c41).intoArray(c, cOff + 4 * r + L);
        (accumulate ? c50.add(FloatVector.fromArray(S, c, cOff + 5 * r)) : c50).intoArray(c, cOff + 5 * r);
        (accumulate ? c51.add(FloatVector.fromArray(S, c, cOff + 5 * r + L)) : c51).intoArray(c, cOff + 5 * r + L);
    }

    private static void multiplyAdd6x1(float[] a, int aOff, int aRowStride, int aLoopStride, float[] b, int bOff,
                                       int bVectorStride, int bLoopStride, int count, float[] c, int cOff,
                                       int cRowStride, boolean accumulate) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c10 = z, c20 = z, c30 = z, c40 = z, c50 = z;
        int a0 = aOff, a1 = a0 + aRowStride, a2 = a1 + aRowStride, a3 = a2 + aRowStride, a4 = a3 + aRowStride;
        int a5 = a4 + aRowStride;
        int b0 = bOff;
        for (int l = 0; l < count; l++) {
            int bl; // a constant step where the layout has one: see multiplyAdd
            if (bLoopStride == L) {
                bl = l * L;
            } else {
                bl = l * bLoopStride;
            }
            int al = l * aLoopStride;
            FloatVector v0 = FloatVector.fromArray(S, b, b0 + bl);
            FloatVector x = FloatVector.broadcast(S, a[a0 + al]);
            c00 = v0.fma(x, c00);
            x = FloatVector.broadcast(S, a[a1 + al]);
            c10 = v0.fma(x, c10);
            x = FloatVector.broadcast(S, a[a2 + al]);
            c20 = v0.fma(x, c20);
            x = FloatVector.broadcast(S, a[a3 + al]);
            c30 = v0.fma(x, c30);
            x = FloatVector.broadcast(S, a[a4 + al]);
            c40 = v0.fma(x, c40);
            x = FloatVector.broadcast(S, a[a5 + al]);
            c50 = v0.fma(x, c50);
        }
        int r = cRowStride;
        (accumulate ? c00.add(FloatVector.fromArray(S, c, cOff)) : c00).intoArray(c, cOff);
        (accumulate ? c10.add(FloatVector.fromArray(S, c, cOff + r)) : c10).intoArray(c, cOff + r);
        (accumulate ? c20.add(FloatVector.fromArray(S, c, cOff + 2 * r)) : c20).intoArray(c, cOff + 2 * r);
        (accumulate ? c30.add(FloatVector.fromArray(S, c, cOff + 3 * r)) : c30).intoArray(c, cOff + 3 * r);
        (accumulate ? c40.add(FloatVector.fromArray(S, c, cOff + 4 * r)) : c40).intoArray(c, cOff + 4 * r);
        (accumulate ? c50.add(FloatVector.fromArray(S, c, cOff + 5 * r)) : c50).intoArray(c, cOff + 5 * r);
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int len) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        int t = 0;
        for (; t + 4 * L <= len; t += 4 * L) { // 4 independent accumulators hide the FMA latency
            s0 = FloatVector.fromArray(S, a, aOff + t).fma(FloatVector.fromArray(S, b, bOff + t), s0);
            s1 = FloatVector.fromArray(S, a, aOff + t + L).fma(FloatVector.fromArray(S, b, bOff + t + L), s1);
            s2 = FloatVector.fromArray(S, a, aOff + t + 2 * L).fma(FloatVector.fromArray(S, b, bOff + t + 2 * L), s2);
            s3 = FloatVector.fromArray(S, a, aOff + t + 3 * L).fma(FloatVector.fromArray(S, b, bOff + t + 3 * L), s3);
        }
        int bound = S.loopBound(len);
        for (; t < bound; t += L) { // vector tail
            s0 = FloatVector.fromArray(S, a, aOff + t).fma(FloatVector.fromArray(S, b, bOff + t), s0);
        }
        FloatVector total = s0.add(s1).add(s2.add(s3));
        for (VectorShuffle<Float> fold : FOLDS) { // the lane sum, written out: no vector crosses a call
            total = total.add(total.rearrange(fold));
        }
        float sum = total.lane(0);
        for (; t < len; t++) { // scalar tail
            sum = Math.fma(a[aOff + t], b[bOff + t], sum);
        }
        return sum;
    }

    @Override
    public float squaredDistance(float[] a, int aOff, float[] b, int bOff, int len) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        int t = 0;
        for (; t + 4 * L <= len; t += 4 * L) {
            FloatVector e0 = FloatVector.fromArray(S, a, aOff + t).sub(FloatVector.fromArray(S, b, bOff + t));
            FloatVector e1 = FloatVector.fromArray(S, a, aOff + t + L).sub(FloatVector.fromArray(S, b, bOff + t + L));
            FloatVector e2 = FloatVector.fromArray(S, a, aOff + t + 2 * L)
                    .sub(FloatVector.fromArray(S, b, bOff + t + 2 * L));
            FloatVector e3 = FloatVector.fromArray(S, a, aOff + t + 3 * L)
                    .sub(FloatVector.fromArray(S, b, bOff + t + 3 * L));
            s0 = e0.fma(e0, s0);
            s1 = e1.fma(e1, s1);
            s2 = e2.fma(e2, s2);
            s3 = e3.fma(e3, s3);
        }
        int bound = S.loopBound(len);
        for (; t < bound; t += L) { // vector tail
            FloatVector e = FloatVector.fromArray(S, a, aOff + t).sub(FloatVector.fromArray(S, b, bOff + t));
            s0 = e.fma(e, s0);
        }
        FloatVector total = s0.add(s1).add(s2.add(s3));
        for (VectorShuffle<Float> fold : FOLDS) { // the lane sum, written out: no vector crosses a call
            total = total.add(total.rearrange(fold));
        }
        float sum = total.lane(0);
        for (; t < len; t++) { // scalar tail
            float e = a[aOff + t] - b[bOff + t];
            sum = Math.fma(e, e, sum);
        }
        return sum;
    }

    @Override
    public float sum(float[] a, int from, int to) {
        FloatVector s = FloatVector.zero(S);
        int t = from;
        for (; t + L <= to; t += L) {
            s = s.add(FloatVector.fromArray(S, a, t));
        }
        if (t < to) { // masked vector tail
            VectorMask<Float> m = S.indexInRange(t, to);
            s = s.add(FloatVector.fromArray(S, a, t, m));
        }
        for (VectorShuffle<Float> fold : FOLDS) { // the lane sum, written out: no vector crosses a call
            s = s.add(s.rearrange(fold));
        }
        return s.lane(0);
    }

    @Override
    public float cosineDistanceSum(float[] a, int from, int to) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector s = FloatVector.zero(S);
        int t = from;
        for (; t + L <= to; t += L) {
            s = s.add(one.sub(FloatVector.fromArray(S, a, t)));
        }
        if (t < to) { // masked vector tail: lanes past the end add 0
            VectorMask<Float> m = S.indexInRange(t, to);
            s = s.add(one.sub(FloatVector.fromArray(S, a, t, m)).blend(0f, m.not()));
        }
        for (VectorShuffle<Float> fold : FOLDS) {
            s = s.add(s.rearrange(fold));
        }
        return s.lane(0);
    }

    @Override
    public void sumRows(float[] a, int off, int rows, int stride, int len, float[] out) {
        // The sums accumulate in out, not in a vector carried around the row loop: inlined into the large
        // ClassStatisticsKernel.classStatistics, C2 has compiled such a loop with the vector's class unknown at the
        // loop head, which made each add a virtual call and boxed the vector on every row. Same additions, same order.
        Arrays.fill(out, 0, len, 0f);
        for (int r = 0, p = off; r < rows; r++, p += stride) {
            for (int c = 0; c < len; c += L) {
                FloatVector.fromArray(S, out, c).add(FloatVector.fromArray(S, a, p + c)).intoArray(out, c);
            }
        }
    }

    @Override
    public void add(float[] a, int off, float[] b, int bOff, int len) {
        int t = 0;
        int bound = S.loopBound(len);
        for (; t < bound; t += L) {
            FloatVector.fromArray(S, a, off + t).add(FloatVector.fromArray(S, b, bOff + t)).intoArray(a, off + t);
        }
        for (; t < len; t++) {
            a[off + t] += b[bOff + t];
        }
    }

    @Override
    public float subtractMaxAbs(float[] a, int off, float[] m, int len) {
        FloatVector mx = FloatVector.zero(S);
        int t = 0;
        int bound = S.loopBound(len);
        for (; t < bound; t += L) {
            FloatVector v = FloatVector.fromArray(S, a, off + t).sub(FloatVector.fromArray(S, m, t));
            v.intoArray(a, off + t);
            mx = mx.max(v.abs());
        }
        float max = mx.reduceLanes(VectorOperators.MAX); // max is exact in any order
        for (; t < len; t++) {
            float v = a[off + t] - m[t];
            a[off + t] = v;
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }

    @Override
    public float maxAbs(float[] a, int off, int len) {
        FloatVector mx = FloatVector.zero(S);
        int t = 0;
        for (int bound = S.loopBound(len); t < bound; t += L) {
            mx = mx.max(FloatVector.fromArray(S, a, off + t).abs());
        }
        float max = mx.reduceLanes(VectorOperators.MAX); // max is exact in any order
        for (; t < len; t++) {
            max = Math.max(max, Math.abs(a[off + t]));
        }
        return max;
    }

    @Override
    public void scale(float[] a, int from, int to, float factor) {
        FloatVector f = FloatVector.broadcast(S, factor);
        int t = from;
        for (; t + L <= to; t += L) {
            FloatVector.fromArray(S, a, t).mul(f).intoArray(a, t);
        }
        for (; t < to; t++) {
            a[t] *= factor;
        }
    }

    @Override
    public void scaleShifted(float[] a, int off, int len, double scale, float[] shift, float[] out, int outOff,
                             boolean accumulate) {
        // Each float vector widened in two halves (part 0 and 1) and narrowed back into the full width (part 0 and -1,
        // blended so that -0.0 stays -0.0). A half-width float vector here would give the Vector API's shared methods
        // a second receiver class, and C2 then boxed vectors in unrelated kernels.
        DoubleVector vs = DoubleVector.broadcast(DS, scale);
        int t = 0;
        for (int bound = S.loopBound(len); t < bound; t += L) {
            FloatVector v = FloatVector.fromArray(S, a, off + t);
            FloatVector m = FloatVector.fromArray(S, shift, t);
            // mul then sub, never fused: the same two roundings as the scalar form
            DoubleVector low = ((DoubleVector) v.convertShape(VectorOperators.F2D, DS, 0)).mul(vs)
                    .sub((DoubleVector) m.convertShape(VectorOperators.F2D, DS, 0));
            DoubleVector high = ((DoubleVector) v.convertShape(VectorOperators.F2D, DS, 1)).mul(vs)
                    .sub((DoubleVector) m.convertShape(VectorOperators.F2D, DS, 1));
            FloatVector r = ((FloatVector) low.convertShape(VectorOperators.D2F, S, 0))
                    .blend((FloatVector) high.convertShape(VectorOperators.D2F, S, -1), UPPER_HALF);
            if (accumulate) {
                r = FloatVector.fromArray(S, out, outOff + t).add(r);
            }
            r.intoArray(out, outOff + t);
        }
        ScalarTails.scaleShifted(a, off, scale, shift, out, outOff, accumulate, t, len);
    }

    @Override
    public void scaledDifference(float factor, float alpha, float[] x, int xOff, float[] y, int yOff, float[] out,
                                 int outOff, int len) {
        FloatVector f = FloatVector.broadcast(S, factor);
        FloatVector al = FloatVector.broadcast(S, alpha);
        int t = 0;
        int bound = S.loopBound(len);
        for (; t < bound; t += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + t).fma(al, FloatVector.fromArray(S, y, yOff + t).neg());
            v.mul(f).intoArray(out, outOff + t);
        }
        for (; t < len; t++) {
            out[outOff + t] = factor * Math.fma(x[xOff + t], alpha, -y[yOff + t]);
        }
    }

    @Override
    public void distancesFromGram(float[] tile, int off, int len, float sqI, float[] sq, int j0, float[] x,
                                  int iRowOff, int dimsStride, int dims) {
        if (expandedSquares(tile, off, len, sqI, sq, j0)) {
            // Rare: recompute the cancelled entries directly. Done after the vector loop so that no vector value is
            // live across these calls (which would make the JIT box it, i.e. allocate).
            for (int c = 0; c < len; c++) {
                if (tile[off + c] < (sqI + sq[j0 + c]) * NEAR) {
                    tile[off + c] = squaredDistance(x, iRowOff, x, (j0 + c) * dimsStride, dims);
                }
            }
        }
        for (int c = 0; c < len; c += L) {
            FloatVector.fromArray(S, tile, off + c).sqrt().intoArray(tile, off + c);
        }
    }

    /** {@code g <- max(sqI + sq[j] - 2g, 0)}; whether any entry lost too much to cancellation. */
    private static boolean expandedSquares(float[] tile, int off, int len, float sqI, float[] sq, int j0) {
        FloatVector si = FloatVector.broadcast(S, sqI);
        FloatVector zero = FloatVector.zero(S);
        FloatVector minusTwo = FloatVector.broadcast(S, -2f);
        boolean anyClose = false;
        for (int c = 0; c < len; c += L) {
            FloatVector norms = si.add(FloatVector.fromArray(S, sq, j0 + c));
            FloatVector d2 = FloatVector.fromArray(S, tile, off + c).fma(minusTwo, norms).max(zero);
            anyClose |= d2.lt(norms.mul(NEAR)).anyTrue();
            d2.intoArray(tile, off + c);
        }
        return anyClose;
    }

    /**
     * {@code row[rowOff + classOf[j + lane]]} for each lane. The kernels' columns are sorted by class and every class
     * has rows, so a vector's classes usually lie in first..first+L-1: one load from the first and a permutation pick
     * them (a gather costs several times more on some cores); any other layout takes the gather. Reads up to L - 1
     * floats past {@code rowOff + classOf[j + lane]}. Small enough for C2 to inline into both callers, so the vector it
     * returns is not boxed ({@code SteadyStateAllocationTest} would see it).
     */
    private static FloatVector ofClasses(float[] row, int rowOff, int[] classOf, int j) {
        int first = classOf[j];
        IntVector inWindow = IntVector.fromArray(IS, classOf, j).sub(first);
        if (inWindow.compare(VectorOperators.ULT, L).allTrue()) {
            return FloatVector.fromArray(S, row, rowOff + first).rearrange(inWindow.toShuffle().cast(S));
        }
        return FloatVector.fromArray(S, row, rowOff, classOf, j);
    }

    @Override
    public float pairWeights(float[] tile, int off, int len, float[] rowCoef, int rowCoefOff, int[] classOf, int j0,
                             float[] colCoef, int colCoefOff, float[] columnSums) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector rowSum = zero;
        for (int c = 0; c < len; c += L) {
            FloatVector d = FloatVector.fromArray(S, tile, off + c);
            FloatVector coef = ofClasses(rowCoef, rowCoefOff, classOf, j0 + c)
                    .add(FloatVector.fromArray(S, colCoef, colCoefOff + c));
            VectorMask<Float> positive = d.compare(VectorOperators.GT, zero);
            FloatVector w = coef.div(d.blend(1f, positive.not())).blend(zero, positive.not());
            w.intoArray(tile, off + c);
            rowSum = rowSum.add(w);
            if (columnSums != null) {
                FloatVector.fromArray(S, columnSums, c).add(w).intoArray(columnSums, c);
            }
        }
        for (VectorShuffle<Float> fold : FOLDS) { // the lane sum, written out: no vector crosses a call
            rowSum = rowSum.add(rowSum.rearrange(fold));
        }
        return rowSum.lane(0);
    }

    @Override
    public int doubleLanes() {
        return DL;
    }

    /** The lanes of a vector stored at {@code scratch[off..off+DL)}, added in lane order. */
    private static double storedLaneSum(double[] scratch, int off) {
        double sum = 0.0;
        for (int lane = 0; lane < DL; lane++) {
            sum += scratch[off + lane];
        }
        return sum;
    }

    @Override
    public double rowSilhouette(int own, double[] sums, int sumsOff, int classes, int[] classOffsets,
                                double[] inverseSizes, double tau, double[] derivative, double[] scratch) {
        if (twoLaneDoubleMasks != null) {
            return twoLaneDoubleMasks.rowSilhouette(own, sums, sumsOff, classes, classOffsets, inverseSizes, tau,
                    derivative, scratch);
        }
        int ownSize = classOffsets[own + 1] - classOffsets[own];
        double invTau = 1.0 / tau;
        if (tau != 0.0 && !(invTau < Double.POSITIVE_INFINITY)) {
            // A subnormal temperature: 1/tau overflows; the scalar form divides instead.
            return SilhouetteMath.rowSilhouette(own, sums, sumsOff, classOffsets, tau, derivative, 0);
        }
        if (ownSize < 2 || classes < 2) {
            if (derivative != null) {
                java.util.Arrays.fill(derivative, 0, classes, 0.0);
            }
            return 0.0; // singleton class, or a single class in the batch: s_i = 0, no gradient
        }
        int padded = (classes + DL - 1) / DL * DL;
        int weightsOff = padded;
        int sumsScratch = 2 * padded;
        DoubleVector inf = DoubleVector.broadcast(DS, Double.POSITIVE_INFINITY);
        // Pass 1: the means delta_k (own class and padding +inf) into scratch, and their minimum.
        DoubleVector vmin = inf;
        DoubleVector laneIndex = DoubleVector.zero(DS).addIndex(1);
        for (int c = 0; c < padded; c += DL) {
            VectorMask<Double> dead = DS.indexInRange(c, classes).not()
                    .or(laneIndex.compare(VectorOperators.EQ, (double) (own - c)));
            DoubleVector delta = DoubleVector.fromArray(DS, sums, sumsOff + c, dead.not())
                    .mul(DoubleVector.fromArray(DS, inverseSizes, c)).blend(inf, dead);
            delta.intoArray(scratch, c);
            vmin = vmin.min(delta); // min is exact in any order
        }
        double min = vmin.reduceLanes(VectorOperators.MIN);
        double a = sums[sumsOff + own] / (ownSize - 1);

        double b;
        double z = 0.0;
        int argmin = -1;
        if (tau == 0.0) {
            b = min;
            for (int c = 0; c < classes; c++) {
                if (scratch[c] == min) {
                    argmin = c; // the lowest index on a tie
                    break;
                }
            }
        } else {
            DoubleVector zs = DoubleVector.zero(DS);
            DoubleVector weighted = zs;
            DoubleVector vMin = DoubleVector.broadcast(DS, min);
            DoubleVector vInvTau = DoubleVector.broadcast(DS, invTau);
            DoubleVector floor = DoubleVector.broadcast(DS, EXP_FLOOR);
            DoubleVector zero = DoubleVector.zero(DS);
            DoubleVector log2e = DoubleVector.broadcast(DS, LOG2_E);
            DoubleVector rounder = DoubleVector.broadcast(DS, ROUNDER);
            DoubleVector ln2Hi = DoubleVector.broadcast(DS, -LN2_HI);
            DoubleVector ln2Lo = DoubleVector.broadcast(DS, -LN2_LO);
            DoubleVector one = DoubleVector.broadcast(DS, 1.0);
            for (int c = 0; c < padded; c += DL) {
                DoubleVector delta = DoubleVector.fromArray(DS, scratch, c);
                // delta - min >= 0, so x <= 0; own class and padding (delta = inf) fall below the floor.
                DoubleVector x = vMin.sub(delta).mul(vInvTau);
                VectorMask<Double> dead = x.compare(VectorOperators.GE, floor).not(); // also catches NaN
                x = x.max(floor);
                // e^x: x = n ln2 + r, |r| <= ln2/2; a degree-12 Taylor polynomial in r, times 2^n built from bits
                // (n sits in the low bits of t; n + 1023 in [1, 1023] shifted into the exponent field is 2^n).
                // Written out here, not in a helper, so that no vector crosses a call the JIT might not inline.
                DoubleVector t = x.fma(log2e, rounder);
                DoubleVector n = t.sub(rounder);
                DoubleVector r = n.fma(ln2Hi, x);
                r = n.fma(ln2Lo, r);
                DoubleVector p = DoubleVector.broadcast(DS, EXP_TAYLOR_12);
                p = p.fma(r, DoubleVector.broadcast(DS, EXP_TAYLOR_11));
                p = p.fma(r, DoubleVector.broadcast(DS, EXP_TAYLOR_10));
                p = p.fma(r, DoubleVector.broadcast(DS, EXP_TAYLOR_9));
                p = p.fma(r, DoubleVector.broadcast(DS, EXP_TAYLOR_8));
                p = p.fma(r, DoubleVector.broadcast(DS, EXP_TAYLOR_7));
                p = p.fma(r, DoubleVector.broadcast(DS, EXP_TAYLOR_6));
                p = p.fma(r, DoubleVector.broadcast(DS, EXP_TAYLOR_5));
                p = p.fma(r, DoubleVector.broadcast(DS, EXP_TAYLOR_4));
                p = p.fma(r, DoubleVector.broadcast(DS, EXP_TAYLOR_3));
                p = p.fma(r, DoubleVector.broadcast(DS, 0.5));
                p = p.fma(r, one);
                p = p.fma(r, one);
                DoubleVector scale = t.reinterpretAsLongs().add(1023L).lanewise(VectorOperators.LSHL, 52L)
                        .reinterpretAsDoubles();
                DoubleVector e = p.mul(scale).blend(zero, dead);
                zs = zs.add(e);
                weighted = e.fma(delta.blend(zero, dead), weighted);
                e.intoArray(scratch, weightsOff + c);
            }
            zs.intoArray(scratch, sumsScratch);
            z = storedLaneSum(scratch, sumsScratch);
            weighted.intoArray(scratch, sumsScratch);
            b = storedLaneSum(scratch, sumsScratch) / z;
            if (b < min) {
                b = min; // the weighted mean lies in [min, mean]; rounding must not push it below
            }
        }

        double m = Math.max(a, b);
        if (m == 0.0) {
            if (derivative != null) {
                java.util.Arrays.fill(derivative, 0, classes, 0.0);
            }
            return 0.0; // max(a, b) = 0: s_i = 0, no gradient
        }
        double s;
        double dsda;
        double dsdb;
        if (a < b) {
            s = 1.0 - a / b;
            dsda = -1.0 / b;
            dsdb = a / (b * b);
        } else {
            s = b / a - 1.0;
            dsda = -b / (a * a);
            dsdb = 1.0 / a;
        }
        if (derivative != null) {
            if (tau == 0.0) {
                java.util.Arrays.fill(derivative, 0, classes, 0.0);
                derivative[argmin] = sums[sumsOff + argmin] == 0.0 ? 0.0 : dsdb * inverseSizes[argmin];
            } else {
                // ds/d sums_k = dsdb * pi_k * (1 - (delta_k - b)/tau) / n_k, 0 where the weight is 0.
                DoubleVector factor = DoubleVector.broadcast(DS, dsdb / z);
                DoubleVector vb = DoubleVector.broadcast(DS, b);
                DoubleVector vInvTau = DoubleVector.broadcast(DS, invTau);
                DoubleVector one = DoubleVector.broadcast(DS, 1.0);
                DoubleVector zero = DoubleVector.zero(DS);
                // As SilhouetteMath: a class whose distance sum is exactly 0 carries no gradient (its pairs are all at
                // distance 0), which also keeps 1/b-sized entries (b -> 0) out of the kernels' float coefficients.
                for (int c = 0; c < padded; c += DL) {
                    boolean whole = c + DL <= classes;
                    DoubleVector e = DoubleVector.fromArray(DS, scratch, weightsOff + c);
                    VectorMask<Double> dead = e.compare(VectorOperators.EQ, 0.0);
                    DoubleVector delta = DoubleVector.fromArray(DS, scratch, c).blend(vb, dead);
                    DoubleVector dbd = delta.sub(vb).mul(vInvTau).neg().add(one).mul(e);
                    DoubleVector classSums = whole ? DoubleVector.fromArray(DS, sums, sumsOff + c)
                            : DoubleVector.fromArray(DS, sums, sumsOff + c, DS.indexInRange(c, classes));
                    DoubleVector value = dbd.mul(factor).mul(DoubleVector.fromArray(DS, inverseSizes, c))
                            .blend(zero, dead.or(classSums.compare(VectorOperators.EQ, 0.0)));
                    if (whole) {
                        value.intoArray(derivative, c);
                    } else {
                        value.intoArray(derivative, c, DS.indexInRange(c, classes));
                    }
                }
            }
            derivative[own] = sums[sumsOff + own] == 0.0 ? 0.0 : dsda / (ownSize - 1);
        }
        return Math.max(-1.0, Math.min(1.0, s));
    }

    @Override
    public double rowCoefficients(double weight, double[] derivative, int classes, float[] coef, int coefOff,
                                  double[] classTotals, int totalsOff, double[] sizes, double[] scratch) {
        if (twoLaneDoubleMasks != null) {
            return twoLaneDoubleMasks.rowCoefficients(weight, derivative, classes, coef, coefOff, classTotals,
                    totalsOff, sizes, scratch);
        }
        // One pass over the row in double vectors, two per float vector: narrowed into the full float width (part 0
        // and -1, blended so that -0.0 stays -0.0) and widened back from it, as scaleShifted does. A half-width float
        // vector here would give the Vector API's shared methods a second receiver class (see scaleShifted).
        DoubleVector w = DoubleVector.broadcast(DS, weight);
        DoubleVector alpha = DoubleVector.zero(DS);
        int c = 0;
        for (; c + L <= classes; c += L) {
            FloatVector f = ((FloatVector) DoubleVector.fromArray(DS, derivative, c).mul(w)
                    .convertShape(VectorOperators.D2F, S, 0))
                    .blend((FloatVector) DoubleVector.fromArray(DS, derivative, c + DL).mul(w)
                            .convertShape(VectorOperators.D2F, S, -1), UPPER_HALF);
            f.intoArray(coef, coefOff + c);
            DoubleVector low = (DoubleVector) f.convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector high = (DoubleVector) f.convertShape(VectorOperators.F2D, DS, 1);
            DoubleVector.fromArray(DS, classTotals, totalsOff + c).add(low).intoArray(classTotals, totalsOff + c);
            DoubleVector.fromArray(DS, classTotals, totalsOff + c + DL).add(high)
                    .intoArray(classTotals, totalsOff + c + DL);
            alpha = high.fma(DoubleVector.fromArray(DS, sizes, c + DL),
                    low.fma(DoubleVector.fromArray(DS, sizes, c), alpha));
        }
        if (c < classes) {
            // The last, partial float vector: its double halves read under masks, the second only where the
            // classes reach it (the totals stop at the last double vector).
            boolean second = c + DL < classes;
            DoubleVector lowIn = DoubleVector.fromArray(DS, derivative, c, DS.indexInRange(c, classes));
            DoubleVector highIn = second
                    ? DoubleVector.fromArray(DS, derivative, c + DL, DS.indexInRange(c + DL, classes))
                    : DoubleVector.zero(DS);
            FloatVector f = ((FloatVector) lowIn.mul(w).convertShape(VectorOperators.D2F, S, 0))
                    .blend((FloatVector) highIn.mul(w).convertShape(VectorOperators.D2F, S, -1), UPPER_HALF);
            f.intoArray(coef, coefOff + c);
            DoubleVector low = (DoubleVector) f.convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector.fromArray(DS, classTotals, totalsOff + c).add(low).intoArray(classTotals, totalsOff + c);
            alpha = low.fma(DoubleVector.fromArray(DS, sizes, c), alpha);
            if (second) {
                DoubleVector high = (DoubleVector) f.convertShape(VectorOperators.F2D, DS, 1);
                DoubleVector.fromArray(DS, classTotals, totalsOff + c + DL).add(high)
                        .intoArray(classTotals, totalsOff + c + DL);
                alpha = high.fma(DoubleVector.fromArray(DS, sizes, c + DL), alpha);
            }
        }
        alpha.intoArray(scratch, 0);
        return storedLaneSum(scratch, 0);
    }

    @Override
    public void sparseMultiply(float[] coef, int coefOff, int[] index, int indexOff, int count, float[] b,
                               int bStride, float[] out, int outOff, int len) {
        FloatVector zero = FloatVector.zero(S);
        for (int t = 0; t < len; t += L) {
            zero.intoArray(out, outOff + t);
        }
        for (int q = 0; q < count; q++) {
            int c = index[indexOff + q];
            FloatVector a = FloatVector.broadcast(S, coef[coefOff + c]);
            int bOff = c * bStride;
            for (int t = 0; t < len; t += L) {
                FloatVector.fromArray(S, b, bOff + t).fma(a, FloatVector.fromArray(S, out, outOff + t))
                        .intoArray(out, outOff + t);
            }
        }
    }

    @Override
    public int nonzeroIndices(float[] v, int off, int len, int[] indices, int indexOff) {
        // A vector with no zero (dense coefficients) as one store of its indices; otherwise one index per set bit.
        long all = (1L << L) - 1; // L <= 16
        IntVector lane = IntVector.zero(IS).addIndex(1);
        int count = 0;
        for (int c = 0; c < len; c += L) {
            long bits = FloatVector.fromArray(S, v, off + c).compare(VectorOperators.NE, 0f).toLong();
            if (bits == all) {
                lane.add(c).intoArray(indices, indexOff + count);
                count += L;
            } else {
                for (; bits != 0; bits &= bits - 1) {
                    indices[indexOff + count++] = c + Long.numberOfTrailingZeros(bits);
                }
            }
        }
        return count;
    }

    @Override
    public int nonzeroCount(float[] v, int off, int len) {
        int count = 0;
        for (int c = 0; c < len; c += L) {
            count += FloatVector.fromArray(S, v, off + c).compare(VectorOperators.NE, 0f).trueCount();
        }
        return count;
    }

    @Override
    public void multiplyAccumulate(float alpha, float[] x, int xOff, float[] y, int yOff, int len) {
        FloatVector a = FloatVector.broadcast(S, alpha);
        for (int t = 0; t < len; t += L) {
            FloatVector.fromArray(S, x, xOff + t).fma(a, FloatVector.fromArray(S, y, yOff + t)).intoArray(y, yOff + t);
        }
    }

    @Override
    public float max(float[] a, int off, int len) {
        FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int t = 0; t < len; t += L) {
            m = m.max(FloatVector.fromArray(S, a, off + t));
        }
        return m.reduceLanes(VectorOperators.MAX); // max is exact in any order
    }

    @Override
    public float sumExp(float[] a, int off, int len, float shift) {
        FloatVector s = FloatVector.zero(S);
        FloatVector vShift = FloatVector.broadcast(S, shift);
        for (int t = 0; t < len; t += L) {
            // e^x written out, as in contrastWeights: see the comment there.
            FloatVector x = FloatVector.fromArray(S, a, off + t).sub(vShift);
            VectorMask<Float> dead = x.compare(VectorOperators.GE, EXP_FLOOR_F).not();
            FloatVector c = x.max(EXP_FLOOR_F).min(EXP_CAP_F);
            FloatVector k = c.fma(LOG2_E_V, ROUNDER_V);
            FloatVector n = k.sub(ROUNDER_V);
            FloatVector r = n.fma(MINUS_LN2_LO_V, n.fma(MINUS_LN2_HI_V, c));
            FloatVector p = r.fma(EXP_C7, EXP_C6).fma(r, EXP_C5).fma(r, EXP_C4).fma(r, EXP_C3).fma(r, EXP_C2)
                    .fma(r, EXP_C1).fma(r, EXP_C1);
            FloatVector scale = k.reinterpretAsInts().add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            s = s.add(p.mul(scale).blend(0f, dead));
        }
        for (VectorShuffle<Float> fold : FOLDS) {
            s = s.add(s.rearrange(fold));
        }
        return s.lane(0);
    }

    @Override
    public void contrastWeights(float[] tile, int off, int len, float invT, float rowShift, float rowScale,
                                float[] colShift, float[] colScale, int colOff) {
        FloatVector vInvT = FloatVector.broadcast(S, invT);
        FloatVector vRowShift = FloatVector.broadcast(S, rowShift);
        FloatVector vRowScale = FloatVector.broadcast(S, rowScale);
        for (int t = 0; t < len; t += L) {
            FloatVector s = FloatVector.fromArray(S, tile, off + t).mul(vInvT);
            // e^x of the row (x) and column (y) arguments, written out: a helper taking and returning vectors is
            // inlined only while C2 has not compiled it on its own (past InlineSmallCode), and where it had, every
            // call boxed its vectors for the rest of the JVM. The steps of LaneSimdOps.expFloat, in its order.
            FloatVector x = s.sub(vRowShift);
            FloatVector y = s.sub(FloatVector.fromArray(S, colShift, colOff + t));
            VectorMask<Float> deadX = x.compare(VectorOperators.GE, EXP_FLOOR_F).not();
            VectorMask<Float> deadY = y.compare(VectorOperators.GE, EXP_FLOOR_F).not();
            FloatVector cx = x.max(EXP_FLOOR_F).min(EXP_CAP_F);
            FloatVector cy = y.max(EXP_FLOOR_F).min(EXP_CAP_F);
            FloatVector kx = cx.fma(LOG2_E_V, ROUNDER_V);
            FloatVector ky = cy.fma(LOG2_E_V, ROUNDER_V);
            FloatVector nx = kx.sub(ROUNDER_V);
            FloatVector ny = ky.sub(ROUNDER_V);
            FloatVector rx = nx.fma(MINUS_LN2_LO_V, nx.fma(MINUS_LN2_HI_V, cx));
            FloatVector ry = ny.fma(MINUS_LN2_LO_V, ny.fma(MINUS_LN2_HI_V, cy));
            FloatVector px = rx.fma(EXP_C7, EXP_C6).fma(rx, EXP_C5).fma(rx, EXP_C4).fma(rx, EXP_C3).fma(rx, EXP_C2)
                    .fma(rx, EXP_C1).fma(rx, EXP_C1);
            FloatVector py = ry.fma(EXP_C7, EXP_C6).fma(ry, EXP_C5).fma(ry, EXP_C4).fma(ry, EXP_C3).fma(ry, EXP_C2)
                    .fma(ry, EXP_C1).fma(ry, EXP_C1);
            FloatVector sx = kx.reinterpretAsInts().add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector sy = ky.reinterpretAsInts().add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector row = px.mul(sx).blend(0f, deadX).mul(vRowScale);
            FloatVector col = py.mul(sy).blend(0f, deadY);
            col.fma(FloatVector.fromArray(S, colScale, colOff + t), row).intoArray(tile, off + t);
        }
    }

    @Override
    public void subtractLinear(float[] tile, int off, int len, float[] rowLinear, int rowLinearOff, int[] classOf,
                               int classOff, float[] colLinear, int colLinearOff) {
        for (int t = 0; t < len; t += L) {
            FloatVector linear = ofClasses(rowLinear, rowLinearOff, classOf, classOff + t)
                    .add(FloatVector.fromArray(S, colLinear, colLinearOff + t));
            FloatVector.fromArray(S, tile, off + t).sub(linear).intoArray(tile, off + t);
        }
    }

    // ---------------------------------------------------------------- class statistics

    @Override
    public void classSums(float[] gram, int gOff, float rowSquare, float[] centreSquares, double[] sizes,
                          double[] scatter, double unitsSquared, double floorPerPair, int own, int classes, float[] x,
                          int xOff, float[] centres, int dims, double[] sums) {
        if (twoLaneDoubleMasks != null) {
            twoLaneDoubleMasks.classSums(gram, gOff, rowSquare, centreSquares, sizes, scatter, unitsSquared,
                    floorPerPair, own, classes, x, xOff, centres, dims, sums);
            return;
        }
        if (expandedSquares(gram, gOff, (classes + L - 1) / L * L, rowSquare, centreSquares, 0)) {
            // Rare: recompute the cancelled entries directly, after the vector loop (no vector live across a call).
            for (int c = 0; c < classes; c++) {
                if (gram[gOff + c] < (rowSquare + centreSquares[c]) * NEAR) {
                    gram[gOff + c] = squaredDistance(x, xOff, centres, c * dims, dims);
                }
            }
        }
        DoubleVector units = DoubleVector.broadcast(DS, unitsSquared);
        DoubleVector floor = DoubleVector.broadcast(DS, floorPerPair);
        for (int c = 0, padded = (classes + DL - 1) / DL * DL; c < padded; c += DL) {
            DoubleVector squared = (DoubleVector) FloatVector.fromArray(HS, gram, gOff + c)
                    .convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector size = DoubleVector.fromArray(DS, sizes, c);
            DoubleVector sum = size.mul(squared).add(DoubleVector.fromArray(DS, scatter, c)).mul(units);
            DoubleVector pairs = own >= c && own < c + DL ? size.withLane(own - c, sizes[own] - 1.0) : size;
            sum.blend(0.0, sum.compare(VectorOperators.LE, pairs.mul(floor))).intoArray(sums, c);
        }
    }

    @Override
    public void gradientRow(float factor, float alpha, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff,
                            float[] out, int outOff, int len) {
        FloatVector f = FloatVector.broadcast(S, factor);
        FloatVector al = FloatVector.broadcast(S, alpha);
        int t = 0;
        for (int bound = S.loopBound(len); t < bound; t += L) {
            FloatVector yz = FloatVector.fromArray(S, y, yOff + t).add(FloatVector.fromArray(S, z, zOff + t));
            FloatVector.fromArray(S, x, xOff + t).fma(al, yz.neg()).mul(f).intoArray(out, outOff + t);
        }
        for (; t < len; t++) { // a row of the caller's, d long
            out[outOff + t] = Math.fma(x[xOff + t], alpha, -(y[yOff + t] + z[zOff + t])) * factor;
        }
    }

    @Override
    public void projectOut(float[] g, int gOff, float[] x, int xOff, float[] mean, int len, boolean normalise,
                           float scale, float[] out, int outOff, int outLen) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, l0 = a0, l1 = a0;
        int t = 0;
        for (; t + 2 * L <= len; t += 2 * L) {
            FloatVector u0 = FloatVector.fromArray(S, x, xOff + t).add(FloatVector.fromArray(S, mean, t));
            FloatVector u1 = FloatVector.fromArray(S, x, xOff + t + L).add(FloatVector.fromArray(S, mean, t + L));
            a0 = u0.fma(FloatVector.fromArray(S, g, gOff + t), a0);
            a1 = u1.fma(FloatVector.fromArray(S, g, gOff + t + L), a1);
            l0 = u0.fma(u0, l0);
            l1 = u1.fma(u1, l1);
        }
        for (; t < len; t += L) {
            FloatVector u0 = FloatVector.fromArray(S, x, xOff + t).add(FloatVector.fromArray(S, mean, t));
            a0 = u0.fma(FloatVector.fromArray(S, g, gOff + t), a0);
            l0 = u0.fma(u0, l0);
        }
        FloatVector along = a0.add(a1);
        FloatVector length = l0.add(l1);
        for (VectorShuffle<Float> fold : FOLDS) {
            along = along.add(along.rearrange(fold));
            length = length.add(length.rearrange(fold));
        }
        float a = along.lane(0);
        float l = length.lane(0);
        if (normalise && l > 0f) {
            // Project twice: the first removes the component along u up to float rounding of its size, the second
            // what that rounding left (g may be mostly along u, the projection much smaller than g).
            a = subtractAlong(g, gOff, x, xOff, mean, len, a / l) / l;
        }
        FloatVector minusA = FloatVector.broadcast(S, -a);
        FloatVector vs = FloatVector.broadcast(S, scale);
        t = 0;
        for (int bound = S.loopBound(outLen); t < bound; t += L) {
            FloatVector u = FloatVector.fromArray(S, x, xOff + t).add(FloatVector.fromArray(S, mean, t));
            u.fma(minusA, FloatVector.fromArray(S, g, gOff + t)).mul(vs).intoArray(out, outOff + t);
        }
        for (float minus = -a; t < outLen; t++) { // a row of the caller's, d long
            out[outOff + t] = Math.fma(x[xOff + t] + mean[t], minus, g[gOff + t]) * scale;
        }
    }

    /**
     * {@code g -= along * u} over the row ({@code u = x + mean}), returning {@code <u, g>} of the result: the second
     * projection of {@link #projectOut}, a method of its own so that the vectors of each stay within one compilation
     * unit (written inline, the JIT at times left the fold and the last loop boxing their vectors for good).
     */
    private static float subtractAlong(float[] g, int gOff, float[] x, int xOff, float[] mean, int len, float along) {
        FloatVector minusA = FloatVector.broadcast(S, -along);
        FloatVector r0 = FloatVector.zero(S), r1 = r0;
        int t = 0;
        for (; t + 2 * L <= len; t += 2 * L) {
            FloatVector u0 = FloatVector.fromArray(S, x, xOff + t).add(FloatVector.fromArray(S, mean, t));
            FloatVector u1 = FloatVector.fromArray(S, x, xOff + t + L).add(FloatVector.fromArray(S, mean, t + L));
            FloatVector g0 = u0.fma(minusA, FloatVector.fromArray(S, g, gOff + t));
            FloatVector g1 = u1.fma(minusA, FloatVector.fromArray(S, g, gOff + t + L));
            g0.intoArray(g, gOff + t);
            g1.intoArray(g, gOff + t + L);
            r0 = u0.fma(g0, r0);
            r1 = u1.fma(g1, r1);
        }
        for (; t < len; t += L) {
            FloatVector u0 = FloatVector.fromArray(S, x, xOff + t).add(FloatVector.fromArray(S, mean, t));
            FloatVector g0 = u0.fma(minusA, FloatVector.fromArray(S, g, gOff + t));
            g0.intoArray(g, gOff + t);
            r0 = u0.fma(g0, r0);
        }
        FloatVector residual = r0.add(r1);
        for (VectorShuffle<Float> fold : FOLDS) {
            residual = residual.add(residual.rearrange(fold));
        }
        return residual.lane(0);
    }

    // ---------------------------------------------------------------- float64

    @Override
    public void squaredDistancesByLane(double[] rows, double[] means, int classes, int len, double[] out) {
        int R = 2 * DL;
        for (int k = 0; k < classes; k += 4) {
            DoubleVector a0 = DoubleVector.zero(DS), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            int m = k * len;
            for (int t = 0; t < len; t++) {
                DoubleVector r = DoubleVector.fromArray(DS, rows, t * R);
                DoubleVector q = DoubleVector.fromArray(DS, rows, t * R + DL);
                double m0 = means[m + t];
                double m1 = means[m + len + t];
                double m2 = means[m + 2 * len + t];
                double m3 = means[m + 3 * len + t];
                DoubleVector e = r.sub(m0);
                a0 = e.fma(e, a0);
                e = q.sub(m0);
                b0 = e.fma(e, b0);
                e = r.sub(m1);
                a1 = e.fma(e, a1);
                e = q.sub(m1);
                b1 = e.fma(e, b1);
                e = r.sub(m2);
                a2 = e.fma(e, a2);
                e = q.sub(m2);
                b2 = e.fma(e, b2);
                e = r.sub(m3);
                a3 = e.fma(e, a3);
                e = q.sub(m3);
                b3 = e.fma(e, b3);
            }
            a0.intoArray(out, k * R);
            b0.intoArray(out, k * R + DL);
            a1.intoArray(out, (k + 1) * R);
            b1.intoArray(out, (k + 1) * R + DL);
            a2.intoArray(out, (k + 2) * R);
            b2.intoArray(out, (k + 2) * R + DL);
            a3.intoArray(out, (k + 3) * R);
            b3.intoArray(out, (k + 3) * R + DL);
        }
    }

    @Override
    public void silhouettesByLane(double[] distances, int classes, boolean cosine, double[] sizes,
                                  double[] inverseSizes, double[] scatters, double[] squaredNorms,
                                  double[] floorCorrections, double[] own, double[] squares, double[] corrections,
                                  double[] out) {
        if (twoLaneDoubleMasks != null) {
            twoLaneDoubleMasks.silhouettesByLane(distances, classes, cosine, sizes, inverseSizes, scatters,
                    squaredNorms, floorCorrections, own, squares, corrections, out);
            return;
        }
        int R = 2 * DL;
        DoubleVector zero = DoubleVector.zero(DS);
        for (int h = 0; h < R; h += DL) {
            DoubleVector ownClass = DoubleVector.fromArray(DS, own, h);
            DoubleVector square = DoubleVector.fromArray(DS, squares, h);
            DoubleVector correction = DoubleVector.fromArray(DS, corrections, h);
            DoubleVector twiceCorrection = correction.mul(2.0);
            DoubleVector ownSum = zero;
            DoubleVector ownSize = zero;
            DoubleVector b = DoubleVector.broadcast(DS, Double.POSITIVE_INFINITY);
            for (int k = 0; k < classes; k++) {
                double size = sizes[k];
                DoubleVector sum = DoubleVector.fromArray(DS, distances, k * R + h).mul(size).add(scatters[k]);
                DoubleVector magnitude = square.mul(size).add(squaredNorms[k]).mul(ClassMeans.NOISE);
                sum = sum.blend(zero, sum.compare(VectorOperators.LE, magnitude));
                VectorMask<Double> isOwn = ownClass.compare(VectorOperators.EQ, (double) k);
                if (cosine) {
                    sum = sum.mul(0.5).add(correction.mul(size)).add(floorCorrections[k])
                            .sub(zero.blend(twiceCorrection, isOwn));
                }
                ownSum = ownSum.blend(sum, isOwn);
                ownSize = ownSize.blend(size, isOwn);
                b = b.min(sum.mul(inverseSizes[k]).blend(b, isOwn)); // min is exact in any order
            }
            DoubleVector a = ownSum.div(ownSize.sub(1.0));
            DoubleVector larger = a.max(b);
            DoubleVector ratio = a.min(b).div(larger);
            DoubleVector s = ratio.neg().add(1.0).blend(ratio.sub(1.0), a.compare(VectorOperators.GE, b));
            VectorMask<Double> none = larger.compare(VectorOperators.EQ, 0.0)
                    .or(ownSize.compare(VectorOperators.LT, 2.0));
            s.blend(zero, none).intoArray(out, h);
        }
    }

    @Override
    public double scaleAndCentre(float[] x, int xOff, double divisor, double[] shift, double[] out, int len) {
        DoubleVector acc = DoubleVector.zero(DS);
        DoubleVector by = DoubleVector.broadcast(DS, divisor);
        boolean scale = divisor != 1.0;
        int t = 0;
        for (; t + DL <= len; t += DL) {
            DoubleVector v = (DoubleVector) FloatVector.fromArray(HS, x, xOff + t)
                    .convertShape(VectorOperators.F2D, DS, 0);
            if (scale) {
                v = v.div(by);
            }
            v = v.sub(DoubleVector.fromArray(DS, shift, t));
            v.intoArray(out, t);
            acc = v.fma(v, acc);
        }
        for (VectorShuffle<Double> fold : DOUBLE_FOLDS) {
            acc = acc.add(acc.rearrange(fold));
        }
        double sum = acc.lane(0);
        return ScalarTails.scaleAndCentre(x, xOff, divisor, shift, out, t, len, sum);
    }

    @Override
    public double squaresAsDouble(float[] x, int xOff, int len) {
        DoubleVector acc = DoubleVector.zero(DS);
        int t = 0;
        for (; t + DL <= len; t += DL) {
            DoubleVector v = (DoubleVector) FloatVector.fromArray(HS, x, xOff + t)
                    .convertShape(VectorOperators.F2D, DS, 0);
            acc = v.fma(v, acc);
        }
        for (VectorShuffle<Double> fold : DOUBLE_FOLDS) {
            acc = acc.add(acc.rearrange(fold));
        }
        double sum = acc.lane(0);
        for (; t < len; t++) {
            double v = x[xOff + t];
            sum = Math.fma(v, v, sum);
        }
        return sum;
    }

    @Override
    public void add(double[] row, double[] into, int intoOff, int len) {
        int t = 0;
        for (; t + DL <= len; t += DL) {
            DoubleVector.fromArray(DS, row, t).add(DoubleVector.fromArray(DS, into, intoOff + t))
                    .intoArray(into, intoOff + t);
        }
        for (; t < len; t++) {
            into[intoOff + t] += row[t];
        }
    }

    @Override
    public void distances6x3(float[] a, int aOff, int aRowStride, float[] b, int bOff, int bVectorStride, int count,
                             float[] c, int cOff, int cRowStride) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c10 = z, c11 = z, c12 = z, c20 = z, c21 = z, c22 = z;
        FloatVector c30 = z, c31 = z, c32 = z, c40 = z, c41 = z, c42 = z, c50 = z, c51 = z, c52 = z;
        int a0 = aOff, a1 = a0 + aRowStride, a2 = a1 + aRowStride, a3 = a2 + aRowStride, a4 = a3 + aRowStride;
        int a5 = a4 + aRowStride;
        int b0 = bOff;
        for (int t = 0; t < count; t++, b0 += L) {
            FloatVector v0 = FloatVector.fromArray(S, b, b0);
            FloatVector v1 = FloatVector.fromArray(S, b, b0 + bVectorStride);
            FloatVector v2 = FloatVector.fromArray(S, b, b0 + 2 * bVectorStride);
            FloatVector x;
            FloatVector e;
            x = FloatVector.broadcast(S, a[a0 + t]);
            e = v0.sub(x);
            c00 = e.fma(e, c00);
            e = v1.sub(x);
            c01 = e.fma(e, c01);
            e = v2.sub(x);
            c02 = e.fma(e, c02);
            x = FloatVector.broadcast(S, a[a1 + t]);
            e = v0.sub(x);
            c10 = e.fma(e, c10);
            e = v1.sub(x);
            c11 = e.fma(e, c11);
            e = v2.sub(x);
            c12 = e.fma(e, c12);
            x = FloatVector.broadcast(S, a[a2 + t]);
            e = v0.sub(x);
            c20 = e.fma(e, c20);
            e = v1.sub(x);
            c21 = e.fma(e, c21);
            e = v2.sub(x);
            c22 = e.fma(e, c22);
            x = FloatVector.broadcast(S, a[a3 + t]);
            e = v0.sub(x);
            c30 = e.fma(e, c30);
            e = v1.sub(x);
            c31 = e.fma(e, c31);
            e = v2.sub(x);
            c32 = e.fma(e, c32);
            x = FloatVector.broadcast(S, a[a4 + t]);
            e = v0.sub(x);
            c40 = e.fma(e, c40);
            e = v1.sub(x);
            c41 = e.fma(e, c41);
            e = v2.sub(x);
            c42 = e.fma(e, c42);
            x = FloatVector.broadcast(S, a[a5 + t]);
            e = v0.sub(x);
            c50 = e.fma(e, c50);
            e = v1.sub(x);
            c51 = e.fma(e, c51);
            e = v2.sub(x);
            c52 = e.fma(e, c52);
        }
        c00.sqrt().intoArray(c, cOff + 0 * cRowStride + 0 * L);
        c01.sqrt().intoArray(c, cOff + 0 * cRowStride + 1 * L);
        c02.sqrt().intoArray(c, cOff + 0 * cRowStride + 2 * L);
        c10.sqrt().intoArray(c, cOff + 1 * cRowStride + 0 * L);
        c11.sqrt().intoArray(c, cOff + 1 * cRowStride + 1 * L);
        c12.sqrt().intoArray(c, cOff + 1 * cRowStride + 2 * L);
        c20.sqrt().intoArray(c, cOff + 2 * cRowStride + 0 * L);
        c21.sqrt().intoArray(c, cOff + 2 * cRowStride + 1 * L);
        c22.sqrt().intoArray(c, cOff + 2 * cRowStride + 2 * L);
        c30.sqrt().intoArray(c, cOff + 3 * cRowStride + 0 * L);
        c31.sqrt().intoArray(c, cOff + 3 * cRowStride + 1 * L);
        c32.sqrt().intoArray(c, cOff + 3 * cRowStride + 2 * L);
        c40.sqrt().intoArray(c, cOff + 4 * cRowStride + 0 * L);
        c41.sqrt().intoArray(c, cOff + 4 * cRowStride + 1 * L);
        c42.sqrt().intoArray(c, cOff + 4 * cRowStride + 2 * L);
        c50.sqrt().intoArray(c, cOff + 5 * cRowStride + 0 * L);
        c51.sqrt().intoArray(c, cOff + 5 * cRowStride + 1 * L);
        c52.sqrt().intoArray(c, cOff + 5 * cRowStride + 2 * L);
    }

    @Override
    public double sumAsDouble(float[] a, int from, int to) {
        DoubleVector s0 = DoubleVector.zero(DS), s1 = s0;
        int t = from;
        for (; t + L <= to; t += L) {
            s0 = s0.add(FloatVector.fromArray(HS, a, t).convertShape(VectorOperators.F2D, DS, 0));
            s1 = s1.add(FloatVector.fromArray(HS, a, t + DL).convertShape(VectorOperators.F2D, DS, 0));
        }
        if (t < to) { // masked tail: lanes past the end add 0
            s0 = s0.add(FloatVector.fromArray(HS, a, t, HS.indexInRange(t, to))
                    .convertShape(VectorOperators.F2D, DS, 0));
            s1 = s1.add(FloatVector.fromArray(HS, a, t + DL, HS.indexInRange(t + DL, to))
                    .convertShape(VectorOperators.F2D, DS, 0));
        }
        DoubleVector total = s0.add(s1);
        for (VectorShuffle<Double> fold : DOUBLE_FOLDS) { // the lane sum, written out: no vector crosses a call
            total = total.add(total.rearrange(fold));
        }
        return total.lane(0);
    }

    @Override
    public void addRowsAsDouble(float[] a, int off, int rows, int stride, int len, double[] out, int outOff) {
        int c = 0;
        for (; c + DL <= len; c += DL) {
            DoubleVector o = DoubleVector.fromArray(DS, out, outOff + c);
            for (int r = 0, p = off + c; r < rows; r++, p += stride) {
                o = o.add(FloatVector.fromArray(HS, a, p).convertShape(VectorOperators.F2D, DS, 0));
            }
            o.intoArray(out, outOff + c);
        }
        for (; c < len; c++) {
            double o = out[outOff + c];
            for (int r = 0, p = off + c; r < rows; r++, p += stride) {
                o += a[p];
            }
            out[outOff + c] = o;
        }
    }
}
