package dev.softsilhouette.cuda.engine;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The device memory of the test emulators that hold several allocations at once: each allocation a native segment at
 * a made-up address (from {@link #DEVICE_BASE}, 64 KiB apart), filled with garbage so that reading what nobody wrote
 * shows; optionally a range of the caller's own GPU memory at {@link #CALLER_BASE} (a framework's tensors). Every
 * access is checked against a live allocation: an address outside all of them, or an access running past the end of
 * one, fails the test.
 */
public final class FakeDeviceMemory implements EmulatedMemory, AutoCloseable {
    /** Where the allocations start. */
    public static final long DEVICE_BASE = 0x7f00_0000_0000L;
    /** Where the caller's GPU memory ({@link #callerMemory}) starts. */
    public static final long CALLER_BASE = 0x7e00_0000_0000L;
    /** The byte every fresh allocation holds. */
    public static final byte GARBAGE = 0x55;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG;

    private final Arena arena = Arena.ofShared();
    private final TreeMap<Long, MemorySegment> allocations = new TreeMap<>();
    private long nextAddress = DEVICE_BASE;
    private long callerBytes;
    /** The allocation of the last access (most accesses of a kernel hit the one before). */
    private long lastBase = -1;
    private MemorySegment last = MemorySegment.NULL;

    /** {@code bytes > 0} of device memory, holding {@link #GARBAGE}; its address. */
    public long allocate(long bytes) {
        assertTrue(bytes > 0, "allocate " + bytes);
        long address = nextAddress;
        nextAddress += (bytes + 0xFFFF) & ~0xFFFFL;
        allocations.put(address, arena.allocate(bytes, 256).fill(GARBAGE));
        return address;
    }

    /** Frees what {@link #allocate} returned. */
    public void free(long address) {
        assertTrue(address >= DEVICE_BASE, "free of the caller's memory");
        assertNotNull(allocations.remove(address), "free of an address never allocated");
        lastBase = -1;
    }

    /** Device allocations still live. */
    public int live() {
        return allocations.size() - (callerBytes > 0 ? 1 : 0);
    }

    /** {@code bytes} of host memory (what a port's pinned allocation stands for), freed with this memory. */
    public MemorySegment host(long bytes) {
        assertTrue(bytes > 0, "allocatePinned " + bytes);
        return arena.allocate(bytes, 256);
    }

    /**
     * {@code bytes} of the caller's GPU memory at {@link #CALLER_BASE} (replacing any earlier one), holding
     * {@link #GARBAGE}: the segment the test fills and reads back.
     */
    public MemorySegment callerMemory(long bytes) {
        callerBytes = bytes;
        MemorySegment caller = arena.allocate(bytes, 256).fill(GARBAGE);
        allocations.put(CALLER_BASE, caller);
        lastBase = -1;
        return caller;
    }

    /** Whether {@code address} lies in the caller's memory. */
    public boolean isCaller(long address) {
        return address >= CALLER_BASE && address < CALLER_BASE + callerBytes;
    }

    /** The {@code bytes} at {@code address}, inside one live allocation. */
    public MemorySegment at(long address, long bytes) {
        MemorySegment segment = containing(address);
        long offset = address - lastBase;
        assertTrue(offset + bytes <= segment.byteSize(), "access past the end of the allocation at 0x"
                + Long.toHexString(lastBase));
        return segment.asSlice(offset, bytes);
    }

    private MemorySegment containing(long address) {
        if (address >= lastBase && address - lastBase < last.byteSize()) {
            return last;
        }
        Map.Entry<Long, MemorySegment> entry = allocations.floorEntry(address);
        assertNotNull(entry, "no allocation at 0x" + Long.toHexString(address));
        assertTrue(address - entry.getKey() < entry.getValue().byteSize(),
                "0x" + Long.toHexString(address) + " is outside every live allocation");
        lastBase = entry.getKey();
        last = entry.getValue();
        return last;
    }

    private long offset(long ptr, long index, int size) {
        long address = ptr + index * size;
        MemorySegment segment = containing(address);
        long offset = address - lastBase;
        if (offset + size > segment.byteSize()) {
            throw new AssertionError("access past the end of the allocation at 0x" + Long.toHexString(lastBase));
        }
        return offset;
    }

    @Override
    public float f32(long ptr, long index) {
        long offset = offset(ptr, index, 4);
        return last.get(F, offset);
    }

    @Override
    public void f32(long ptr, long index, float value) {
        long offset = offset(ptr, index, 4);
        last.set(F, offset, value);
    }

    @Override
    public double f64(long ptr, long index) {
        long offset = offset(ptr, index, 8);
        return last.get(D, offset);
    }

    @Override
    public void f64(long ptr, long index, double value) {
        long offset = offset(ptr, index, 8);
        last.set(D, offset, value);
    }

    @Override
    public int i32(long ptr, long index) {
        long offset = offset(ptr, index, 4);
        return last.get(I, offset);
    }

    @Override
    public long i64(long ptr, long index) {
        long offset = offset(ptr, index, 8);
        return last.get(L, offset);
    }

    @Override
    public void i64(long ptr, long index, long value) {
        long offset = offset(ptr, index, 8);
        last.set(L, offset, value);
    }

    /** Frees the memory behind every allocation and host segment ({@link #live()} still counts what was not freed). */
    @Override
    public void close() {
        arena.close();
    }
}
