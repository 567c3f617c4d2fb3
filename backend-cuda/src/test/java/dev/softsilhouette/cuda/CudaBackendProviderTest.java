package dev.softsilhouette.cuda;

import dev.softsilhouette.BackendInfo;
import dev.softsilhouette.Backends;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The provider is found through ServiceLoader; on a machine without a GPU it is listed unavailable, saying why. */
class CudaBackendProviderTest {

    @Test
    void aMissingDriverLibraryIsNamedWithWhatToDo() {
        UnsatisfiedLinkError e = new UnsatisfiedLinkError("no jnicudart in java.library.path");
        e.initCause(new UnsatisfiedLinkError("/tmp/libjnicudart.so: libcuda.so.1: cannot open shared object file"));
        String reason = CudaBackendProvider.libraryLoadReason(e);
        assertTrue(reason.contains("libcuda.so.1") && reason.contains("install the NVIDIA driver"), reason);
        String other = CudaBackendProvider.libraryLoadReason(new UnsatisfiedLinkError("libnvrtc.so.13: not found"));
        assertTrue(other.contains("libnvrtc.so.13") && other.contains("-Pcuda-redist"), other);
    }

    @Test
    void listedWithItsPriorityAndAnAnswer() {
        Optional<BackendInfo> cuda = Backends.list().stream().filter(b -> b.name().equals("cuda")).findFirst();
        assertTrue(cuda.isPresent(), "cuda not found by ServiceLoader: " + Backends.describe());
        BackendInfo info = cuda.get();
        assertEquals(300, info.priority());
        System.out.println("[backend-cuda] " + info.describe());
        if (info.available()) {
            assertFalse(info.details().isBlank(), "an available GPU backend says what it runs on");
            assertEquals("cuda", Backends.autoChoice());
        } else {
            assertFalse(info.reason().isBlank(), "an unavailable backend says why");
            assertTrue(info.reason().contains("install") || info.reason().contains("nvidia-smi")
                    || info.reason().contains("driver") || info.reason().contains("CUDA"), info.reason());
            assertFalse("cuda".equals(Backends.autoChoice()), "auto must not pick an unavailable backend");
        }
    }
}
