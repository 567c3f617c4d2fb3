package dev.softsilhouette.cuda.engine;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NvrtcProgramKeyTest {

    @Test
    void optionsTargetTheDevicesRealArchitectureWithoutFastMath() {
        NvrtcProgramKey h200 = new NvrtcProgramKey("src", List.of("hdr"), 9, 0, 13000);
        assertTrue(h200.options().contains("--gpu-architecture=sm_90"), h200.options().toString());
        assertTrue(new NvrtcProgramKey("src", List.of(), 8, 6, 13000).options()
                .contains("--gpu-architecture=sm_86"));
        assertTrue(h200.options().contains("-std=c++17"));
        assertFalse(h200.options().stream().anyMatch(o -> o.contains("fast-math")));
    }

    @Test
    void theCacheKeyChangesWithEveryInputAndOnlyThen() {
        NvrtcProgramKey base = new NvrtcProgramKey("src", List.of("hdr"), 9, 0, 13000);
        assertEquals(base.cacheKey(), new NvrtcProgramKey("src", List.of("hdr"), 9, 0, 13000).cacheKey());
        assertEquals(64, base.cacheKey().length());
        assertNotEquals(base.cacheKey(), new NvrtcProgramKey("src2", List.of("hdr"), 9, 0, 13000).cacheKey());
        assertNotEquals(base.cacheKey(), new NvrtcProgramKey("src", List.of("hdr2"), 9, 0, 13000).cacheKey());
        assertNotEquals(base.cacheKey(), new NvrtcProgramKey("src", List.of("hdr"), 8, 0, 13000).cacheKey());
        assertNotEquals(base.cacheKey(), new NvrtcProgramKey("src", List.of("hdr"), 9, 0, 13010).cacheKey());
        // length-prefixed: moving text between source and header is a different program
        assertNotEquals(new NvrtcProgramKey("ab", List.of("c"), 9, 0, 13000).cacheKey(),
                new NvrtcProgramKey("a", List.of("bc"), 9, 0, 13000).cacheKey());
    }

    @Test
    void rejectsAnImpossibleComputeCapability() {
        assertThrows(IllegalArgumentException.class, () -> new NvrtcProgramKey("s", List.of(), 0, 0, 13000));
    }
}
