package dev.softsilhouette.cuda.engine;

import dev.softsilhouette.cuda.engine.KernelSignature.Kind;
import dev.softsilhouette.cuda.kernels.KernelCatalog;
import dev.softsilhouette.cuda.kernels.KernelSource;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelArgumentsTest {
    private static final KernelSignatures ALL = KernelSignatures.of(KernelCatalog.all());

    @Test
    void theParameterArrayPointsAtEachValueAsTheKernelReadsIt() {
        List<String> launched = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            KernelArguments args = new KernelArguments(arena, ALL, (kernel, gx, gy, bx, by, a) -> launched.add(
                    kernel + " " + gx + "x" + gy + " " + bx + "x" + by + " " + a.count()));
            // column_partials(const float* x, const double* rowNorm, int n, int d, int chunkRows, double* partials)
            args.clear().ptr(0x7f00_0000_1000L).ptr(0L).i32(-3).i32(7).i32(64).ptr(0x7f00_0000_2000L)
                    .launch("column_partials", 2, 5, 128, 1);
            assertEquals(List.of("column_partials 2x5 128x1 6"), launched);
            MemorySegment parameters = args.parameters();
            MemorySegment first = parameters.getAtIndex(ADDRESS, 0).reinterpret(Long.BYTES);
            assertEquals(0x7f00_0000_1000L, first.get(JAVA_LONG, 0));
            MemorySegment third = parameters.getAtIndex(ADDRESS, 2).reinterpret(Long.BYTES);
            assertEquals(-3, third.get(JAVA_INT, 0), "an int is the slot's first 4 bytes (little-endian)");
            assertEquals(0, third.get(JAVA_INT, 4), "zero-extended");
            assertEquals(-3, args.intValue(2));
            assertEquals(Kind.INT, args.kind(2));
            assertEquals(0x7f00_0000_2000L, args.toArray()[5]);

            // prepare_rows takes a double scale as its fourth parameter
            args.clear().ptr(1).ptr(2).ptr(3).f64(0.125).i32(0).i32(9).i32(4).ptr(4).ptr(5).ptr(6).ptr(7)
                    .launch("prepare_rows", 9, 256);
            MemorySegment scale = args.parameters().getAtIndex(ADDRESS, 3).reinterpret(Double.BYTES);
            assertEquals(0.125, scale.get(JAVA_DOUBLE, 0));
            assertEquals(0.125, args.doubleValue(3));
            assertEquals("prepare_rows 9x1 256x1 11", launched.get(1));
        }
    }

    @Test
    void aMismatchNeverReachesTheTarget() {
        List<String> launched = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            KernelArguments args = new KernelArguments(arena, ALL, (kernel, gx, gy, bx, by, a) -> launched.add(kernel));
            // column_spread(partials, chunks, n, d, mean, spread): an int where a pointer belongs
            IllegalStateException wrong = assertThrows(IllegalStateException.class,
                    () -> args.clear().ptr(1).i32(2).i32(3).i32(4).i32(5).ptr(6).launch("column_spread", 1, 128));
            assertTrue(wrong.getMessage().contains("column_spread"), wrong.getMessage());
            assertThrows(IllegalStateException.class, () -> args.clear().ptr(1).launch("column_spread", 1, 128),
                    "too few");
            assertThrows(IllegalStateException.class, () -> args.clear().launch("no_such_kernel", 1, 128));
            KernelArguments full = args.clear();
            for (int i = 0; i < KernelArguments.CAPACITY; i++) {
                full.i32(i);
            }
            assertThrows(IllegalStateException.class, () -> full.i32(99));
            assertThrows(IndexOutOfBoundsException.class, () -> args.clear().ptr(1).bits(1));
        }
        assertEquals(List.of(), launched);
    }

    @Test
    void signaturesCoverEveryCataloguedKernelAndRefuseADuplicate() {
        for (KernelSource source : KernelCatalog.all()) {
            for (String kernel : source.hotKernels()) {
                assertEquals(kernel, ALL.get(kernel).kernel());
            }
        }
        assertThrows(IllegalStateException.class,
                () -> KernelSignatures.of(List.of(KernelCatalog.SILHOUETTE_ROWS, KernelCatalog.SILHOUETTE_ROWS)));
    }
}
