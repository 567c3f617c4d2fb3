package dev.softsilhouette.bench.soak;

import dev.softsilhouette.Floats;
import dev.softsilhouette.Ints;
import dev.softsilhouette.Metric;
import dev.softsilhouette.SoftSilhouetteLoss;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The soak: many {@code forwardBackward} calls from a few threads sharing the same loss objects, with memory read at
 * every tenth of the run. It passes when heap after GC, resident set and native memory (NMT) at the end are within 5 %
 * of their values at 10 % (after warm-up), and a sample of calls recomputed serially gives the same bits.
 *
 * <p>Every call's batch is a pure function of the seed and the call's index (metric, temperature, N from 2 to 300,
 * D from 1 to 64, random labels with singleton classes), so a sampled call is recomputed from its index alone and
 * the run keeps one long and one hash per sampled call. There is one loss object per metric and temperature (a
 * loss's metric and temperature are fixed), each shared by every thread; all of them lease the one backend instance.
 *
 * <pre>
 * java -XX:NativeMemoryTracking=summary --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar \
 *     dev.softsilhouette.bench.soak.SoakRunner [--calls 1000000] [--backend cpu-vector] [--threads 4]
 *     [--samples 1000] [--seed 20261130]
 * </pre>
 * Exit status 0: flat and bit-identical; 1: not; 2: bad usage.
 */
public final class SoakRunner {
    static final int MAX_N = 300;
    static final int MAX_D = 64;
    static final Metric[] METRICS = Metric.values();
    static final double[] TEMPERATURES = {0.0, 0.01, 0.1, 1.0};
    /** Heap after GC, RSS and NMT at the end must be within this of their values at 10 %. */
    static final double FLAT = 0.05;

    private SoakRunner() {
    }

    record Options(long calls, String backend, int threads, int samples, long seed) {
        static Options parse(String[] args) {
            long calls = 1_000_000;
            String backend = "cpu-vector";
            int threads = 4;
            int samples = 1000;
            long seed = 20261130;
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--calls" -> calls = Long.parseLong(require(value, "--calls"));
                    case "--backend" -> backend = require(value, "--backend");
                    case "--threads" -> threads = Integer.parseInt(require(value, "--threads"));
                    case "--samples" -> samples = Integer.parseInt(require(value, "--samples"));
                    case "--seed" -> seed = Long.parseLong(require(value, "--seed"));
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + "; options: --calls N --backend NAME --threads T --samples S --seed L");
                }
                i++;
            }
            if (calls < 10 || threads < 1 || samples < 1 || samples > calls) {
                throw new IllegalArgumentException("need calls >= 10, threads >= 1, 1 <= samples <= calls");
            }
            return new Options(calls, backend, threads, samples, seed);
        }

        private static String require(String value, String option) {
            if (value == null) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return value;
        }
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("soak: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(run(o) ? 0 : 1);
    }

    static boolean run(Options o) throws InterruptedException {
        List<SoftSilhouetteLoss> losses = new ArrayList<>();
        for (Metric metric : METRICS) {
            for (double tau : TEMPERATURES) {
                losses.add(SoftSilhouetteLoss.builder().backend(o.backend()).metric(metric).temperature(tau).build());
            }
        }
        try {
            return soak(o, losses);
        } finally {
            for (SoftSilhouetteLoss loss : losses) {
                loss.close();
            }
        }
    }

    private static boolean soak(Options o, List<SoftSilhouetteLoss> losses) throws InterruptedException {
        long stride = o.calls() / o.samples();
        Samples samples = new Samples(o.samples(), stride);
        System.out.printf(Locale.ROOT, "soak: %,d forwardBackward calls on '%s', %d threads sharing %d losses "
                        + "(%d metrics x %d temperatures), N 2..%d, D 1..%d, seed %d; %d sampled calls%n",
                o.calls(), losses.getFirst().backendName(), o.threads(), losses.size(), METRICS.length,
                TEMPERATURES.length, MAX_N, MAX_D, o.seed(), o.samples());
        System.out.printf(Locale.ROOT, "%6s %12s %10s %14s %14s %10s%n", "done", "calls", "seconds", "heap after GC",
                "RSS", "NMT committed");
        // A first reading before any call: it starts the platform MBean server (about 0.5 MiB of heap) that every
        // later NMT reading uses, so that it is not counted as growth between 10 % and 100 %.
        MemoryReading before = MemoryReading.now();
        System.out.printf(Locale.ROOT, "%5d%% %,12d %10.1f %14s %14s %14s%n", 0, 0, 0.0, mib(before.heapAfterGc()),
                mib(before.residentSet()), mib(before.nativeCommitted()));
        AtomicLong next = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        MemoryReading atTenth = null;
        MemoryReading last = null;
        long start = System.nanoTime();
        for (int tenth = 1; tenth <= 10; tenth++) {
            long end = o.calls() * tenth / 10;
            next.set(o.calls() * (tenth - 1) / 10); // each worker's last draw overshot the previous tenth's end
            Thread[] workers = new Thread[o.threads()];
            for (int t = 0; t < workers.length; t++) {
                workers[t] = new Thread(() -> work(o, losses, next, end, samples, failure), "soak-" + tenth + "-" + t);
                workers[t].start();
            }
            for (Thread w : workers) {
                w.join();
            }
            if (failure.get() != null) {
                System.out.println("soak: FAILED, a call threw " + failure.get());
                failure.get().printStackTrace(System.out);
                return false;
            }
            last = MemoryReading.now();
            if (tenth == 1) {
                atTenth = last;
            }
            System.out.printf(Locale.ROOT, "%5d%% %,12d %10.1f %14s %14s %14s%n", tenth * 10, end,
                    (System.nanoTime() - start) / 1e9, mib(last.heapAfterGc()), mib(last.residentSet()),
                    mib(last.nativeCommitted()));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "soak: %,d calls in %.1f s (%.0f calls/s)%n", o.calls(), seconds,
                o.calls() / seconds);

        boolean flat = true;
        flat &= judge("heap after GC", atTenth.heapAfterGc(), last.heapAfterGc());
        flat &= judge("RSS", atTenth.residentSet(), last.residentSet());
        flat &= judge("NMT committed", atTenth.nativeCommitted(), last.nativeCommitted());

        long recomputeStart = System.nanoTime();
        Workspace serial = new Workspace();
        int mismatches = 0;
        for (int s = 0; s < samples.count(); s++) {
            long call = samples.call(s);
            Result r = serial.call(o.seed(), call, losses);
            if (r.lossBits() != samples.lossBits(s) || r.gradientHash() != samples.gradientHash(s)) {
                mismatches++;
                if (mismatches <= 5) {
                    System.out.println("soak: call " + call + " recomputed serially differs: " + serial.describe());
                }
            }
        }
        System.out.printf(Locale.ROOT, "soak: %d sampled calls (every %,d-th) recomputed serially in %.1f s: %s%n",
                samples.count(), stride, (System.nanoTime() - recomputeStart) / 1e9,
                mismatches == 0 ? "all bit-identical" : mismatches + " DIFFER");
        boolean ok = flat && mismatches == 0;
        System.out.println("soak: " + (ok ? "PASS" : "FAIL"));
        return ok;
    }

    private static void work(Options o, List<SoftSilhouetteLoss> losses, AtomicLong next, long end, Samples samples,
                             AtomicReference<Throwable> failure) {
        Workspace w = new Workspace();
        try {
            for (long call = next.getAndIncrement(); call < end; call = next.getAndIncrement()) {
                Result r = w.call(o.seed(), call, losses);
                if (!Double.isFinite(Double.longBitsToDouble(r.lossBits()))) {
                    throw new IllegalStateException("call " + call + " returned " + w.describe());
                }
                samples.record(call, r);
            }
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
            next.set(Long.MAX_VALUE / 2); // stop the others
        }
    }

    private static boolean judge(String what, long atTenth, long atEnd) {
        double change = (double) (atEnd - atTenth) / atTenth;
        boolean ok = Math.abs(change) <= FLAT;
        System.out.printf(Locale.ROOT, "soak: %-13s %s at 10%% -> %s at 100%%: %+.2f%% %s%n", what, mib(atTenth),
                mib(atEnd), 100 * change, ok ? "(within 5%)" : "(NOT within 5%)");
        return ok;
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.2f MiB", bytes / 1048576.0);
    }

    record Result(long lossBits, long gradientHash) {
    }

    /**
     * One thread's buffers, sized for the largest batch, reused by every call (the generator allocates nothing once
     * they exist, so the heap reading is the library's).
     */
    static final class Workspace {
        private final float[] x = new float[MAX_N * MAX_D];
        private final int[] y = new int[MAX_N];
        private final float[] gradient = new float[MAX_N * MAX_D];
        private final float[] centres = new float[MAX_N * MAX_D];
        private int n;
        private int d;
        private SoftSilhouetteLoss loss;

        /** Builds call {@code call}'s batch from the seed and the index alone, runs it, and hashes the result. */
        Result call(long seed, long call, List<SoftSilhouetteLoss> losses) {
            SplittableRandom random = new SplittableRandom(seed ^ (call * 0x9E3779B97F4A7C15L));
            loss = losses.get(random.nextInt(losses.size()));
            n = 2 + random.nextInt(MAX_N - 1);
            d = 1 + random.nextInt(MAX_D);
            int classes = 1 + random.nextInt(Math.min(n, 24));
            for (int c = 0; c < classes; c++) {
                for (int t = 0; t < d; t++) {
                    centres[c * d + t] = 4f * (random.nextFloat() - 0.5f);
                }
            }
            for (int i = 0; i < n; i++) {
                // A quarter of the batches get singleton classes: a fresh label for about 1 row in 8.
                boolean singleton = (call & 3) == 0 && random.nextInt(8) == 0;
                int c = random.nextInt(classes);
                y[i] = singleton ? 1000 + i : 3 * c;
                for (int t = 0; t < d; t++) {
                    x[i * d + t] = centres[c * d + t] + random.nextFloat() - 0.5f;
                }
            }
            double value = loss.forwardBackward(Floats.of(x, 0), Ints.of(y, 0), n, d, Floats.of(gradient, 0));
            long hash = 0x243F6A8885A308D3L;
            for (int i = 0; i < n * d; i++) {
                hash = (hash ^ Float.floatToRawIntBits(gradient[i])) * 0x100000001B3L;
                hash ^= hash >>> 29;
            }
            return new Result(Double.doubleToRawLongBits(value), hash);
        }

        String describe() {
            return loss + " n=" + n + " d=" + d;
        }
    }

    /** The sampled calls (every {@code stride}-th): their loss bits and gradient hashes, in fixed arrays. */
    static final class Samples {
        private final long stride;
        private final long[] lossBits;
        private final long[] gradientHashes;

        Samples(int count, long stride) {
            this.stride = stride;
            this.lossBits = new long[count];
            this.gradientHashes = new long[count];
        }

        int count() {
            return lossBits.length;
        }

        long call(int sample) {
            return sample * stride;
        }

        void record(long call, Result r) {
            if (call % stride == 0 && call / stride < lossBits.length) {
                int s = (int) (call / stride);
                lossBits[s] = r.lossBits();
                gradientHashes[s] = r.gradientHash();
            }
        }

        long lossBits(int sample) {
            return lossBits[sample];
        }

        long gradientHash(int sample) {
            return gradientHashes[sample];
        }
    }
}
