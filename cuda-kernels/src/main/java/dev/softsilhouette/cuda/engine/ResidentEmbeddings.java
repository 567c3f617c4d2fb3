package dev.softsilhouette.cuda.engine;

import dev.softsilhouette.spi.DeviceBatch;
import dev.softsilhouette.spi.InputErrors;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The steps a GPU-resident call ({@link Operands#resident()}) adds to a strategy, in one place for both: ordering
 * with the caller's stream, and the finiteness of embeddings that only the device can read (SPEC 9).
 *
 * <p>Ordering, both directions by an event ({@link DevicePort#waitFor}, {@link DevicePort#signal}): the workspace's
 * stream waits for what the caller queued on its stream before the call (so X may still be in the making there)
 * before it reads X; the caller's stream waits for the workspace's stream after the last write to the caller's
 * gradient. The workspace's stream is synchronised twice: after the check (the host needs its verdict before it
 * lets anything of the caller's be written) and at the end (the value). The caller's stream is never synchronised.
 */
public final class ResidentEmbeddings {
    /** Device (and pinned) bytes of the check's answer: one 64-bit word. */
    public static final long FLAG_BYTES = Long.BYTES;
    /** Threads per block of {@code find_non_finite}. */
    static final int THREADS = 256;

    private ResidentEmbeddings() {
    }

    /**
     * The start of a resident call on {@code port}: its stream waits for the caller's, then {@code find_non_finite}
     * reads X once, its answer comes back and the stream is synchronised. Throws the host path's
     * {@link IllegalArgumentException} for the first non-finite value (nothing of the caller's written yet).
     *
     * @param flag       {@link #FLAG_BYTES} of the workspace's device memory
     * @param pinned     pinned memory holding {@link #FLAG_BYTES} at {@code pinnedOffset}
     */
    public static void begin(DevicePort port, KernelArguments args, DeviceBatch batch, long flag,
                             MemorySegment pinned, long pinnedOffset) {
        port.waitFor(batch.stream());
        port.zero(flag, FLAG_BYTES);
        args.clear().ptr(batch.embeddings()).i32(batch.rows()).i32(batch.dims()).ptr(flag)
                .launch("find_non_finite", LaunchGrid.strideBlocks((long) batch.rows() * batch.dims(), THREADS),
                        THREADS);
        port.copyToHost(pinned, pinnedOffset, flag, FLAG_BYTES);
        port.synchronize();
        long first = pinned.get(ValueLayout.JAVA_LONG_UNALIGNED, pinnedOffset);
        if (first != 0L) {
            throw notFinite(first, batch.rows(), batch.dims());
        }
    }

    /**
     * The message of {@code find_non_finite}'s answer {@code first} (non-zero): the first non-finite value's index is
     * {@code N*D - (first >>> 2)}, its kind {@code first & 3} (0 NaN, 1 +infinity, 2 -infinity).
     */
    static IllegalArgumentException notFinite(long first, int n, int d) {
        long index = (long) n * d - (first >>> 2);
        int kind = (int) (first & 3);
        float value = kind == 0 ? Float.NaN : kind == 1 ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
        return InputErrors.notFinite("embeddings", index, d, value);
    }

    /**
     * A resident batch with one class (SPEC 3: every s_i is 0, the gradient 0), once {@link #begin} has passed: the
     * caller's gradient zeroed on the port's stream, the caller's stream ordered after it, the port synchronised.
     *
     * @return {@code sum_i s_i}, 0
     */
    public static double oneClass(DevicePort port, Operands io, int n, int d, MemorySegment silhouettesOut) {
        if (io.gradient()) {
            port.zero(io.deviceGradient(), (long) n * d * Float.BYTES);
        }
        port.signal(io.stream());
        port.synchronize();
        return OneClassBatch.answer(n, d, silhouettesOut, null);
    }
}
