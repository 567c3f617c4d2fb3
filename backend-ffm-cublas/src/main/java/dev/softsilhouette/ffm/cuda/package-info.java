/**
 * Hand-written {@code java.lang.foreign} bindings of the CUDA driver API, NVRTC and cuBLAS. Each library has a
 * signature table ({@code *Functions}: names, exported symbols, descriptors; checked against the real headers by the
 * tests) and a binding class holding one {@code static final MethodHandle} per function, initialised only when first
 * used, so that a missing library never breaks the initialisation of unrelated classes. Every wrapper validates its
 * arguments in Java before the call and turns a failing status into a
 * {@link dev.softsilhouette.spi.BackendFailureException} naming the function and the error.
 */
package dev.softsilhouette.ffm.cuda;
