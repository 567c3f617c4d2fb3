package dev.softsilhouette.cuda.kernels;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ComputeCapabilityTest {

    @Test
    void nvrtc13RefusesEverythingBelowTuring() {
        assertEquals("compute capability 7.0 is below 7.5, the oldest that NVRTC 13 compiles for",
                ComputeCapability.refusal(7, 0, 13));
        assertEquals("compute capability 5.0 is below 7.5, the oldest that NVRTC 13 compiles for",
                ComputeCapability.refusal(5, 0, 13));
        assertNull(ComputeCapability.refusal(7, 5, 13));
        assertNull(ComputeCapability.refusal(9, 0, 13));
    }

    @Test
    void nvrtc12StillAcceptsMaxwell() {
        assertNull(ComputeCapability.refusal(5, 0, 12));
        assertNull(ComputeCapability.refusal(7, 0, 12));
        assertEquals("compute capability 3.7 is below 5.0, the oldest that NVRTC 12 compiles for",
                ComputeCapability.refusal(3, 7, 12));
    }
}
