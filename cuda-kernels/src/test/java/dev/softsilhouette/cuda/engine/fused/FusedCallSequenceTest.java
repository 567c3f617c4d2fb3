package dev.softsilhouette.cuda.engine.fused;

import dev.softsilhouette.cuda.engine.Batches;
import dev.softsilhouette.Metric;
import dev.softsilhouette.spi.BackendFailureException;
import dev.softsilhouette.spi.PreparedBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host side of a call, replayed without a GPU on a {@link RecordingPort} (through the engine's workspace on it): the kernels launched, in order,
 * each with arguments of the right kinds pointing into the workspace, and the caller's buffers untouched when the
 * device fails.
 */
class FusedCallSequenceTest {

    @ParameterizedTest
    @EnumSource(Metric.class)
    void forwardAndBackwardLaunchTheExpectedKernels(Metric metric) {
        try (Arena arena = Arena.ofConfined()) {
            int n = 131; // not a multiple of the 64-row tile
            int d = 7;   // odd
            PreparedBatch batch = Batches.of(arena, Batches.labels(n, 5, 1), d, 2, 0.0, 1.0);
            RecordingPort stream = new RecordingPort();
            MemorySegment s = arena.allocate((long) n * Float.BYTES);
            MemorySegment g = arena.allocate((long) n * d * Float.BYTES);
            MemorySegment weights = arena.allocate((long) n * Float.BYTES);
            FusedTiles.run(stream.workspace(), batch, metric, 0.5, 1.0 / n, weights, s, g);
            assertTrue(stream.synchronizedOnce);
            List<String> conditioning = metric == Metric.COSINE
                    ? List.of("row_norms", "column_partials", "column_spread")
                    : List.of("column_partials", "column_spread");
            List<String> rest = metric == Metric.EUCLIDEAN
                    ? List.of("prepare_rows", "euclidean_forward_tiles", "euclidean_segment_sums", "row_silhouettes",
                    "euclidean_backward_rows", "scatter_gradient") // one backward launch, whatever the tile count
                    : List.of("prepare_rows", "class_sums", "gemm_rows_classes", "class_distance_sums",
                    "row_silhouettes", "coef_column_sums", "gemm_coef_rows", "gemm_coef_classes",
                    "class_gradient_rows", "scatter_gradient");
            List<String> expected = new java.util.ArrayList<>(conditioning);
            expected.addAll(rest);
            assertEquals(expected, stream.launches);
            stream.workspace().close();
        }
    }

    @Test
    void forwardOnlyLaunchesNoGradientKernels() {
        try (Arena arena = Arena.ofConfined()) {
            PreparedBatch batch = Batches.of(arena, Batches.labels(40, 3, 3), 5, 4, 0.0, 1.0);
            RecordingPort stream = new RecordingPort();
            FusedTiles.run(stream.workspace(), batch, Metric.EUCLIDEAN, 0.0, 0.0, null, null, null);
            assertEquals(List.of("column_partials", "column_spread", "prepare_rows", "euclidean_forward_tiles",
                    "euclidean_segment_sums", "row_silhouettes"), stream.launches);
            stream.workspace().close();
        }
    }

    @Test
    void aDeviceFailureLeavesTheCallersBuffersAsTheyWere() {
        try (Arena arena = Arena.ofConfined()) {
            int n = 50;
            int d = 3;
            PreparedBatch batch = Batches.of(arena, Batches.labels(n, 4, 5), d, 6, 0.0, 1.0);
            RecordingPort stream = new RecordingPort();
            stream.failOnSynchronize = true;
            MemorySegment s = arena.allocate((long) n * Float.BYTES);
            MemorySegment g = arena.allocate((long) n * d * Float.BYTES);
            s.fill((byte) 0x7f);
            g.fill((byte) 0x7f);
            BackendFailureException e = assertThrows(BackendFailureException.class,
                    () -> FusedTiles.run(stream.workspace(), batch, Metric.COSINE, 0.1, 1.0, null, s, g));
            assertEquals("CUDA_ERROR_ILLEGAL_ADDRESS", e.errorName());
            for (long i = 0; i < s.byteSize(); i++) {
                assertEquals((byte) 0x7f, s.get(ValueLayout.JAVA_BYTE, i));
            }
            for (long i = 0; i < g.byteSize(); i++) {
                assertEquals((byte) 0x7f, g.get(ValueLayout.JAVA_BYTE, i));
            }
            stream.failOnSynchronize = false;
            stream.workspace().close();
        }
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void aFailureAfterQueuedWorkWaitsForTheStreamBeforeItIsThrown(Metric metric) {
        try (Arena arena = Arena.ofConfined()) {
            int n = 70;
            int d = 4;
            PreparedBatch batch = Batches.of(arena, Batches.labels(n, 3, 11), d, 12, 0.0, 1.0);
            RecordingPort stream = new RecordingPort();
            stream.failOnLaunch = "row_silhouettes"; // after the uploads and the distance kernels were queued
            MemorySegment g = arena.allocate((long) n * d * Float.BYTES);
            BackendFailureException e = assertThrows(BackendFailureException.class,
                    () -> FusedTiles.run(stream.workspace(), batch, metric, 0.5, 1.0 / n, null, null, g));
            assertEquals("CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES", e.errorName());
            List<String> events = stream.events;
            assertEquals("launch row_silhouettes", events.get(events.size() - 2));
            assertEquals("synchronize", events.getLast(), "the stream is drained before the failure leaves run()");
            // the next call may grow (free and reallocate) the workspace: nothing is in flight any more
            stream.failOnLaunch = null;
            FusedTiles.run(stream.workspace(), batch, metric, 0.5, 1.0 / n, null, null, g);
            stream.workspace().close();
        }
    }

    @Test
    void aFailingSynchronisationIsThrownOnceWithTheRetryAttached() {
        try (Arena arena = Arena.ofConfined()) {
            PreparedBatch batch = Batches.of(arena, Batches.labels(30, 2, 13), 3, 14, 0.0, 1.0);
            RecordingPort stream = new RecordingPort();
            stream.failOnSynchronize = true;
            BackendFailureException e = assertThrows(BackendFailureException.class,
                    () -> FusedTiles.run(stream.workspace(), batch, Metric.EUCLIDEAN, 0.0, 1.0, null, null, null));
            assertEquals("cuStreamSynchronize", e.function());
            assertEquals(1, e.getSuppressed().length, "the drain after the failure reports the same sticky error");
            stream.failOnSynchronize = false;
            stream.workspace().close();
        }
    }

    @Test
    void closingAfterALostDeviceStillFreesEverythingAndReportsIt() {
        try (Arena arena = Arena.ofConfined()) {
            PreparedBatch batch = Batches.of(arena, Batches.labels(30, 2, 17), 3, 18, 0.0, 1.0);
            RecordingPort stream = new RecordingPort();
            FusedTiles.run(stream.workspace(), batch, Metric.SQUARED_EUCLIDEAN, 0.0, 1.0, null, null, null);
            stream.failOnSynchronize = true;
            stream.events.clear();
            BackendFailureException e = assertThrows(BackendFailureException.class, () -> stream.workspace().close());
            assertEquals("cuStreamSynchronize", e.function());
            assertEquals(List.of("synchronize", "free", "freePinned", "close"), stream.events,
                    "the wait first, then every allocation and the stream, despite the failure");
        }
    }

    @Test
    void thePlanIsReusedForTheSameClassLayout() {
        try (Arena arena = Arena.ofConfined()) {
            PreparedBatch batch = Batches.of(arena, Batches.labels(70, 3, 7), 4, 8, 0.0, 1.0);
            RecordingPort stream = new RecordingPort();
            FusedTiles.run(stream.workspace(), batch, Metric.EUCLIDEAN, 0.0, 0.0, null, null, null);
            var plan = stream.workspace().cachedPlan();
            FusedTiles.run(stream.workspace(), batch, Metric.EUCLIDEAN, 0.0, 0.0, null, null, null);
            assertTrue(plan == stream.workspace().cachedPlan());
            stream.workspace().close();
        }
    }

    @Test
    void theBackwardIsOneLaunchOverRowTilesAndSplits() {
        try (Arena arena = Arena.ofConfined()) {
            int n = 16384;
            int d = 2;
            PreparedBatch batch = Batches.of(arena, Batches.labels(n, 1000, 15), d, 16, 0.0, 1.0);
            RecordingPort stream = new RecordingPort();
            MemorySegment g = arena.allocate((long) n * d * Float.BYTES);
            FusedTiles.run(stream.workspace(), batch, Metric.EUCLIDEAN, 0.0, 1.0 / n, null, null, g);
            int backward = stream.launches.indexOf("euclidean_backward_rows");
            assertEquals(backward, stream.launches.lastIndexOf("euclidean_backward_rows"), "one launch");
            int[] grid = stream.grids.get(backward);
            assertEquals(256, grid[0], "one block row per 64-row tile");
            assertEquals(4, grid[1], "1024 blocks: 4 column splits");
            long[] scatter = stream.launchArguments.get(stream.launches.indexOf("scatter_gradient"));
            assertEquals(4, scatter[1], "scatter_gradient adds every slab");
            stream.workspace().close();
        }
    }
}
