package dev.softsilhouette.cuda;

import dev.softsilhouette.cuda.engine.KernelSignature;

import dev.softsilhouette.cuda.kernels.KernelCatalog;
import dev.softsilhouette.cuda.kernels.KernelSource;
import dev.softsilhouette.cuda.plan.EuclideanTilePlan;
import dev.softsilhouette.spi.BackendFailureException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A {@link DeviceStream} without a GPU: device memory is a fake address range, pinned memory is an ordinary native
 * segment. It checks every launch against the kernel's signature parsed from the real sources, every pointer
 * argument and copy against the reserved device range, and the grid limits; it records the launches in order.
 * {@link #failOnSynchronize} makes the final synchronisation fail like a lost device, {@link #failOnLaunch} a launch
 * fail; {@link #events} keeps reserves, launches and synchronisations in order.
 */
final class RecordingStream implements DeviceStream {
    static final long DEVICE_BASE = 0x7f00_0000_0000L;
    private static final Map<String, KernelSignature> SIGNATURES = new HashMap<>();

    static {
        for (KernelSource source : KernelCatalog.all()) {
            SIGNATURES.putAll(KernelSignature.parse(source.text()));
        }
    }

    private final Arena arena = Arena.ofConfined();
    private long deviceBytes;
    private MemorySegment host = MemorySegment.NULL;
    private final KernelSignature.Kind[] kinds = new KernelSignature.Kind[32];
    private final long[] values = new long[32];
    private int count;
    private EuclideanTilePlan plan;
    final List<String> launches = new ArrayList<>();
    final List<long[]> launchArguments = new ArrayList<>();
    /** The grid (x, y) of each launch. */
    final List<int[]> grids = new ArrayList<>();
    boolean failOnSynchronize;
    boolean synchronizedOnce;
    /** The kernel whose launch fails (CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES), or null. */
    String failOnLaunch;
    final List<String> events = new ArrayList<>();

    @Override
    public void reserve(long deviceBytes, long hostBytes) {
        events.add("reserve");
        this.deviceBytes = Math.max(this.deviceBytes, deviceBytes);
        if (hostBytes > host.byteSize()) {
            host = arena.allocate(hostBytes, 256);
        }
    }

    @Override
    public long device(long offset) {
        assertTrue(offset >= 0 && offset <= deviceBytes, "device offset " + offset + " outside " + deviceBytes);
        return DEVICE_BASE + offset;
    }

    @Override
    public MemorySegment host() {
        return host;
    }

    @Override
    public void upload(long deviceOffset, long hostOffset, long bytes) {
        assertTrue(deviceOffset + bytes <= deviceBytes && hostOffset + bytes <= host.byteSize(), "upload out of range");
    }

    @Override
    public void download(long hostOffset, long deviceOffset, long bytes) {
        assertTrue(deviceOffset + bytes <= deviceBytes && hostOffset + bytes <= host.byteSize(),
                "download out of range");
    }

    @Override
    public void zero(long deviceOffset, long bytes) {
        assertTrue(deviceOffset + bytes <= deviceBytes, "memset out of range");
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
    public DeviceStream args() {
        count = 0;
        return this;
    }

    @Override
    public DeviceStream ptr(long address) {
        kinds[count] = KernelSignature.Kind.POINTER;
        values[count++] = address;
        return this;
    }

    @Override
    public DeviceStream i32(int value) {
        kinds[count] = KernelSignature.Kind.INT;
        values[count++] = value;
        return this;
    }

    @Override
    public DeviceStream f64(double value) {
        kinds[count] = KernelSignature.Kind.DOUBLE;
        values[count++] = Double.doubleToRawLongBits(value);
        return this;
    }

    @Override
    public void launch(String kernel, int gridX, int gridY, int blockX, int blockY) {
        KernelSignature signature = SIGNATURES.get(kernel);
        if (signature == null) {
            fail("no kernel " + kernel + " in the sources");
        }
        signature.check(kinds, count);
        for (int i = 0; i < count; i++) {
            if (kinds[i] == KernelSignature.Kind.POINTER && values[i] != 0) {
                assertTrue(values[i] >= DEVICE_BASE && values[i] < DEVICE_BASE + deviceBytes,
                        kernel + " argument " + i + " is not a workspace address");
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
        launchArguments.add(java.util.Arrays.copyOf(values, count));
    }

    @Override
    public EuclideanTilePlan cachedPlan() {
        return plan;
    }

    @Override
    public void cachePlan(EuclideanTilePlan plan) {
        this.plan = plan;
    }

    void close() {
        arena.close();
    }
}
