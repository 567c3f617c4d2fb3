/**
 * The cross-backend JMH suite: benchmarks ({@code dev.softsilhouette.bench.jmh}), workloads and flop counting
 * ({@code .workload}), SGEMM ceilings ({@code .ceiling}, an SPI a GPU module implements for cuBLAS), the report
 * ({@code .report}) and the command-line runner ({@code .runner}). It runs on the class path
 * ({@code java -jar benchmarks.jar}); this descriptor keeps its dependencies explicit and checked by javac.
 */
module dev.softsilhouette.bench {
    requires transitive dev.softsilhouette.api;
    requires transitive jmh.core;
    requires org.bytedeco.javacpp;
    requires org.bytedeco.openblas;
    requires dev.softsilhouette.backend.cuda; // the cuBLAS SGEMM ceiling
    requires transitive java.desktop;
    requires java.management;

    exports dev.softsilhouette.bench.ceiling;
    exports dev.softsilhouette.bench.report;
    exports dev.softsilhouette.bench.workload;
    exports dev.softsilhouette.bench.runner;
    // JMH's generated code and its reflective setup reach into the benchmark classes.
    exports dev.softsilhouette.bench.jmh;
    opens dev.softsilhouette.bench.jmh to jmh.core;

    uses dev.softsilhouette.bench.ceiling.GemmCeiling;

    provides dev.softsilhouette.bench.ceiling.GemmCeiling
            with dev.softsilhouette.bench.ceiling.OpenBlasSgemmCeiling,
                 dev.softsilhouette.bench.ceiling.CublasSgemmCeilingAdapter;
}
