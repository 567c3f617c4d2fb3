package dev.softsilhouette.cuda.engine;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the kernel emulators with several live allocations ({@code BlockKernelEmulator}, {@code SgemmKernelEmulator})
 * share as {@link DevicePort}s: memory on a {@link FakeDeviceMemory} (pinned memory counted), copies that may not
 * touch the caller's GPU memory, and a record of what was queued, in order. A subclass runs the launches.
 */
public abstract class EmulatedPort implements DevicePort {
    /** The fake device memory (and the caller's GPU memory, {@link FakeDeviceMemory#callerMemory}). */
    protected final FakeDeviceMemory memory = new FakeDeviceMemory();
    /** Every kernel launched (and matrix product, where the port multiplies), in order. */
    public final List<String> launches = new ArrayList<>();
    /**
     * Copies ("up BYTES", "down BYTES"), memsets of the caller's memory ("zero caller BYTES"), launches ("launch
     * KERNEL"), stream events ("waitFor 0x..", "signal 0x..") and synchronisations, in order.
     */
    public final List<String> events = new ArrayList<>();
    /** Page-locked allocations not freed yet. */
    public int pinnedLive;
    /** Whether {@link #close()} was called. */
    public boolean closed;

    /** The memory behind this port. */
    public FakeDeviceMemory memory() {
        return memory;
    }

    /** Records a launch after checking the grid and block limits of a device. */
    protected void launched(String kernel, int gridX, int gridY, int blockX, int blockY) {
        assertTrue(gridX >= 1 && gridY >= 1 && gridY <= 65_535, kernel + " grid " + gridX + "x" + gridY);
        assertTrue(blockX * blockY >= 32 && blockX * blockY <= 1024, kernel + " block " + blockX + "x" + blockY);
        launches.add(kernel);
        events.add("launch " + kernel);
    }

    @Override
    public void makeCurrent() {
    }

    @Override
    public long allocate(long bytes) {
        return memory.allocate(bytes);
    }

    @Override
    public void free(long address) {
        memory.free(address);
    }

    @Override
    public MemorySegment allocatePinned(long bytes) {
        pinnedLive++;
        return memory.host(bytes);
    }

    @Override
    public void freePinned(MemorySegment pinned) {
        pinnedLive--;
    }

    @Override
    public void copyToDevice(long destination, MemorySegment source, long bytes) {
        upload(destination, source, 0, bytes);
    }

    @Override
    public void copyToDevice(long destination, MemorySegment source, long sourceOffset, long bytes) {
        upload(destination, source, sourceOffset, bytes);
    }

    @Override
    public void copyToHost(MemorySegment destination, long source, long bytes) {
        download(destination, 0, source, bytes);
    }

    @Override
    public void copyToHost(MemorySegment destination, long destinationOffset, long source, long bytes) {
        download(destination, destinationOffset, source, bytes);
    }

    private void upload(long destination, MemorySegment source, long sourceOffset, long bytes) {
        assertFalse(memory.isCaller(destination), "a copy into the caller's GPU memory");
        memory.at(destination, bytes).copyFrom(source.asSlice(sourceOffset, bytes));
        events.add("up " + bytes);
    }

    private void download(MemorySegment destination, long destinationOffset, long source, long bytes) {
        assertFalse(memory.isCaller(source), "a copy of the caller's GPU memory");
        destination.asSlice(destinationOffset, bytes).copyFrom(memory.at(source, bytes));
        events.add("down " + bytes);
    }

    @Override
    public void zero(long address, long bytes) {
        memory.at(address, bytes).fill((byte) 0);
        if (memory.isCaller(address)) {
            events.add("zero caller " + bytes);
        }
    }

    @Override
    public void waitFor(long stream) {
        events.add("waitFor 0x" + Long.toHexString(stream));
    }

    @Override
    public void signal(long stream) {
        events.add("signal 0x" + Long.toHexString(stream));
    }

    /** The emulated work has already run, in queue order. */
    @Override
    public void synchronize() {
        events.add("synchronize");
    }

    @Override
    public void close() {
        closed = true;
    }

    /** The index of the first of {@code events} starting with {@code prefix}, or -1. */
    public static int firstStartingWith(List<String> events, String prefix) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    /** The index of the last of {@code events} starting with {@code prefix}, or -1. */
    public static int lastStartingWith(List<String> events, String prefix) {
        for (int i = events.size() - 1; i >= 0; i--) {
            if (events.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }
}
