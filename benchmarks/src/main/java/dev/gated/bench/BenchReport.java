package dev.gated.bench;

import dev.gated.cpu.CpuBackend;
import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.BackendUnavailableException;
import dev.gated.engine.backend.Backends;
import dev.gated.engine.backend.DeviceMode;
import dev.gated.engine.rnn.CellType;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The bench report: times full RNN training steps (forward + backward-data + backward-weights + SGD update, float32) per cell
 * and shape and prints a markdown table. Each step is timed on its own after a warm-up; the table gives the median
 * and the minimum.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.gated.bench.BenchReport [--shapes S,M] [--cells lstm,gru]
 *      [--threads N] [--device cpu|auto|gpu] [--steps N] [--warmup N] [--seconds S]
 * </pre>
 */
public final class BenchReport {
    private static final Logger ENGINE_LOG = Logger.getLogger("dev.gated");

    private List<BenchShape> shapes = List.of(BenchShape.S, BenchShape.M);
    private List<CellType> cells = List.of(CellType.LSTM, CellType.GRU);
    private int threads;
    private DeviceMode device = DeviceMode.CPU;
    private int steps;
    private int warmup = 5;
    private double seconds = 5;
    private double warmupSeconds = 2;
    /** "table" (markdown) or "lines" (one {@code samples_per_s=... ms_per_step=...} line per row, like the peers). */
    private String format = "table";

    /** One measured configuration. */
    record Row(CellType cell, BenchShape shape, int steps, double medianMs, double minMs, double flops,
               double allocatedMbPerStep) {
        double samplesPerSecond() {
            return shape.batch() * 1e3 / medianMs;
        }

        double gflops() {
            return flops / (medianMs * 1e-3) / 1e9;
        }
    }

