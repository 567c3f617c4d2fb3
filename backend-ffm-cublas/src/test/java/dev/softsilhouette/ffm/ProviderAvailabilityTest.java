package dev.softsilhouette.ffm;

import dev.softsilhouette.BackendInfo;
import dev.softsilhouette.Backends;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The provider is found through the registry, ranked 200, and says why it is unavailable. */
class ProviderAvailabilityTest {

    @Test
    void listedWithItsPriorityAndAReasonOrDetails() {
        List<BackendInfo> all = Backends.list();
        BackendInfo info = all.stream().filter(b -> b.name().equals("ffm-cublas")).findFirst()
                .orElseThrow(() -> new AssertionError("ffm-cublas not listed: " + all));
        assertEquals(200, info.priority());
        if (info.available()) {
            // Only on a machine with a working GPU: the probe ran the self-check against the reference.
            assertFalse(info.details().isBlank());
            System.out.println("[backend-ffm-cublas] available: " + info.details());
        } else {
            System.out.println("[backend-ffm-cublas] unavailable (expected without a GPU): " + info.reason());
            assertFalse(info.reason().isBlank());
            // Without a driver the reason lists every place tried and how to fix it.
            if (info.reason().contains("CUDA driver (libcuda)")) {
                assertTrue(info.reason().contains("libcuda.so.1 by soname (dynamic loader)"), info.reason());
                assertTrue(info.reason().contains("/usr/lib/x86_64-linux-gnu/{libcuda.so.1, libcuda.so} (install folder)"),
                        info.reason());
                assertTrue(info.reason().contains("-Dsilhouette.cuda.libdir"), info.reason());
            }
            assertFalse(Backends.autoChoice().equals("ffm-cublas"));
        }
    }

    @Test
    void providerNameAndPriorityAreTheDocumentedOnes() {
        FfmCublasBackendProvider provider = new FfmCublasBackendProvider();
        assertEquals("ffm-cublas", provider.name());
        assertEquals(200, provider.priority());
    }
}
