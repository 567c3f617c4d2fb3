import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Lowers the class-file version of a compiled {@code module-info.class} to Java 17's (61).
 *
 * <p>Why: Maven may run on Java 17 while the project compiles for Java 25 through a toolchain. maven-jar-plugin then
 * finishes a modular jar by running Maven's own (Java 17) {@code jar} tool, which refuses a version-69 module
 * descriptor. A module descriptor holds no bytecode and no Java 25 construct, so version 61 describes the same
 * module; every other class keeps version 69. Run with the toolchain JDK as a single-file program:
 * {@code java ModuleInfoClassVersion.java target/classes}.
 */
public class ModuleInfoClassVersion {
    private static final int MAGIC = 0xCAFEBABE;
    private static final int TARGET_MAJOR = 61;

    public static void main(String[] args) throws IOException {
        for (String dir : args) {
            Path file = Path.of(dir, "module-info.class");
            if (!Files.exists(file)) {
                continue;
            }
            byte[] bytes = Files.readAllBytes(file);
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            if (buffer.getInt(0) != MAGIC) {
                throw new IOException(file + " is not a class file");
            }
            int major = buffer.getShort(6) & 0xFFFF;
            if (major > TARGET_MAJOR) {
                buffer.putShort(4, (short) 0); // minor version
                buffer.putShort(6, (short) TARGET_MAJOR);
                Files.write(file, bytes);
            }
        }
    }
}
