/**
 * Finding and binding native libraries with {@code java.lang.foreign}: where CUDA libraries are looked for
 * ({@link dev.softsilhouette.ffm.nativelib.LibraryDiscovery}), loading them with every attempt recorded
 * ({@link dev.softsilhouette.ffm.nativelib.LibraryLoader}), and the one linker helper
 * ({@link dev.softsilhouette.ffm.nativelib.Downcalls}).
 */
package dev.softsilhouette.ffm.nativelib;
