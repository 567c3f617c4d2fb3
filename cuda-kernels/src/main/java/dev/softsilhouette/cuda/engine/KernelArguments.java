package dev.softsilhouette.cuda.engine;

import dev.softsilhouette.cuda.engine.KernelSignature.Kind;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The argument list of one kernel launch, built in the kernel's parameter order
 * ({@code args.clear().ptr(x).i32(n).f64(scale).launch("kernel", ...)}) in a native block allocated once: each value
 * takes an 8-byte slot (a device address; an int zero-extended; a double's bits), and {@link #parameters()} is the
 * {@code void**} array {@code cuLaunchKernel} reads, slot i pointing at value i. {@link #launch} checks the kinds
 * against the kernel's signature parsed from its source before the {@link Target} sees them, so that a host/kernel
 * mismatch is an exception, not silent memory corruption on the device. One per workspace (thread); not thread-safe.
 */
public final class KernelArguments {
    /** The most arguments a launch takes (no kernel has more than 14). */
    public static final int CAPACITY = 16;

    /** What runs a launch once its arguments passed the check: a binding's {@code cuLaunchKernel}, or a test double. */
    public interface Target {
        void launch(String kernel, int gridX, int gridY, int blockX, int blockY, KernelArguments arguments);
    }

    private final KernelSignatures signatures;
    private final Target target;
    private final MemorySegment values;
    private final MemorySegment parameters;
    private final Kind[] kinds = new Kind[CAPACITY];
    private int count;

    /** The native block comes from {@code arena}, which must outlive every launch. */
    public KernelArguments(Arena arena, KernelSignatures signatures, Target target) {
        this.signatures = signatures;
        this.target = target;
        values = arena.allocate(JAVA_LONG, CAPACITY);
        parameters = arena.allocate(ADDRESS, CAPACITY);
        for (int i = 0; i < CAPACITY; i++) {
            parameters.setAtIndex(ADDRESS, i, values.asSlice((long) i * Long.BYTES, Long.BYTES));
        }
    }

    /** Starts a new argument list. */
    public KernelArguments clear() {
        count = 0;
        return this;
    }

    /** A device address ({@code T*} parameter; 0 for a null pointer). */
    public KernelArguments ptr(long address) {
        values.setAtIndex(JAVA_LONG, next(Kind.POINTER), address);
        return this;
    }

    /** An {@code int} parameter. */
    public KernelArguments i32(int value) {
        values.setAtIndex(JAVA_LONG, next(Kind.INT), value & 0xFFFF_FFFFL);
        return this;
    }

    /** A {@code double} parameter. */
    public KernelArguments f64(double value) {
        values.setAtIndex(JAVA_DOUBLE, next(Kind.DOUBLE), value);
        return this;
    }

    private int next(Kind kind) {
        if (count == CAPACITY) {
            throw new IllegalStateException("more than " + CAPACITY + " kernel arguments");
        }
        kinds[count] = kind;
        return count++;
    }

    /** Checks the arguments given since {@link #clear()} against {@code kernel}'s signature, then launches it. */
    public void launch(String kernel, int gridX, int gridY, int blockX, int blockY) {
        signatures.get(kernel).check(kinds, count);
        target.launch(kernel, gridX, gridY, blockX, blockY, this);
    }

    /** The same on a one-dimensional grid of one-dimensional blocks. */
    public void launch(String kernel, int blocks, int threads) {
        launch(kernel, blocks, 1, threads, 1);
    }

    /** How many arguments were given. */
    public int count() {
        return count;
    }

    /** The kind of argument {@code i}. */
    public Kind kind(int i) {
        return kinds[Objects.checkIndex(i, count)];
    }

    /** Argument {@code i}'s 8-byte slot: the address, the int zero-extended, or the double's raw bits. */
    public long bits(int i) {
        return values.getAtIndex(JAVA_LONG, Objects.checkIndex(i, count));
    }

    /** Argument {@code i} as an int (an INT argument). */
    public int intValue(int i) {
        return (int) bits(i);
    }

    /** Argument {@code i} as a double (a DOUBLE argument). */
    public double doubleValue(int i) {
        return Double.longBitsToDouble(bits(i));
    }

    /** Every argument's slot, in order. */
    public long[] toArray() {
        long[] all = new long[count];
        for (int i = 0; i < count; i++) {
            all[i] = bits(i);
        }
        return all;
    }

    /** The native {@code void**} parameter array for {@code cuLaunchKernel}. */
    public MemorySegment parameters() {
        return parameters;
    }

    @Override
    public String toString() {
        return List.of(Arrays.copyOf(kinds, count)).toString();
    }
}
