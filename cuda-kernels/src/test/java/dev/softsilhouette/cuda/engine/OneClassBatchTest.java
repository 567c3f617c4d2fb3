package dev.softsilhouette.cuda.engine;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OneClassBatchTest {

    @Test
    void zeroSilhouettesAndZeroGradientExactlyOverTheBatch() {
        int n = 5;
        int d = 3;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate((n + 1) * Float.BYTES); // one float more than the batch
            MemorySegment g = arena.allocate((n * d + 1) * Float.BYTES);
            s.fill((byte) 0x7f);
            g.fill((byte) 0x7f);
            assertEquals(0.0, OneClassBatch.answer(n, d, s, g));
            for (long b = 0; b < s.byteSize(); b++) {
                assertEquals(b < n * Float.BYTES ? 0 : 0x7f, s.get(JAVA_BYTE, b), "silhouette byte " + b);
            }
            for (long b = 0; b < g.byteSize(); b++) {
                assertEquals(b < n * d * Float.BYTES ? 0 : 0x7f, g.get(JAVA_BYTE, b), "gradient byte " + b);
            }
            assertEquals(0.0, OneClassBatch.answer(n, d, null, null), "outputs are optional");
        }
        assertTrue(OneClassBatch.applies(1));
        assertFalse(OneClassBatch.applies(2));
    }
}
