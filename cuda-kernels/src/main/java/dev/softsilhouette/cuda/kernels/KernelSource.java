package dev.softsilhouette.cuda.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * One CUDA C translation unit shipped as a resource of this module. Sources are self-contained (no host headers) so
 * that NVRTC compiles them as they are, and every kernel is {@code extern "C"} so its name is its symbol.
 *
 * @param fileName     resource name, e.g. {@code euclidean_fused.cu}
 * @param hotKernels   kernels whose register use is checked for spills by the nvcc test
 */
public record KernelSource(String fileName, List<String> hotKernels) {

    public KernelSource {
        Objects.requireNonNull(fileName, "fileName");
        hotKernels = List.copyOf(hotKernels);
    }

    /** The CUDA C text. */
    public String text() {
        try (InputStream in = KernelSource.class.getResourceAsStream(fileName)) {
            if (in == null) {
                throw new IllegalStateException("kernel source " + fileName + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading kernel source " + fileName, e);
        }
    }
}
