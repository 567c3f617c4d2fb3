package dev.softsilhouette.cuda.engine;

import dev.softsilhouette.cuda.kernels.KernelCatalog;
import dev.softsilhouette.cuda.kernels.KernelSource;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The NVRTC options for a device and the key its compiled image is cached under: the SHA-256 of everything the
 * image depends on (source and headers, options, NVRTC version, compute capability), so a changed kernel or a
 * different device never reuses a stale image.
 *
 * @param source       the {@code .cu} text
 * @param headers      the text of each header, in {@link KernelCatalog#HEADERS}
 *                     order
 * @param major        compute capability major
 * @param minor        compute capability minor
 * @param nvrtcVersion NVRTC's (major * 1000 + minor * 10)
 */
public record NvrtcProgramKey(String source, List<String> headers, int major, int minor, int nvrtcVersion) {

    public NvrtcProgramKey {
        headers = List.copyOf(headers);
        if (major < 1 || minor < 0) {
            throw new IllegalArgumentException("compute capability " + major + "." + minor);
        }
    }

    /** The program of a catalogued {@code source} (with every header) for a device of capability major.minor. */
    public static NvrtcProgramKey of(KernelSource source, int major, int minor, int nvrtcVersion) {
        List<String> headers = new ArrayList<>();
        for (String header : KernelCatalog.HEADERS) {
            headers.add(new KernelSource(header, List.of()).text());
        }
        return new NvrtcProgramKey(source.text(), headers, major, minor, nvrtcVersion);
    }

    /** The headers by the names the sources include them with ({@link KernelCatalog#HEADERS} order). */
    public java.util.Map<String, String> headersByName() {
        java.util.Map<String, String> named = new java.util.LinkedHashMap<>();
        for (int h = 0; h < headers.size(); h++) {
            named.put(KernelCatalog.HEADERS.get(h), headers.get(h));
        }
        return named;
    }

    /**
     * Options: a real-architecture target (so NVRTC emits a CUBIN for exactly this device), C++17, and fused
     * multiply-add on (the default, stated so the key records it). No fast-math: the accuracy contract needs IEEE
     * division, square root and exp.
     */
    public List<String> options() {
        List<String> options = new ArrayList<>();
        options.add("--gpu-architecture=sm_" + major + minor);
        options.add("-std=c++17");
        options.add("--fmad=true");
        options.add("-default-device");
        return options;
    }

    /** Hex SHA-256 over every input of the compilation. */
    public String cacheKey() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            update(sha, source);
            for (String header : headers) {
                update(sha, header);
            }
            for (String option : options()) {
                update(sha, option);
            }
            update(sha, "nvrtc=" + nvrtcVersion);
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static void update(MessageDigest sha, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        sha.update((byte) (bytes.length >>> 24));
        sha.update((byte) (bytes.length >>> 16));
        sha.update((byte) (bytes.length >>> 8));
        sha.update((byte) bytes.length);
        sha.update(bytes);
    }
}
