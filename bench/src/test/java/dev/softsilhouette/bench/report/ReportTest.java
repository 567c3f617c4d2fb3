package dev.softsilhouette.bench.report;

import dev.softsilhouette.Metric;
import dev.softsilhouette.bench.workload.Operation;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The report from {@code jmh-fixture.json}: JMH's JSON format (as 1.37 writes it, trimmed by hand) with round
 * numbers, so every derived figure is known exactly. The ceiling runs 2*256*256*128 flops in 67.108864 µs
 * (250 GFLOP/s); the reference's euclidean forwardBackward at 256x128x10 (4*256^2*128 flops) takes 16.777216 ms
 * (2 GFLOP/s); a cpu-vector entry takes 167.77216 µs (200 GFLOP/s, 80% of the ceiling, 100x the reference).
 */
class ReportTest {

    private static String fixture() throws IOException {
        try (InputStream in = ReportTest.class.getResourceAsStream("jmh-fixture.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static ReportInput input() throws IOException {
        Map<String, String> machine = new LinkedHashMap<>();
        machine.put("CPU", "Test CPU, AVX-512");
        machine.put("JDK", "JDK 25");
        return new ReportInput("quick", "bench/run-quick.sh", Duration.ofSeconds(125), machine,
                List.of(new ReportInput.BackendStatus("reference", 0, true, "float64"),
                        new ReportInput.BackendStatus("cpu-vector", 100, true, "512-bit, 2 threads"),
                        new ReportInput.BackendStatus("cuda", 300, false, "no CUDA driver: install one")),
                List.of(new ReportInput.CeilingStatus("openblas-sgemm", true, "OpenBLAS 0.3.31, 2 threads")),
                List.of("cuBLAS SGEMM ceiling: not measured, no GPU backend ran (cuda unavailable)."),
                List.of(), Map.of("reference", "openblas-sgemm", "cpu-vector", "openblas-sgemm"),
                List.of(new ReportInput.NotRun("reference", "4096x256x100", "forward, forwardBackward, score",
                        "skipped in the quick profile")),
                JmhRecord.parseAll(fixture()), false);
    }

    @Test
    void parsesJmhJsonWithUnitsAndNaNErrors() throws IOException {
        List<JmhRecord> records = JmhRecord.parseAll(fixture());
        assertEquals(4, records.size());
        JmhRecord ceiling = records.getFirst();
        assertEquals("GemmCeilingBenchmark", ceiling.benchmarkClass());
        assertEquals("sgemm", ceiling.method());
        assertEquals("256x256x128", ceiling.param("shape"));
        assertEquals(6.7108864e-5, ceiling.seconds(), 1e-15);
        JmhRecord reference = records.get(1);
        assertTrue(Double.isNaN(reference.errorSeconds()));
        assertEquals(312320.0, reference.secondary().get("gc.alloc.rate.norm"));
        assertEquals("B/op", reference.secondaryUnits().get("gc.alloc.rate.norm"));
        assertEquals(1.6777216e-4, records.get(2).seconds(), 1e-15, "us/op converted to seconds");
        assertEquals(0.0768, records.get(3).seconds(), 1e-15, "s/op kept");
        assertEquals(List.of("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"),
                reference.jvmArgs());
    }

    @Test
    void derivesRateCeilingPercentageAndSpeedUp() throws IOException {
        ReportModel model = ReportModel.of(input());
        assertEquals(1, model.ceilings().size());
        assertEquals(250.0, model.ceilings().getFirst().gflops(), 1e-9);

        List<ReportModel.Row> rows = model.rows();
        assertEquals(3, rows.size());
        ReportModel.Row ref = rows.get(0);
        ReportModel.Row vec = rows.get(1);
        assertEquals("reference", ref.backend(), "lowest priority first within a group");
        assertEquals(2.0, ref.gflops(), 1e-9);
        assertEquals(0.8, ref.percentOfCeiling(), 1e-9);
        assertEquals(1.0, ref.speedUpOverReference(), 1e-12);

        assertEquals("cpu-vector", vec.backend());
        assertEquals(Operation.FORWARD_BACKWARD, vec.op());
        assertEquals(200.0, vec.gflops(), 1e-9);
        assertEquals(80.0, vec.percentOfCeiling(), 1e-9);
        assertEquals(100.0, vec.speedUpOverReference(), 1e-9);
        assertEquals(48.0, vec.allocBytesPerOp());

        ReportModel.Row score = rows.get(2);
        assertEquals(Metric.SQUARED_EUCLIDEAN, score.metric());
        assertEquals(0.0, score.tau(), "the score always runs at tau 0");
        assertEquals(1.0, score.gflops(), 1e-9, "6*N*K*D = 76.8e6 flops in 76.8 ms");
        assertTrue(Double.isNaN(score.percentOfCeiling()), "no ceiling measured at 3355x20000x64");
        assertTrue(Double.isNaN(score.speedUpOverReference()), "the reference did not run there");
    }

    @Test
    void tableHasOneFormattedRowPerMeasurement() throws IOException {
        String table = MarkdownReport.table(ReportModel.of(input()), false);
        List<String> lines = table.lines().toList();
        assertEquals("| backend | workload N×D×K | metric | op | tau | time/op | effective GFLOP/s | ceiling GFLOP/s "
                + "| % of ceiling | speed-up vs reference | alloc/op |", lines.get(0));
        assertEquals("|---|---|---|---|---|---:|---:|---:|---:|---:|---:|", lines.get(1));
        assertEquals("| reference | 256×128×10 | euclidean | forwardBackward | 0.1 | 16.8 ms | 2.00 | 250 | 0.80% "
                + "| 1.00x | 305 KiB |", lines.get(2));
        assertEquals("| cpu-vector | 256×128×10 | euclidean | forwardBackward | 0.1 | 168 µs ± 5.0% | 200 | 250 | 80% "
                + "| 100x | 48 B |", lines.get(3));
        assertEquals("| cpu-vector | 20000×64×10 | sqeuclidean | score | 0 | 76.8 ms ± 1.6% | 1.00 | n/a | n/a | n/a "
                + "| 2.00 KiB |", lines.get(4));
        assertEquals(5, lines.size());
    }

    @Test
    void memoryColumnsShowPeakHeapWhenAsked() throws IOException {
        String table = MarkdownReport.table(ReportModel.of(input()), true);
        List<String> lines = table.lines().toList();
        assertTrue(lines.get(0).endsWith("| alloc/op | peak heap | peak RSS |"));
        assertTrue(lines.get(2).endsWith("| 305 KiB | 40.3 MiB | n/a |"), lines.get(2));
    }

    @Test
    void reportListsUnavailableBackendsCeilingsAndWhatWasNotRun() throws IOException {
        String md = MarkdownReport.render(input());
        assertTrue(md.contains("| cuda | 300 | **unavailable** | no CUDA driver: install one |"), md);
        assertTrue(md.contains("cuBLAS SGEMM ceiling: not measured"));
        assertTrue(md.contains("| openblas-sgemm | as-given | 256x256x128 | 67.1 µs ± 1.5% | 250 |"), md);
        assertTrue(md.contains("- reference, 4096x256x100, forward, forwardBackward, score: skipped in the quick "
                + "profile"));
        assertTrue(md.contains("Wall time: 2 min 05 s"));
        assertTrue(md.contains("| CPU | Test CPU, AVX-512 |"));
    }

    @Test
    void chartDrawsOneBarPerMeasurementInTheBackendsColours() throws IOException {
        BufferedImage image = ReportChart.render(input());
        assertEquals(1280, image.getWidth());
        int reference = 0x4C72B0;
        int cpuVector = 0xDD8452;
        int referencePixels = 0;
        int cpuVectorPixels = 0;
        for (int y = 90; y < image.getHeight(); y++) {
            for (int x = 300; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y) & 0xFFFFFF;
                referencePixels += rgb == reference ? 1 : 0;
                cpuVectorPixels += rgb == cpuVector ? 1 : 0;
            }
        }
        assertTrue(referencePixels > 0, "a reference bar");
        // cpu-vector has two bars, and its 200 GFLOP/s bar is far longer than the reference's 2 GFLOP/s one.
        assertTrue(cpuVectorPixels > 2 * referencePixels, cpuVectorPixels + " vs " + referencePixels);
    }

    @Test
    void smallPercentagesKeepTwoSignificantDigits() {
        assertEquals("0.020%", Format.percent(0.0204));
        assertEquals("3.5%", Format.percent(3.54));
        assertEquals("80%", Format.percent(80.0));
        assertEquals("n/a", Format.percent(Double.NaN));
    }

    @Test
    void longReasonsAreCutWithAPointerToTheFullText() {
        String reason = "libcuda.so.1 absent; ".repeat(50);
        ReportInput input = new ReportInput("quick", "cmd", Duration.ofSeconds(1), Map.of(),
                List.of(new ReportInput.BackendStatus("cuda", 300, false, reason)), List.of(), List.of(), List.of(),
                Map.of(),
                List.of(new ReportInput.NotRun("cuda", "*", "all", "unavailable: " + reason)), List.of(), false);
        String md = MarkdownReport.render(input);
        String row = md.lines().filter(l -> l.startsWith("| cuda |")).findFirst().orElseThrow();
        assertTrue(row.endsWith("… (full text in backends.txt) |"), row);
        assertTrue(row.length() < MarkdownReport.REASON_LENGTH + 100, row);
        assertTrue(md.contains("- cuda, *, all: unavailable: libcuda.so.1 absent;"));
        assertTrue(md.contains("| (no results) |"));
    }

    @Test
    void jsonArraysConcatenateAndEmptyOnesVanish() {
        String merged = Json.concatArrays(List.of("[ {\"a\": 1} ]", "[]", "[{\"b\": \"x\\u0041\\n\"}, null]"));
        List<?> parsed = (List<?>) Json.parse(merged);
        assertEquals(3, parsed.size());
        assertEquals(Map.of("a", 1.0), parsed.get(0));
        assertEquals(Map.of("b", "xA\n"), parsed.get(1));
        assertNull(parsed.get(2));
        assertFalse(merged.contains("[]"));
    }
}
