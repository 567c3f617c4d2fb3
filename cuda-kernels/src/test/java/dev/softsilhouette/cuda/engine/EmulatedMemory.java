package dev.softsilhouette.cuda.engine;

/**
 * Device memory as the kernel emulators of the tests read and write it: element {@code index} of the array of floats,
 * doubles, ints or 64-bit words at device address {@code ptr} (the address a kernel received as an argument). What an
 * address refers to, and which addresses are valid, is the emulator's; the Java ports of the kernels shared by the
 * strategies ({@link SilhouetteRowsPorts}) see only this.
 */
public interface EmulatedMemory {
    float f32(long ptr, long index);

    void f32(long ptr, long index, float value);

    double f64(long ptr, long index);

    void f64(long ptr, long index, double value);

    int i32(long ptr, long index);

    long i64(long ptr, long index);

    void i64(long ptr, long index, long value);
}
