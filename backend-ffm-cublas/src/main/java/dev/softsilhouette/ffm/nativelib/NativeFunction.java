package dev.softsilhouette.ffm.nativelib;

import java.lang.foreign.FunctionDescriptor;
import java.util.Objects;

/**
 * One C function as bound: the name the C API documents ({@code cuMemAlloc}), the exported symbol the headers map it
 * to ({@code cuMemAlloc_v2}) and its signature. Binding tables are lists of these, checked against the real headers
 * by the tests.
 *
 * @param library    which library exports it: {@code cuda}, {@code nvrtc} or {@code cublas}
 * @param apiName    the name in the documentation and the headers' prototypes
 * @param symbol     the exported symbol to look up
 * @param descriptor return and argument layouts
 */
public record NativeFunction(String library, String apiName, String symbol, FunctionDescriptor descriptor) {
    public NativeFunction {
        Objects.requireNonNull(library, "library");
        Objects.requireNonNull(apiName, "apiName");
        Objects.requireNonNull(symbol, "symbol");
        Objects.requireNonNull(descriptor, "descriptor");
    }

    /** A function whose symbol is its API name. */
    public static NativeFunction of(String library, String name, FunctionDescriptor descriptor) {
        return new NativeFunction(library, name, name, descriptor);
    }
}
