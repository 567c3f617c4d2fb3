package dev.softsilhouette.cuda.engine;

import dev.softsilhouette.cuda.kernels.KernelCatalog;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LaunchGridTest {

    @Test
    void blocksCoverAwkwardCounts() {
        assertEquals(1, LaunchGrid.blocksFor(1, 128));
        assertEquals(1, LaunchGrid.blocksFor(128, 128));
        assertEquals(2, LaunchGrid.blocksFor(129, 128));
        assertEquals(129, LaunchGrid.blocksFor(16385, 128));
        assertThrows(IllegalArgumentException.class, () -> LaunchGrid.blocksFor(1L << 40, 1));
    }

    @Test
    void gridStrideIsCapped() {
        assertEquals(1, LaunchGrid.strideBlocks(0, 256));
        assertEquals(1, LaunchGrid.strideBlocks(1, 256));
        assertEquals(2, LaunchGrid.strideBlocks(257, 256));
        assertEquals(64_000, LaunchGrid.strideBlocks(16_384_000L, 256));
        assertEquals(LaunchGrid.MAX_STRIDE_BLOCKS, LaunchGrid.strideBlocks(16384L * 16384, 256));
    }

    @Test
    void rowSilhouettesLaunchOneThreadPerRowWithTheKernelsArguments() {
        List<String> launched = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            KernelArguments args = new KernelArguments(arena, KernelSignatures.of(KernelCatalog.all()),
                    (kernel, gx, gy, bx, by, a) -> launched.add(kernel + " " + gx + "x" + gy + " " + bx + "x" + by
                            + " weights=" + a.intValue(5) + " gradient=" + a.intValue(8) + " tau=" + a.doubleValue(6)));
            RowSilhouettes.launch(args, 0x100, 0x200, 0x300, 0x400, 0L, 0.25, 1.0 / 300, true, 300, 7, 0x500);
            RowSilhouettes.launch(args, 0x100, 0x200, 0x300, 0x400, 0x600, 0.0, 1.0, false, 128, 2, 0x500);
        }
        assertEquals(List.of("row_silhouettes 3x1 128x1 weights=0 gradient=1 tau=0.25",
                "row_silhouettes 1x1 128x1 weights=1 gradient=0 tau=0.0"), launched);
    }
}
