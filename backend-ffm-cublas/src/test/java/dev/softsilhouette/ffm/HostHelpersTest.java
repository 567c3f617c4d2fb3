package dev.softsilhouette.ffm;

import dev.softsilhouette.ffm.cuda.CublasFunctions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Plain-Java parts of the device path: SGEMM argument checks. */
class HostHelpersTest {

    @Test
    void sgemmArgumentsAreCheckedAsBlasWould() {
        int n = CublasFunctions.OP_N;
        int t = CublasFunctions.OP_T;
        // The Gram product of the backend: T, N, m=colsJ, n=rowsI, k=D, lda=D, ldb=D, ldc=colsJ.
        assertDoesNotThrow(() -> CublasFunctions.checkGemm(t, n, 300, 200, 64, 64, 64, 300));
        // lda must cover op(A)'s stored rows: k for T
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CublasFunctions.checkGemm(t, n, 300, 200, 64, 63, 64, 300));
        assertTrue(e.getMessage().contains("lda=63"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CublasFunctions.checkGemm(n, n, 300, 200, 64, 299, 64, 300));
        assertThrows(IllegalArgumentException.class, () -> CublasFunctions.checkGemm(n, t, 10, 20, 30, 10, 19, 10));
        assertThrows(IllegalArgumentException.class, () -> CublasFunctions.checkGemm(n, n, 10, 20, 30, 10, 30, 9));
        assertThrows(IllegalArgumentException.class, () -> CublasFunctions.checkGemm(2, n, 1, 1, 1, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> CublasFunctions.checkGemm(n, n, -1, 1, 1, 1, 1, 1));
        assertDoesNotThrow(() -> CublasFunctions.checkGemm(n, n, 0, 0, 0, 1, 1, 1));
    }
}
