package dev.softsilhouette.cuda.engine.fused;

import dev.softsilhouette.cuda.engine.Batches;
import dev.softsilhouette.Backends;
import dev.softsilhouette.Floats;
import dev.softsilhouette.Ints;
import dev.softsilhouette.Metric;
import dev.softsilhouette.SoftSilhouetteLoss;
import dev.softsilhouette.cuda.engine.EmulatedPort;
import dev.softsilhouette.cuda.engine.StrategyBackend;
import dev.softsilhouette.spi.DeviceBatch;
import dev.softsilhouette.spi.PreparedBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GPU-resident calls through the engine's SPI surface ({@code StrategyBackend.silhouettesAndGradientOnDevice}) on the
 * fused strategy, without a GPU: the kernels run by {@link KernelEmulator}, the caller's X and gradient in "GPU
 * memory" of the caller (a range the emulator's checker lets kernels read and write and no copy touch). Checked: the
 * same numbers as the host path, bit for bit, and the reference's within SPEC 8; no copy of X or of the gradient
 * (only the label tables go up, the check's word, the D spreads and the N silhouettes come down); the caller's stream
 * waited for before the first launch and signalled after the last; non-finite embeddings rejected on the device with
 * the host path's message before anything of the caller's is written; one class answered on the device.
 */
class ResidentEmulationTest {
    private static final long STREAM = 0x5eedL;
    private static final byte GARBAGE = 0x55;

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Metric metric : Metric.values()) {
            cases.add(Arguments.of(metric, 130, 17, 9, 0.1, 0.0));
            cases.add(Arguments.of(metric, 7, 3, 2, 0.5, 0.0));
            cases.add(Arguments.of(metric, 140, 12, 5, 0.1, 30.0)); // the kit's FAR_FROM_ORIGIN
        }
        return cases.stream();
    }

    /** A backend of the engine whose workspace runs on {@code emulator}. */
    private static StrategyBackend<FusedWorkspace> backend(KernelEmulator emulator) {
        return new StrategyBackend<>("emulated", emulator::workspace, FusedTiles::run, FusedTiles::runResident,
                () -> {
                    throw new AssertionError("no block call here");
                }, () -> { });
    }

    /** The batch's labels with its X moved to the caller's GPU memory at offset 0 (the gradient goes after it). */
    private static DeviceBatch onDevice(KernelEmulator emulator, PreparedBatch batch) {
        long bytes = (long) batch.rows() * batch.dims() * Float.BYTES;
        MemorySegment caller = emulator.callerMemory(2 * bytes);
        MemorySegment.copy(batch.embeddings(), 0, caller, 0, bytes);
        return new DeviceBatch(KernelEmulator.callerAddress(0), STREAM, batch.rows(), batch.dims(),
                batch.classCount(), batch.labels(), batch.sortedRows(), batch.sortedPositions(), batch.classOffsets());
    }

    @ParameterizedTest(name = "{0} n={1} d={2} k={3} tau={4} centre={5}")
    @MethodSource("cases")
    void sameNumbersAsTheHostPathWithoutCopyingXOrTheGradient(Metric metric, int n, int d, int k, double tau,
                                                              double centre) {
        try (Arena arena = Arena.ofConfined()) {
            PreparedBatch batch = Batches.of(arena, Batches.labels(n, k, n * 31L + d), d, n * 7L + k, centre, 1.0);
            long nd = (long) n * d;
            double weight = 1.0 / n;
            MemorySegment sHost = arena.allocate((long) n * Float.BYTES);
            MemorySegment gHost = arena.allocate(nd * Float.BYTES);
            KernelEmulator hostEmulator = new KernelEmulator();
            double sumHost = FusedTiles.run(hostEmulator.workspace(), batch, metric, tau, weight, null, sHost, gHost);
            hostEmulator.workspace().close();

            KernelEmulator emulator = new KernelEmulator();
            DeviceBatch resident = onDevice(emulator, batch);
            MemorySegment caller = emulator.caller();
            long gradient = KernelEmulator.callerAddress(nd * Float.BYTES);
            MemorySegment sResident = arena.allocate((long) n * Float.BYTES);
            StrategyBackend<FusedWorkspace> backend = backend(emulator);
            double sumResident = backend.silhouettesAndGradientOnDevice(resident, metric, tau, weight, sResident,
                    gradient);

            assertEquals(sumHost, sumResident, "sum of s_i, bit for bit");
            assertArrayEquals(sHost.toArray(ValueLayout.JAVA_FLOAT), sResident.toArray(ValueLayout.JAVA_FLOAT));
            assertArrayEquals(gHost.toArray(ValueLayout.JAVA_FLOAT),
                    caller.asSlice(nd * Float.BYTES, nd * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT),
                    "the gradient written in the caller's GPU memory is the host path's");
            withinSpec8(batch, metric, tau, weight, sumResident, caller.asSlice(nd * Float.BYTES, nd * Float.BYTES));

            RecordingPort recorded = emulator.checker();
            EuclideanTilePlan plan = metric == Metric.EUCLIDEAN ? EuclideanTilePlan.of(n, batch.classOffsets()) : null;
            long ints = WorkspaceLayout.of(n, d, batch.classCount(), plan != null, true, plan, true)
                    .bytes(WorkspaceLayout.Host.INTS);
            List<String> copies = recorded.copies.stream().map(c -> (c[0] > 0 ? "up " : "down ") + c[2]).toList();
            assertEquals(List.of("down 8", "up " + ints, "down " + d * 8L, "down " + n * 8L), copies,
                    "the check's word, the label tables, the D spreads, the N silhouettes: never X, never G");
            List<String> events = recorded.events;
            int waited = events.indexOf("waitFor 0x5eed");
            int firstLaunch = EmulatedPort.firstStartingWith(events, "launch ");
            int lastLaunch = EmulatedPort.lastStartingWith(events, "launch ");
            int signalled = events.indexOf("signal 0x5eed");
            assertTrue(waited >= 0 && waited < firstLaunch, "the caller's stream is waited for first: " + events);
            assertEquals("launch find_non_finite", events.get(firstLaunch));
            assertTrue(lastLaunch < signalled && signalled < events.lastIndexOf("synchronize"),
                    "the caller's stream waits for the last launch; then the value is synchronised: " + events);
            long[] scatter = recorded.launchArguments.get(recorded.launches.lastIndexOf("scatter_gradient"));
            assertEquals(gradient, scatter[scatter.length - 1], "scatter_gradient writes the caller's gradient");
            backend.close();
        }
    }

    @Test
    void nonFiniteEmbeddingsAreRejectedOnTheDeviceWithTheHostPathsMessageBeforeAnythingIsWritten() {
        float[] values = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (float bad : values) {
            try (Arena arena = Arena.ofConfined()) {
                int n = 40;
                int d = 5;
                int[] labels = Batches.labels(n, 3, 9);
                PreparedBatch batch = Batches.of(arena, labels, d, 11, 0.0, 1.0);
                MemorySegment x = batch.embeddings();
                x.setAtIndex(ValueLayout.JAVA_FLOAT, 7L * d + 3, bad);          // the first: row 7, column 3
                x.setAtIndex(ValueLayout.JAVA_FLOAT, 30L * d + 1, Float.NaN);   // a later one
                String hostMessage;
                try (SoftSilhouetteLoss host = SoftSilhouetteLoss.builder().backend("reference").build()) {
                    hostMessage = assertThrows(IllegalArgumentException.class, () -> host.forward(
                            Floats.of(x.toArray(ValueLayout.JAVA_FLOAT)), Ints.of(labels), n, d)).getMessage();
                }
                KernelEmulator emulator = new KernelEmulator();
                DeviceBatch resident = onDevice(emulator, batch);
                MemorySegment caller = emulator.caller();
                long nd = (long) n * d;
                caller.asSlice(nd * Float.BYTES).fill(GARBAGE);
                MemorySegment s = arena.allocate((long) n * Float.BYTES).fill(GARBAGE);
                StrategyBackend<FusedWorkspace> backend = backend(emulator);
                for (Metric metric : Metric.values()) {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                            () -> backend.silhouettesAndGradientOnDevice(resident, metric, 0.1, 1.0 / n, s,
                                    KernelEmulator.callerAddress(nd * Float.BYTES)));
                    assertEquals(hostMessage, e.getMessage(), "the host path's wording");
                    assertEquals("embeddings: row 7 column 3 is " + bad + "; every value must be finite",
                            e.getMessage());
                }
                assertEquals(List.of("find_non_finite", "find_non_finite", "find_non_finite"),
                        emulator.checker().launches, "nothing but the check was launched");
                assertTrue(isFilledWith(caller.asSlice(nd * Float.BYTES), GARBAGE), "the gradient is untouched");
                assertTrue(isFilledWith(s, GARBAGE), "the silhouettes are untouched");
                backend.close();
            }
        }
    }

    @Test
    void oneClassIsCheckedAndItsGradientZeroedOnTheDevice() {
        try (Arena arena = Arena.ofConfined()) {
            int n = 9;
            int d = 4;
            PreparedBatch batch = Batches.of(arena, new int[n], d, 5, 0.0, 1.0);
            KernelEmulator emulator = new KernelEmulator();
            DeviceBatch resident = onDevice(emulator, batch);
            MemorySegment caller = emulator.caller();
            long nd = (long) n * d;
            MemorySegment s = arena.allocate((long) n * Float.BYTES).fill(GARBAGE);
            StrategyBackend<FusedWorkspace> backend = backend(emulator);
            assertEquals(0.0, backend.silhouettesAndGradientOnDevice(resident, Metric.EUCLIDEAN, 0.1, 1.0 / n, s,
                    KernelEmulator.callerAddress(nd * Float.BYTES)));
            assertTrue(isFilledWith(caller.asSlice(nd * Float.BYTES), (byte) 0), "the caller's gradient is 0");
            assertTrue(isFilledWith(s, (byte) 0), "every s_i is 0");
            assertEquals(List.of("find_non_finite"), emulator.checker().launches);
            List<String> events = emulator.checker().events;
            assertTrue(events.indexOf("waitFor 0x5eed") < events.indexOf("launch find_non_finite")
                    && events.indexOf("zero caller " + nd * Float.BYTES) < events.indexOf("signal 0x5eed"), "" + events);
            backend.close();
        }
    }

    @Test
    void theForwardAloneWritesNoGradient() {
        try (Arena arena = Arena.ofConfined()) {
            int n = 50;
            int d = 6;
            PreparedBatch batch = Batches.of(arena, Batches.labels(n, 4, 2), d, 3, 0.0, 1.0);
            KernelEmulator hostEmulator = new KernelEmulator();
            double host = FusedTiles.run(hostEmulator.workspace(), batch, Metric.EUCLIDEAN, 0.0, 0.0, null, null,
                    null);
            hostEmulator.workspace().close();
            KernelEmulator emulator = new KernelEmulator();
            DeviceBatch resident = onDevice(emulator, batch);
            MemorySegment caller = emulator.caller();
            long nd = (long) n * d;
            caller.asSlice(nd * Float.BYTES).fill(GARBAGE);
            StrategyBackend<FusedWorkspace> backend = backend(emulator);
            assertEquals(host, backend.silhouettesAndGradientOnDevice(resident, Metric.EUCLIDEAN, 0.0, 0.0, null, 0L));
            assertTrue(!emulator.checker().launches.contains("scatter_gradient"));
            assertTrue(isFilledWith(caller.asSlice(nd * Float.BYTES), GARBAGE));
            backend.close();
        }
    }

    private static void withinSpec8(PreparedBatch batch, Metric metric, double tau, double weight, double sum,
                                    MemorySegment gradient) {
        int n = batch.rows();
        long nd = (long) n * batch.dims();
        MemorySegment gRef = Arena.ofAuto().allocate(nd * Float.BYTES);
        double sumRef = Backends.backend("reference").silhouettesAndGradient(batch, metric, tau, weight, null, null,
                gRef);
        double loss = 1 - sum / n;
        double lossRef = 1 - sumRef / n;
        assertTrue(Math.abs(loss - lossRef) <= 1e-4 * Math.max(1, Math.abs(lossRef)), loss + " vs " + lossRef);
        double diff = 0;
        double norm = 0;
        for (long e = 0; e < nd; e++) {
            double a = gradient.getAtIndex(ValueLayout.JAVA_FLOAT, e);
            double b = gRef.getAtIndex(ValueLayout.JAVA_FLOAT, e);
            diff += (a - b) * (a - b);
            norm += b * b;
        }
        assertTrue(Math.sqrt(diff) <= 1e-3 * Math.sqrt(norm) + 1e-7, "gradient error " + Math.sqrt(diff));
    }

    private static boolean isFilledWith(MemorySegment segment, byte value) {
        for (long b = 0; b < segment.byteSize(); b++) {
            if (segment.get(ValueLayout.JAVA_BYTE, b) != value) {
                return false;
            }
        }
        return true;
    }
}
