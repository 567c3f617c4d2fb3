package dev.softsilhouette.cuda.engine.fused;

import dev.softsilhouette.cuda.engine.DevicePort;
import dev.softsilhouette.cuda.engine.KernelArguments;
import dev.softsilhouette.cuda.engine.KernelSignature;
import dev.softsilhouette.cuda.engine.KernelSignatures;
import dev.softsilhouette.cuda.kernels.KernelCatalog;
import dev.softsilhouette.spi.BackendFailureException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@link DevicePort} without a GPU: device memory is a fake address range (one live allocation at a time, at
 * {@link #DEVICE_BASE}, as the workspace holds), pinned memory an ordinary native segment. Launches reach it only
 * after the engine's {@link KernelArguments} checked them against the kernels' signatures parsed from the real
 * sources, as on a device; it checks every pointer argument and copy against the live device allocation, and the
 * grid limits, and records the launches in order. {@link #failOnSynchronize} makes a synchronisation fail like a
 * lost device, {@link #failOnLaunch} a launch fail; {@link #events} keeps allocations, launches and
 * synchronisations in order.
 */
final class RecordingPort implements DevicePort {
    static final long DEVICE_BASE = 0x7f00_0000_0000L;
    /** Where the caller's own GPU memory (a framework's tensors, {@link #callerMemory}) starts. */
    static final long CALLER_BASE = 0x7e00_0000_0000L;
    /** Every kernel of the catalogue: the test doubles launch what either binding compiles. */
    static final KernelSignatures SIGNATURES = KernelSignatures.of(KernelCatalog.all());

    private final Arena arena = Arena.ofShared();
    private long deviceBytes;
    private long callerBytes;
    /** Every copy between host and device, in order: "up"/"down", device address, bytes. */
    final List<long[]> copies = new ArrayList<>();
    private FusedWorkspace workspace;
    final List<String> launches = new ArrayList<>();
    final List<long[]> launchArguments = new ArrayList<>();
    /** The grid (x, y) of each launch. */
    final List<int[]> grids = new ArrayList<>();
    boolean failOnSynchronize;
    boolean synchronizedOnce;
    /** The kernel whose launch fails (CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES), or null. */
    String failOnLaunch;
    final List<String> events = new ArrayList<>();

    /** The backend's workspace on this port (one per port, as one per thread on a device). */
    FusedWorkspace workspace() {
        if (workspace == null) {
            workspace = new FusedWorkspace(this, SIGNATURES);
        }
        return workspace;
    }

    @Override
    public void makeCurrent() {
    }

    @Override
    public long allocate(long bytes) {
        assertEquals(0, deviceBytes, "the workspace frees its allocation before it grows");
        assertTrue(bytes > 0, "allocate " + bytes);
        events.add("allocate");
        deviceBytes = bytes;
        return DEVICE_BASE;
    }

    @Override
    public void free(long address) {
        assertEquals(DEVICE_BASE, address, "free of an address never allocated");
        events.add("free");
        deviceBytes = 0;
    }

    @Override
    public MemorySegment allocatePinned(long bytes) {
        assertTrue(bytes > 0, "allocatePinned " + bytes);
        return arena.allocate(bytes, 256);
    }

    @Override
    public void freePinned(MemorySegment pinned) {
        events.add("freePinned");
    }

    /**
     * {@code bytes} of the caller's GPU memory (what a framework holds X and the gradient in), at
     * {@link #CALLER_BASE}: launches may read and write it, a memset may clear it, no copy may touch it.
     */
    long callerMemory(long bytes) {
        callerBytes = bytes;
        return CALLER_BASE;
    }

    private boolean inCaller(long address, long bytes) {
        return address >= CALLER_BASE && address + bytes <= CALLER_BASE + callerBytes;
    }

    private void inDevice(long address, long bytes, String what) {
        assertTrue(bytes > 0 && address >= DEVICE_BASE && address + bytes <= DEVICE_BASE + deviceBytes,
                what + " out of range");
    }

    @Override
    public void copyToDevice(long destination, MemorySegment source, long bytes) {
        inDevice(destination, bytes, "upload");
        assertTrue(source.byteSize() >= bytes, "upload source");
        copies.add(new long[] {+1, destination, bytes});
    }

    @Override
    public void copyToHost(MemorySegment destination, long source, long bytes) {
        inDevice(source, bytes, "download");
        assertTrue(destination.byteSize() >= bytes, "download destination");
        copies.add(new long[] {-1, source, bytes});
    }

    @Override
    public void zero(long address, long bytes) {
        if (inCaller(address, bytes)) {
            events.add("zero caller " + bytes);
            return;
        }
        inDevice(address, bytes, "memset");
    }

    @Override
    public void waitFor(long stream) {
        events.add("waitFor 0x" + Long.toHexString(stream));
    }

    @Override
    public void signal(long stream) {
        events.add("signal 0x" + Long.toHexString(stream));
    }

    @Override
    public void synchronize() {
        events.add("synchronize");
        synchronizedOnce = true;
        if (failOnSynchronize) {
            throw new BackendFailureException("cuda", "cuStreamSynchronize", 700, "CUDA_ERROR_ILLEGAL_ADDRESS", null);
        }
    }

    @Override
    public void launch(String kernel, int gridX, int gridY, int blockX, int blockY, KernelArguments arguments) {
        for (int i = 0; i < arguments.count(); i++) {
            long value = arguments.bits(i);
            if (arguments.kind(i) == KernelSignature.Kind.POINTER && value != 0) {
                assertTrue(value >= DEVICE_BASE && value < DEVICE_BASE + deviceBytes || inCaller(value, 1),
                        kernel + " argument " + i + " is neither a workspace address nor the caller's memory");
            }
        }
        assertTrue(gridX >= 1 && gridY >= 1 && gridY <= 65_535, kernel + " grid " + gridX + "x" + gridY);
        assertEquals(true, blockX * blockY >= 32 && blockX * blockY <= 1024, kernel + " block");
        events.add("launch " + kernel);
        if (kernel.equals(failOnLaunch)) {
            throw new BackendFailureException("cuda", "cuLaunchKernel(" + kernel + ")", 701,
                    "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES", null);
        }
        launches.add(kernel);
        grids.add(new int[] {gridX, gridY});
        launchArguments.add(arguments.toArray());
    }

    /** The end of the port (the workspace closes it after freeing); the fake memory goes with it. */
    @Override
    public void close() {
        events.add("close");
        arena.close();
    }
}
