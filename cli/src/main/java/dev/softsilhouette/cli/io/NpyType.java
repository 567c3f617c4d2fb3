package dev.softsilhouette.cli.io;

import java.nio.ByteOrder;

/** The NumPy dtypes the CLI reads and writes, with their {@code descr} codes (byte order aside). */
public enum NpyType {
    FLOAT32("f4", "float32", 4),
    FLOAT64("f8", "float64", 8),
    INT8("i1", "int8", 1),
    INT16("i2", "int16", 2),
    INT32("i4", "int32", 4),
    INT64("i8", "int64", 8),
    UINT8("u1", "uint8", 1),
    UINT16("u2", "uint16", 2),
    UINT32("u4", "uint32", 4);

    private final String code;
    private final String numpyName;
    private final int size;

    NpyType(String code, String numpyName, int size) {
        this.code = code;
        this.numpyName = numpyName;
        this.size = size;
    }

    /** Whether it holds integers (every type but the two floats). */
    public boolean isInteger() {
        return this != FLOAT32 && this != FLOAT64;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    /** NumPy's name: {@code float32}, {@code int64}, ... */
    public String numpyName() {
        return numpyName;
    }

    /** The {@code descr} NumPy writes for this type in little-endian order: {@code <f4}, {@code |u1}. */
    String littleEndianDescr() {
        return (size == 1 ? "|" : "<") + code;
    }

    /** The type of a {@code descr} code without its byte-order character, or {@code null}. */
    static NpyType ofCode(String code) {
        for (NpyType t : values()) {
            if (t.code.equals(code)) {
                return t;
            }
        }
        return null;
    }

    static ByteOrder orderOf(char c) {
        return c == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    }
}
