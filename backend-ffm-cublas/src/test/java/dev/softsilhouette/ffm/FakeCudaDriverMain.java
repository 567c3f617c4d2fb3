package dev.softsilhouette.ffm;

import dev.softsilhouette.Metric;
import dev.softsilhouette.cuda.engine.strategies.StrategyChoice;
import dev.softsilhouette.ffm.cuda.CudaLibraries;
import dev.softsilhouette.ffm.cuda.Driver;
import dev.softsilhouette.spi.Availability;
import dev.softsilhouette.spi.BackendFailureException;
import dev.softsilhouette.spi.PreparedBatch;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Random;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Run by {@link FakeDriverTest} in a child JVM whose {@code silhouette.cuda.libdir} holds the fake libraries:
 * drives every binding and the backend's host orchestration, printing one {@code CHECK} line per verified fact.
 * Exits non-zero on the first failure.
 */
public final class FakeCudaDriverMain {
    private FakeCudaDriverMain() {
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            System.out.println("FAILED " + what);
            System.exit(3);
        }
        System.out.println("CHECK " + what);
    }

    public static void main(String[] args) throws Throwable {
        // 1. The probe gets as far as the self-check, which must fail: the fake runs no kernels.
        Availability availability = new FfmCublasBackendProvider().probe();
        check(!availability.available() && availability.reason().startsWith("self-check on Fake GPU failed"),
                "probe reaches the self-check and refuses wrong numbers: " + availability.reason());

        // A strategy property the engine does not know is the reason.
        System.setProperty(StrategyChoice.PROPERTY, "gemm");
        Availability badStrategy = new FfmCublasBackendProvider().probe();
        System.clearProperty(StrategyChoice.PROPERTY);
        check(!badStrategy.available() && badStrategy.reason().equals(
                        "silhouette.cuda.strategy: not a strategy: gemm (use auto, fused or sgemm)"),
                "an unknown strategy is refused: " + badStrategy.reason());

        // 2. The whole host path, every metric, forward and gradient, several Gram blocks.
        CudaSession session = CudaSession.open();
        check(session.computeCapability == 90 && session.describe().startsWith("Fake GPU (sm_90"),
                "session: " + session.describe());
        try (var cached = java.nio.file.Files.list(java.nio.file.Path.of(
                System.getProperty(dev.softsilhouette.cuda.engine.KernelImageCache.PROPERTY)))) {
            long images = cached.filter(f -> f.toString().endsWith(".cubin")).count();
            // every source of the engine: both strategies' and the block decomposition's
            check(images == dev.softsilhouette.cuda.engine.EngineKernels.SOURCES.size(),
                    "compiled images are cached on disk (" + images
                    + " in the shared kernel cache)");
        }
        long budget = dev.softsilhouette.cuda.engine.sgemm.GramChunkPlan.BYTES_PER_CELL * 16L * 16L;
        StrategyChoice auto = StrategyChoice.of("auto", session.totalMemory, null);
        dev.softsilhouette.spi.SilhouetteBackend backend = FfmCublasBackend.on(session, budget, auto, session::close);
        MethodHandle launches = Linker.nativeLinker().downcallHandle(
                CudaLibraries.driver().require().lookup().find("fake_cuda_launches").orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG));
        MethodHandle cublasCreated = Linker.nativeLinker().downcallHandle(
                CudaLibraries.cublas().require().lookup().find("fake_cuda_cublas_created").orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG));
        MethodHandle pinnedLive = Linker.nativeLinker().downcallHandle(
                CudaLibraries.driver().require().lookup().find("fake_cuda_pinned_live").orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG));
        Random random = new Random(5);
        int n = 50;
        int d = 4;
        int k = 3;
        try (Arena arena = Arena.ofConfined()) {
            float[] x = new float[n * d];
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = i % k;
                for (int t = 0; t < d; t++) {
                    x[i * d + t] = (float) random.nextGaussian();
                }
            }
            PreparedBatch batch = prepare(arena, x, labels, n, d, k);
            MemorySegment gradient = arena.allocate(JAVA_FLOAT, (long) n * d);
            MemorySegment silhouettes = arena.allocate(JAVA_FLOAT, n);
            MemorySegment weights = arena.allocate(JAVA_FLOAT, n);
            // Both strategies on this binding, each forced: every metric's host path, forward and gradient; only the
            // SGEMM strategy's port makes a cuBLAS handle, and closing frees all either strategy took.
            for (StrategyChoice.Strategy strategy : auto.strategies()) {
                long handles = (long) cublasCreated.invokeExact();
                long pinned = (long) pinnedLive.invokeExact();
                Driver.setCurrentContext(session.context);
                long[] memory = Driver.memoryInfo();
                try (var forced = FfmCublasBackend.on(session, budget, auto.forcedTo(strategy), () -> { })) {
                    for (Metric metric : Metric.values()) {
                        long before = (long) launches.invokeExact();
                        forced.silhouettesAndGradient(batch, metric, 0.5, 1.0 / n, weights, silhouettes, gradient);
                        forced.silhouettes(batch, metric, 0.0, silhouettes);
                        long launched = (long) launches.invokeExact() - before;
                        check(launched > 0, strategy.value() + " " + metric + ": host path ran, " + launched
                                + " kernel launches");
                    }
                }
                long made = (long) cublasCreated.invokeExact() - handles;
                check(made == (strategy == StrategyChoice.Strategy.SGEMM ? 1 : 0),
                        strategy.value() + ": " + made + " cuBLAS handles created");
                Driver.setCurrentContext(session.context);
                check((long) pinnedLive.invokeExact() == pinned && Driver.memoryInfo()[0] == memory[0],
                        strategy.value() + ": its backend's close freed its device and page-locked memory");
            }
            // Chosen by shape: this small batch runs the fused tiles, so the backend makes no cuBLAS handle.
            long handlesBeforeAuto = (long) cublasCreated.invokeExact();
            for (Metric metric : Metric.values()) {
                backend.silhouettesAndGradient(batch, metric, 0.5, 1.0 / n, weights, silhouettes, gradient);
            }
            check((long) cublasCreated.invokeExact() == handlesBeforeAuto,
                    "auto: a 50 x 4 batch of 3 classes runs the fused tiles (no cuBLAS handle)");

            // GPU-resident calls: X and the gradient in the caller's device memory, the caller's stream. The fake
            // runs no kernel, so this checks the path: no copy touches X or the gradient, the events order the
            // workspace's stream after the caller's and the caller's after it, on the stream the caller named.
            MethodHandle events = Linker.nativeLinker().downcallHandle(
                    CudaLibraries.driver().require().lookup().find("fake_cuda_events").orElseThrow(),
                    FunctionDescriptor.of(JAVA_LONG, java.lang.foreign.ValueLayout.JAVA_INT));
            MethodHandle watch = Linker.nativeLinker().downcallHandle(
                    CudaLibraries.driver().require().lookup().find("fake_cuda_watch").orElseThrow(),
                    FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_LONG));
            MethodHandle watched = Linker.nativeLinker().downcallHandle(
                    CudaLibraries.driver().require().lookup().find("fake_cuda_watched_copies").orElseThrow(),
                    FunctionDescriptor.of(JAVA_LONG));
            long xBytes = (long) n * d * Float.BYTES;
            long callerMemory = Driver.memAlloc(2 * xBytes); // the caller's X, then its gradient
            MemorySegment.ofAddress(callerMemory).reinterpret(xBytes).copyFrom(MemorySegment.ofArray(x));
            var onDevice = new dev.softsilhouette.spi.DeviceBatch(callerMemory, 0x7000, n, d, batch.classCount(),
                    batch.labels(), batch.sortedRows(), batch.sortedPositions(), batch.classOffsets());
            watch.invokeExact(callerMemory, callerMemory + 2 * xBytes);
            for (StrategyChoice.Strategy strategy : auto.strategies()) { // each strategy's resident path, forced
                try (var forced = FfmCublasBackend.on(session, budget, auto.forcedTo(strategy), () -> { })) {
                    var resident = (dev.softsilhouette.spi.DeviceResidentBackend) forced;
                    long[] eventsBefore = new long[4];
                    for (int i = 0; i < 4; i++) {
                        eventsBefore[i] = (long) events.invokeExact(i);
                    }
                    long beforeResident = (long) launches.invokeExact();
                    for (Metric metric : Metric.values()) {
                        resident.silhouettesAndGradientOnDevice(onDevice, metric, 0.5, 1.0 / n, silhouettes,
                                callerMemory + xBytes);
                    }
                    long residentLaunches = (long) launches.invokeExact() - beforeResident;
                    check(residentLaunches > 3, strategy.value() + ": GPU-resident path ran, " + residentLaunches
                            + " kernel launches");
                    long[] eventOps = new long[4];
                    for (int i = 0; i < 4; i++) {
                        eventOps[i] = (long) events.invokeExact(i) - eventsBefore[i];
                    }
                    long seen = (long) events.invokeExact(5);
                    check(eventOps[0] == 3 && eventOps[1] == 3 && eventOps[2] == 3 && eventOps[3] == 3
                                    && seen == 0x7000, strategy.value() + ": each resident call records an event on "
                                    + "the caller's stream 0x" + Long.toHexString(seen) + " and waits for it, then "
                                    + "records on its own and makes the caller's wait ("
                                    + java.util.Arrays.toString(eventOps) + ")");
                }
            }
            long touched = (long) watched.invokeExact();
            check(touched == 0, "GPU-resident calls copy neither X nor the gradient (" + touched
                    + " copies touched them over 2 strategies x 3 metrics)");
            var resident = (dev.softsilhouette.spi.DeviceResidentBackend) backend;
            var onDefault = new dev.softsilhouette.spi.DeviceBatch(callerMemory, 0L, n, d, batch.classCount(),
                    batch.labels(), batch.sortedRows(), batch.sortedPositions(), batch.classOffsets());
            resident.silhouettesAndGradientOnDevice(onDefault, Metric.COSINE, 0.5, 1.0 / n, null, 0L);
            check((long) events.invokeExact(5) == 0L, "stream 0 is passed as the legacy default stream (NULL)");
            Driver.memFree(callerMemory);

            // The block decomposition's EUCLIDEAN tile on the binding: the tile and two class-sum launches on a
            // second stream (the fake runs no kernel, so only the path is checked; close() below frees its memory).
            // Its port is a plain stream: the first block call on this thread creates no cuBLAS handle.
            var rowBlock = new dev.softsilhouette.spi.PreparedBlock(arena.allocateFrom(JAVA_FLOAT, x), n, d, labels, k);
            long handlesBefore = (long) cublasCreated.invokeExact();
            long beforeBlocks = (long) launches.invokeExact();
            backend.addEuclideanSums(rowBlock, rowBlock, new double[n * k], new double[n * k]);
            long blockLaunches = (long) launches.invokeExact() - beforeBlocks;
            check(blockLaunches == 3, "block tile: " + blockLaunches + " kernel launches");
            long blockHandles = (long) cublasCreated.invokeExact() - handlesBefore;
            check(blockHandles == 0, "block tile's port: " + blockHandles + " cuBLAS handles created");

            // The block decomposition's SQUARED_EUCLIDEAN rows on the binding: one launch (class_block_silhouettes).
            int[] offsets = new int[k + 1];
            for (int label : labels) {
                offsets[label + 1]++;
            }
            for (int c = 0; c < k; c++) {
                offsets[c + 1] += offsets[c];
            }
            var statistics = new dev.softsilhouette.spi.ClassTable(k, d, new double[d], offsets, new double[k * d],
                    new double[k], new double[k]);
            dev.softsilhouette.spi.BlockMath.addClassStatistics(rowBlock, Metric.SQUARED_EUCLIDEAN, statistics);
            long beforeRows = (long) launches.invokeExact();
            backend.blockSilhouettes(rowBlock, Metric.SQUARED_EUCLIDEAN, 0.0, statistics, null);
            long rowLaunches = (long) launches.invokeExact() - beforeRows;
            check(rowLaunches == 1, "block silhouettes: " + rowLaunches + " kernel launches");

            // 3. Out of device memory: the exception names the function and the error; outputs stay untouched.
            int big = 4000;
            float[] bx = new float[big * d];
            int[] bl = new int[big];
            for (int i = 0; i < big; i++) {
                bl[i] = i % 1000;
                bx[i * d] = i;
            }
            PreparedBatch large = prepare(arena, bx, bl, big, d, 1000);
            MemorySegment out = arena.allocate(JAVA_FLOAT, (long) big * d);
            out.fill((byte) 42);
            try {
                backend.silhouettesAndGradient(large, Metric.SQUARED_EUCLIDEAN, 0.5, 1.0, null, null, out);
                check(false, "a batch above FAKE_CUDA_MAX_ALLOC must fail");
            } catch (BackendFailureException e) {
                check(e.backend().equals("ffm-cublas") && e.function().equals("cuMemAlloc_v2")
                                && e.errorName().equals("CUDA_ERROR_OUT_OF_MEMORY") && e.errorCode() == 2,
                        "out of memory reported as " + e.getMessage());
            }
            boolean untouched = true;
            for (long b = 0; b < out.byteSize(); b++) {
                untouched &= out.get(java.lang.foreign.ValueLayout.JAVA_BYTE, b) == 42;
            }
            check(untouched, "the caller's gradient buffer is untouched after the failure");
        }

        // 4. close() frees every device allocation and every page-locked host buffer.
        long pinnedBefore = (long) pinnedLive.invokeExact();
        check(pinnedBefore > 0, "host staging is page-locked (" + pinnedBefore + " cuMemHostAlloc buffers live)");
        backend.close();
        long pinnedAfter = (long) pinnedLive.invokeExact();
        check(pinnedAfter == 0, "no page-locked buffer left after close (" + pinnedAfter + ")");
        MethodHandle liveEvents = Linker.nativeLinker().downcallHandle(
                CudaLibraries.driver().require().lookup().find("fake_cuda_events").orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG, java.lang.foreign.ValueLayout.JAVA_INT));
        long eventsAfter = (long) liveEvents.invokeExact(4);
        check(eventsAfter == 0, "every stream's event destroyed at close (" + eventsAfter + " live)");
        Driver.setCurrentContext(session.context);
        long[] info = Driver.memoryInfo();
        check(info[0] == info[1], "no device memory left allocated after close (" + (info[1] - info[0]) + " bytes)");
        System.out.println("ALL CHECKS PASSED");
    }

    /** A prepared batch of {@code x} (N x D) with compact labels, in class-sorted order as the API layer builds it. */
    static PreparedBatch prepare(Arena arena, float[] x, int[] labels, int n, int d, int k) {
        int[] offsets = new int[k + 1];
        for (int label : labels) {
            offsets[label + 1]++;
        }
        for (int c = 0; c < k; c++) {
            offsets[c + 1] += offsets[c];
        }
        int[] fill = offsets.clone();
        int[] sorted = new int[n];
        int[] positions = new int[n];
        for (int i = 0; i < n; i++) {
            sorted[fill[labels[i]]] = i;
            positions[i] = fill[labels[i]]++;
        }
        return new PreparedBatch(arena.allocateFrom(JAVA_FLOAT, x), n, d, k, labels, sorted, positions, offsets);
    }
}
