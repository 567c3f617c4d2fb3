package dev.softsilhouette.conformance;

import net.jqwik.api.Group;

/** The SupCon contract on every backend of this project that implements SupCon (SPEC section 11). */
class SupConConformanceTest {

    @Group
    class Reference implements SupConContract {
        @Override
        public String backendName() {
            return "reference";
        }
    }

    @Group
    class CpuVector implements SupConContract {
        @Override
        public String backendName() {
            return "cpu-vector";
        }
    }
}
