package dev.softsilhouette.cuda.engine;

import dev.softsilhouette.cuda.kernels.KernelCatalog;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The workspace's host planning on a port that records what it is asked to do. */
class DeviceWorkspaceTest {

    /** Device addresses count up from 0x1000 per allocation; every call is logged. */
    private static final class LoggingPort implements DevicePort {
        final List<String> log = new ArrayList<>();
        final Arena arena = Arena.ofShared();
        private long next = 0x1000;
        RuntimeException failSynchronize;

        @Override
        public void makeCurrent() {
            log.add("current");
        }

        @Override
        public long allocate(long bytes) {
            log.add("allocate " + bytes + " @" + Long.toHexString(next));
            long address = next;
            next += 0x1000_0000L;
            return address;
        }

        @Override
        public void free(long address) {
            log.add("free @" + Long.toHexString(address));
        }

        @Override
        public MemorySegment allocatePinned(long bytes) {
            log.add("pinned " + bytes);
            return arena.allocate(bytes);
        }

        @Override
        public void freePinned(MemorySegment pinned) {
            log.add("freePinned " + pinned.byteSize());
        }

        @Override
        public void copyToDevice(long destination, MemorySegment source, long bytes) {
            log.add("up @" + Long.toHexString(destination) + " " + bytes);
        }

        @Override
        public void copyToHost(MemorySegment destination, long source, long bytes) {
            log.add("down @" + Long.toHexString(source) + " " + bytes);
        }

        @Override
        public void zero(long address, long bytes) {
            log.add("zero @" + Long.toHexString(address) + " " + bytes);
        }

        @Override
        public void waitFor(long stream) {
            log.add("waitFor " + Long.toHexString(stream));
        }

        @Override
        public void signal(long stream) {
            log.add("signal " + Long.toHexString(stream));
        }

        @Override
        public void synchronize() {
            log.add("sync");
            if (failSynchronize != null) {
                throw failSynchronize;
            }
        }

        @Override
        public void launch(String kernel, int gridX, int gridY, int blockX, int blockY, KernelArguments arguments) {
            log.add("launch " + kernel + " " + arguments.count());
        }

        @Override
        public void close() {
            log.add("close");
        }
    }

    @Test
    void growsByFreeingFirstKeepsWhatSufficesAndCopiesByOffset() {
        LoggingPort port = new LoggingPort();
        DeviceWorkspace w = new DeviceWorkspace(port, KernelSignatures.of(KernelCatalog.all()));
        w.reserve(100, 40);
        MemorySegment host = w.host();
        w.reserve(80, 40); // smaller: nothing changes
        assertSame(host, w.host());
        assertEquals(List.of("allocate 100 @1000", "pinned 40"), port.log);
        port.log.clear();
        w.upload(16, 8, 32);
        w.download(0, 64, 8);
        w.zero(4, 12);
        w.upload(0, 0, 0); // nothing for 0 bytes
        w.zero(0, 0);
        assertEquals(List.of("up @1010 32", "down @1040 8", "zero @1004 12"), port.log);
        port.log.clear();
        w.reserve(200, 80);
        assertEquals(List.of("free @1000", "allocate 200 @10001000", "freePinned 40", "pinned 80"), port.log);
        assertEquals(0x1000_1000L + 24, w.device(24));
        port.log.clear();
        w.args().ptr(w.device(0)).i32(1).i32(2).ptr(0L).launch("row_norms", 1, 256);
        assertEquals(List.of("launch row_norms 4"), port.log, "launches reach the port after the check");
        port.log.clear();
        w.close();
        assertEquals(List.of("current", "sync", "free @10001000", "freePinned 80", "close"), port.log);
    }

    @Test
    void aFailedWaitAtCloseStillFreesEverythingAndIsThrown() {
        LoggingPort port = new LoggingPort();
        DeviceWorkspace w = new DeviceWorkspace(port, KernelSignatures.of(KernelCatalog.all()));
        w.reserve(64, 64);
        port.failSynchronize = new IllegalStateException("sticky");
        port.log.clear();
        IllegalStateException e = assertThrows(IllegalStateException.class, w::close);
        assertEquals("sticky", e.getMessage());
        assertEquals(List.of("current", "sync", "free @1000", "freePinned 64", "close"), port.log);
    }

    @Test
    void drainAfterWaitsAndAttachesTheWaitsFailure() {
        LoggingPort port = new LoggingPort();
        IllegalStateException launch = new IllegalStateException("launch failed");
        DevicePort.drainAfter(port, launch);
        assertEquals(List.of("sync"), port.log);
        assertEquals(0, launch.getSuppressed().length);
        port.failSynchronize = new IllegalStateException("sticky");
        DevicePort.drainAfter(port, launch);
        assertSame(port.failSynchronize, launch.getSuppressed()[0]);
    }
}
