package dev.softsilhouette.cli.io;

import dev.softsilhouette.cli.UsageException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A {@code .npy} file whose data is memory-mapped rather than read: the operating system pages it in as it is
 * read, so files larger than the heap (or than memory) can be scanned block by block. The header is checked as
 * {@link Npy#read} checks it. Closing unmaps the data.
 */
final class MappedNpy implements AutoCloseable {
    /** Headers are short (NumPy pads them to 64 bytes); this much of the file is read to parse one. */
    private static final int HEADER_READ = Npy.MAX_PREFIX_BYTES;

    final Path file;
    final Npy.Header header;
    final MemorySegment data;
    private final Arena arena;

    private MappedNpy(Path file, Npy.Header header, MemorySegment data, Arena arena) {
        this.file = file;
        this.header = header;
        this.data = data;
        this.arena = arena;
    }

    static MappedNpy open(Path file) {
        Inputs.requireRegularFile(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer start = ByteBuffer.allocate((int) Math.min(size, HEADER_READ));
            while (start.hasRemaining() && channel.read(start, start.position()) > 0) {
                // read until the buffer is full or the file ends
            }
            start.flip();
            Npy.Header header = Npy.header(file.toString(), start, size);
            Arena arena = Arena.ofShared(); // block workers read the mapping from several threads
            MemorySegment data = header.dataBytes() == 0 ? MemorySegment.NULL
                    : channel.map(FileChannel.MapMode.READ_ONLY, header.dataOffset(), header.dataBytes(), arena);
            return new MappedNpy(file, header, data, arena);
        } catch (IOException e) {
            throw new UsageException(file + ": cannot read: " + Inputs.describe(e));
        }
    }

    /** The array's element type, shape and data as an {@link NpyArray} (data up to 2 GiB: a byte buffer's limit). */
    NpyArray asArray() {
        if (header.dataBytes() > Integer.MAX_VALUE - 8) {
            throw new UsageException(file + ": " + header.dataBytes() + " data bytes; at most 2 GiB here");
        }
        return new NpyArray(header.type(), header.shape(), data.asByteBuffer().order(header.order()));
    }

    @Override
    public void close() {
        arena.close();
    }
}
