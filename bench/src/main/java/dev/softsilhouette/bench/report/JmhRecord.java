package dev.softsilhouette.bench.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One entry of JMH's JSON result file, reduced to what the report uses.
 *
 * @param benchmarkClass simple name of the benchmark class ({@code LossBenchmark})
 * @param method         benchmark method ({@code forwardBackward})
 * @param params         the {@code @Param} values
 * @param seconds        the primary score converted to seconds per operation
 * @param errorSeconds   its 99.9% half-interval in seconds (NaN when JMH had too few iterations)
 * @param secondary      secondary metrics by name ({@code gc.alloc.rate.norm}, {@code mem.heap.peak}), score only
 * @param secondaryUnits their units
 * @param jvmArgs        the forked JVM's arguments
 * @param warmupIterations      warm-up iterations
 * @param measurementIterations measured iterations
 */
public record JmhRecord(String benchmarkClass, String method, Map<String, String> params, double seconds,
                        double errorSeconds, Map<String, Double> secondary, Map<String, String> secondaryUnits,
                        List<String> jvmArgs, int warmupIterations, int measurementIterations) {

    public String param(String name) {
        String v = params.get(name);
        if (v == null) {
            throw new IllegalArgumentException(benchmarkClass + "." + method + " has no parameter " + name);
        }
        return v;
    }

    /** A parameter that older result files lack. */
    public String param(String name, String absent) {
        return params.getOrDefault(name, absent);
    }

    /** Parses JMH's JSON output (an array of benchmark results). */
    @SuppressWarnings("unchecked")
    public static List<JmhRecord> parseAll(String json) {
        Object root = Json.parse(json);
        if (!(root instanceof List<?> list)) {
            throw new IllegalArgumentException("JMH JSON: expected an array at the top level");
        }
        return list.stream().map(o -> of((Map<String, Object>) o)).toList();
    }

    @SuppressWarnings("unchecked")
    static JmhRecord of(Map<String, Object> entry) {
        String benchmark = (String) entry.get("benchmark");
        int lastDot = benchmark.lastIndexOf('.');
        String className = benchmark.substring(0, lastDot);
        className = className.substring(className.lastIndexOf('.') + 1);
        String method = benchmark.substring(lastDot + 1);

        Map<String, String> params = new LinkedHashMap<>();
        Object p = entry.get("params");
        if (p instanceof Map<?, ?> m) {
            m.forEach((k, v) -> params.put((String) k, String.valueOf(v)));
        }
        Map<String, Object> primary = (Map<String, Object>) entry.get("primaryMetric");
        String unit = (String) primary.get("scoreUnit");
        double scale = secondsPerUnit(unit);
        double score = number(primary.get("score")) * scale;
        double error = number(primary.get("scoreError")) * scale;

        Map<String, Double> secondary = new LinkedHashMap<>();
        Map<String, String> units = new LinkedHashMap<>();
        Object s = entry.get("secondaryMetrics");
        if (s instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                Map<String, Object> metric = (Map<String, Object>) v;
                secondary.put((String) k, number(metric.get("score")));
                units.put((String) k, String.valueOf(metric.get("scoreUnit")));
            });
        }
        List<String> jvmArgs = entry.get("jvmArgs") instanceof List<?> l
                ? l.stream().map(String::valueOf).toList() : List.of();
        return new JmhRecord(className, method, params, score, error, secondary, units, jvmArgs,
                (int) number(entry.getOrDefault("warmupIterations", 0.0)),
                (int) number(entry.getOrDefault("measurementIterations", 0.0)));
    }

    /** JMH writes NaN and infinities as strings. */
    static double number(Object value) {
        if (value instanceof Double d) {
            return d;
        }
        if (value instanceof String s) {
            return switch (s) {
                case "NaN" -> Double.NaN;
                case "Infinity" -> Double.POSITIVE_INFINITY;
                case "-Infinity" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(s);
            };
        }
        return Double.NaN;
    }

    /** Seconds per unit of an average-time score unit ({@code ms/op}...). */
    static double secondsPerUnit(String unit) {
        return switch (unit) {
            case "s/op" -> 1.0;
            case "ms/op" -> 1e-3;
            case "us/op" -> 1e-6;
            case "ns/op" -> 1e-9;
            case "min/op" -> 60.0;
            default -> throw new IllegalArgumentException("JMH JSON: score unit " + unit
                    + " is not an average time per operation; run the benchmarks in AverageTime mode");
        };
    }
}
