package dev.softsilhouette.ffm;

import dev.softsilhouette.cuda.engine.CleanupFailures;
import dev.softsilhouette.cuda.engine.KernelArguments;
import dev.softsilhouette.cuda.engine.SgemmPort;
import dev.softsilhouette.ffm.cuda.Cublas;
import dev.softsilhouette.ffm.cuda.CublasFunctions;
import dev.softsilhouette.ffm.cuda.Driver;
import dev.softsilhouette.ffm.cuda.DriverFunctions;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * The {@code java.lang.foreign} binding of the engine's device port: one non-blocking stream on the session's
 * device, with a cuBLAS handle bound to it (default math: no TF32) for {@link #sgemm}. The driver and cuBLAS
 * downcalls validate their arguments and turn every failing status into a {@code BackendFailureException}.
 */
final class FfmStreamPort implements SgemmPort {
    private final CudaSession session;
    private final MemorySegment stream;
    private final MemorySegment cublas;
    private final Arena scalars = Arena.ofShared();
    /** alpha and beta, read by cuBLAS from host memory before sgemm returns (host pointer mode), so reused. */
    private final MemorySegment alpha = scalars.allocate(JAVA_FLOAT);
    private final MemorySegment beta = scalars.allocate(JAVA_FLOAT);

    FfmStreamPort(CudaSession session) {
        this.session = session;
        Driver.setCurrentContext(session.context);
        MemorySegment createdStream = Driver.streamCreate(DriverFunctions.STREAM_NON_BLOCKING);
        MemorySegment handle;
        try {
            handle = Cublas.create();
            try {
                Cublas.setStream(handle, createdStream);
                Cublas.setMathMode(handle, CublasFunctions.DEFAULT_MATH);
            } catch (RuntimeException e) {
                Cublas.destroy(handle);
                throw e;
            }
        } catch (RuntimeException e) {
            Driver.streamDestroy(createdStream);
            scalars.close();
            throw e;
        }
        this.stream = createdStream;
        this.cublas = handle;
    }

    @Override
    public void makeCurrent() {
        Driver.setCurrentContext(session.context);
    }

    @Override
    public long allocate(long bytes) {
        return Driver.memAlloc(bytes);
    }

    @Override
    public void free(long address) {
        Driver.memFree(address);
    }

    @Override
    public MemorySegment allocatePinned(long bytes) {
        return Driver.memHostAlloc(bytes);
    }

    @Override
    public void freePinned(MemorySegment pinned) {
        Driver.memFreeHost(pinned);
    }

    @Override
    public void copyToDevice(long destination, MemorySegment source, long bytes) {
        Driver.copyToDevice(destination, source, bytes, stream);
    }

    @Override
    public void copyToHost(MemorySegment destination, long source, long bytes) {
        Driver.copyToHost(destination, source, bytes, stream);
    }

    @Override
    public void zero(long address, long bytes) {
        Driver.zero(address, bytes, stream);
    }

    @Override
    public void synchronize() {
        Driver.streamSynchronize(stream);
    }

    /** Runs {@code kernel} on the stream; {@code arguments} were checked against its signature. */
    @Override
    public void launch(String kernel, int gridX, int gridY, int blockX, int blockY, KernelArguments arguments) {
        Driver.launch(session.function(kernel), gridX, gridY, blockX, blockY, 0, stream, arguments.parameters());
    }

    @Override
    public void sgemm(boolean transposeA, boolean transposeB, int m, int n, int k, float alpha, long a, int lda,
                      long b, int ldb, float beta, long c, int ldc) {
        this.alpha.set(JAVA_FLOAT, 0, alpha);
        this.beta.set(JAVA_FLOAT, 0, beta);
        Cublas.sgemm(cublas, transposeA ? CublasFunctions.OP_T : CublasFunctions.OP_N,
                transposeB ? CublasFunctions.OP_T : CublasFunctions.OP_N, m, n, k, this.alpha, a, lda, b, ldb,
                this.beta, c, ldc);
    }

    /** Destroys the cuBLAS handle and the stream (after the workspace waited for it and freed its memory). */
    @Override
    public void close() {
        RuntimeException failure = null;
        try {
            Cublas.destroy(cublas);
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            Driver.streamDestroy(stream);
        } catch (RuntimeException e) {
            failure = CleanupFailures.keepFirst(failure, e);
        }
        scalars.close();
        if (failure != null) {
            throw failure;
        }
    }
}
