package dev.softsilhouette.cuda;

import dev.softsilhouette.cuda.engine.KernelArguments;
import dev.softsilhouette.cuda.engine.KernelSignature;
import dev.softsilhouette.cuda.engine.KernelSignatures;
import dev.softsilhouette.cuda.kernels.KernelCatalog;
import dev.softsilhouette.cuda.plan.EuclideanTilePlan;
import dev.softsilhouette.spi.BackendFailureException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@link DeviceStream} without a GPU: device memory is a fake address range, pinned memory is an ordinary native
 * segment. Its launches are checked against the kernels' signatures parsed from the real sources (by the engine's
 * {@link KernelArguments}, as on a device); it checks every pointer
 * argument and copy against the reserved device range, and the grid limits; it records the launches in order.
 * {@link #failOnSynchronize} makes the final synchronisation fail like a lost device, {@link #failOnLaunch} a launch
 * fail; {@link #events} keeps reserves, launches and synchronisations in order.
 */
final class RecordingStream implements DeviceStream {
    static final long DEVICE_BASE = 0x7f00_0000_0000L;
    /** Every kernel of the catalogue: the test doubles launch what either binding compiles. */
    static final KernelSignatures SIGNATURES = KernelSignatures.of(KernelCatalog.all());

    private final Arena arena = Arena.ofConfined();
    private final KernelArguments arguments = new KernelArguments(arena, SIGNATURES, this);
    private long deviceBytes;
    private MemorySegment host = MemorySegment.NULL;
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
    public KernelArguments args() {
        return arguments.clear();
    }

    @Override
    public void launch(String kernel, int gridX, int gridY, int blockX, int blockY, KernelArguments arguments) {
        for (int i = 0; i < arguments.count(); i++) {
            long value = arguments.bits(i);
            if (arguments.kind(i) == KernelSignature.Kind.POINTER && value != 0) {
                assertTrue(value >= DEVICE_BASE && value < DEVICE_BASE + deviceBytes,
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
        launchArguments.add(arguments.toArray());
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
