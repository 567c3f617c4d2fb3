package dev.softsilhouette.conformance;

/**
 * The whole conformance kit: implement it in a test class, name your backend, and run it with the jqwik engine.
 *
 * <pre>{@code
 * class MyBackendConformanceTest implements SoftSilhouetteContract {
 *     public String backendName() { return "my-backend"; }
 * }
 * }</pre>
 *
 * <p>Every property compares the backend with the float64 {@code reference} backend within SPEC section 8, or checks
 * a law of the function (invariances, conventions, bounds), agreement between operations and buffer types,
 * thread safety, the rejections of SPEC section 9, and every failure ever found, pinned
 * ({@link RegressionContract}). An unavailable backend is skipped with its reason, printed
 * as {@code [conformance] SKIPPED name: reason}; a backend that is not found fails.
 */
public interface SoftSilhouetteContract
        extends AccuracyContract, InvarianceContract, RobustnessContract, ConsistencyContract, BadInputContract,
        RegressionContract, BlockDecompositionContract {
}