    public static void main(String[] args) {
        ENGINE_LOG.setLevel(Level.WARNING);
        BenchReport report = new BenchReport();
        try {
            if (!report.parse(args)) {
                usage(System.out);
                return;
            }
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage() + " (see --help)");
            System.exit(2);
        }
        try {
            report.run(System.out);
        } catch (BackendUnavailableException | IllegalArgumentException | IllegalStateException e) {
            System.err.println("bench: error: " + e.getMessage());
            System.exit(1);
        } catch (UnsupportedOperationException e) {
            System.err.println("bench: error: not supported by the selected backend yet: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void usage(PrintStream out) {
        out.println("Usage: BenchReport [--shapes S,M] [--cells lstm,gru] [--threads N] [--device cpu|auto|gpu]");
        out.println("                   [--steps N] [--warmup N] [--seconds S] [--warmup-seconds S] [--format table|lines]");
        out.println("Times full RNN training steps (forward + backward-data + backward-weights + SGD update, float32) and prints");
        out.println("a markdown table: ms/step (median, min), samples/s and GFLOP/s (6*B*T*G*H*(I+H) per layer).");
        out.println("  --shapes          S = L1-I32-H128-T50-B32, M = L2-I256-H512-T100-B64, or a custom L-I-H-T-B");
        out.println("  --cells           lstm, gru or both");
        out.println("  --threads N       CPU backend threads (default: GATED_CPU_THREADS, else every core)");
        out.println("  --device          cpu (default), auto or gpu");
        out.println("  --steps N         timed steps (default: as many as fit in --seconds, 5 to 200)");
        out.println("  --warmup N        at least N warm-up steps (default 5), and at least --warmup-seconds (2)");
        out.println("  --seconds S       time budget of the timed steps per configuration (default 5)");
        out.println("  --format          table (markdown, default) or lines: 'samples_per_s=V ms_per_step=V' per row,");
        out.println("                    the peers' format (ms_per_step is the median)");
    }

    boolean parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                return false;
            }
            String opt = a;
            String value;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                opt = a.substring(0, eq);
                value = a.substring(eq + 1);
            } else {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + ": missing value");
                }
                value = args[++i];
            }
            switch (opt) {
                case "--shapes" -> shapes = Arrays.stream(value.split(",")).map(BenchShape::parse).toList();
                case "--cells" -> cells = Arrays.stream(value.split(",")).map(CellType::parse).toList();
                case "--threads" -> threads = positive(opt, value);
                case "--device" -> device = DeviceMode.parse(value);
                case "--steps" -> steps = positive(opt, value);
                case "--warmup" -> warmup = nonNegative(opt, value);
                case "--seconds" -> seconds = positiveDouble(opt, value);
                case "--warmup-seconds" -> warmupSeconds = positiveDouble(opt, value);
                case "--format" -> {
                    if (!value.equals("table") && !value.equals("lines")) {
                        throw new IllegalArgumentException("--format: expected table or lines, got '" + value + "'");
                    }
                    format = value;
                }
                default -> throw new IllegalArgumentException("unknown option '" + a + "'");
            }
        }
        return true;
    }

    private static int positive(String opt, String v) {
        int n = nonNegative(opt, v);
        if (n < 1) {
            throw new IllegalArgumentException(opt + ": expected an integer >= 1, got '" + v + "'");
        }
        return n;
    }

    private static int nonNegative(String opt, String v) {
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // below
        }
        throw new IllegalArgumentException(opt + ": expected an integer >= 0, got '" + v + "'");
    }

    private static double positiveDouble(String opt, String v) {
        try {
            double d = Double.parseDouble(v.trim());
            if (d > 0 && Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException ignored) {
            // below
        }
        throw new IllegalArgumentException(opt + ": expected a number > 0, got '" + v + "'");
    }

    private Backend openBackend() {
        if (device == DeviceMode.CPU) {
            return threads > 0 ? new CpuBackend(threads) : new CpuBackend();
        }
        if (threads > 0) {
            throw new IllegalArgumentException("--threads applies to --device cpu only");
        }
        return Backends.select(device).backend();
    }

    void run(PrintStream out) {
        try (Backend backend = openBackend()) {
            if (format.equals("lines")) {
                for (BenchShape shape : shapes) {
                    for (CellType cell : cells) {
                        Row r = measure(backend, cell, shape);
                        out.printf(Locale.ROOT, "samples_per_s=%.2f ms_per_step=%.3f%n", r.samplesPerSecond(),
                                r.medianMs());
                        out.flush();
                    }
                }
                return;
            }
            out.println("## Gated bench report");
            out.println();
            out.println("- date: " + Instant.now().truncatedTo(ChronoUnit.SECONDS));
            out.println("- backend: " + backend.name() + " (" + backend.description() + ")");
            out.println("- machine: " + cpuModel() + ", " + Runtime.getRuntime().availableProcessors()
                    + " available processors, " + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
            out.println("- java: " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")");
            out.println("- step: rnnForward (training) + rnnBackwardData + rnnBackwardWeights + sgdStep, float32, "
                    + "unidirectional, full-length sequences; each step timed on its own");
            out.println();
            out.println("| cell | shape | L-I-H-T-B | steps | ms/step (median) | ms/step (min) | samples/s | GFLOP/s "
                    + "| heap MB/step |");
            out.println("|---|---|---|---:|---:|---:|---:|---:|---:|");
            out.flush();
            for (BenchShape shape : shapes) {
                for (CellType cell : cells) {
                    Row r = measure(backend, cell, shape);
                    out.printf(Locale.ROOT, "| %s | %s | %s | %d | %.2f | %.2f | %.0f | %.1f | %.2f |%n", cell,
                            shape.name(), shape.dims(), r.steps(), r.medianMs(), r.minMs(), r.samplesPerSecond(),
                            r.gflops(), r.allocatedMbPerStep());
                    out.flush();
                }
            }
        }
    }

    Row measure(Backend backend, CellType cell, BenchShape shape) {
        try (TrainingStep step = new TrainingStep(backend, cell, shape, 42)) {
            long warmStart = System.nanoTime();
            int warmed = 0;
            double lastMs = 0;
            while (warmed < warmup || (System.nanoTime() - warmStart) / 1e9 < warmupSeconds) {
                long t0 = System.nanoTime();
                step.run();
                lastMs = (System.nanoTime() - t0) / 1e6;
                warmed++;
                if (warmed >= warmup && lastMs / 1e3 > warmupSeconds) {
                    break;
                }
            }
            int n = steps > 0 ? steps : (int) Math.max(5, Math.min(200, Math.ceil(seconds * 1e3 / Math.max(lastMs, 1e-3))));
            double[] ms = new double[n];
            double allocated = heapAllocatedBytes();
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                step.run();
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            double mbPerStep = (heapAllocatedBytes() - allocated) / 1e6 / n;
            if (!Double.isFinite(step.checksum())) {
                throw new IllegalStateException(cell + " " + shape.name() + ": the step produced non-finite gradients");
            }
            double[] sorted = ms.clone();
            Arrays.sort(sorted);
            double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
            return new Row(cell, shape, n, median, sorted[0], step.flops(), mbPerStep);
        }
    }

    /**
     * Heap bytes allocated so far by all live threads (NaN where the JVM cannot tell): a step should allocate
     * nothing once warm, and a vector the JIT failed to keep in registers shows up here as megabytes per step.
     */
    private static double heapAllocatedBytes() {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean mx)
                || !mx.isThreadAllocatedMemorySupported() || !mx.isThreadAllocatedMemoryEnabled()) {
            return Double.NaN;
        }
        long sum = 0;
        for (long bytes : mx.getThreadAllocatedBytes(mx.getAllThreadIds())) {
            sum += Math.max(0, bytes);
        }
        return sum;
    }

    private static String cpuModel() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            for (String l : lines) {
                if (l.startsWith("model name")) {
                    return l.substring(l.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux
        }
        return System.getProperty("os.arch") + " CPU";
    }

    /** For tests: the parsed configuration. */
    List<Object> config() {
        return new ArrayList<>(List.of(shapes, cells, threads, device, steps, warmup));
    }
}
