package dev.gated.bench;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.BackendUnavailableException;
import dev.gated.engine.backend.Backends;
import dev.gated.engine.backend.DeviceMode;
import dev.gated.engine.backend.Precision;
import dev.gated.engine.rnn.CellType;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
 * The GPU benchmark: times one full training step ({@link ModelStep}: batch upload, forward, head, MSE, backward,
 * Adam) per cell, shape and precision on the backend chosen with {@code --device} (gpu by default) and writes JSON
 * that {@code benchmarks/gpu/join.py} joins with {@code pytorch_bench.py}'s. Each timed step is bracketed by a
 * device sync, so only the step is timed; the JSON gives the median, minimum and mean of the timed steps.
 *
 * <pre>
 * java -cp ... dev.gated.bench.GpuBench [--device gpu|auto|cpu] [--precision fp32,tf32] [--cells lstm,gru]
 *      [--shapes S,M,L,M2] [--warmup 10] [--steps 50] [--out FILE.json]
 * </pre>
 * Exit status: 0 done, 2 bad arguments, 3 no usable backend for {@code --device} (e.g. no GPU; the reason is
 * printed), 1 a failure while measuring.
 */
public final class GpuBench {
    private static final Logger ENGINE_LOG = Logger.getLogger("dev.gated");

    /** Issue 5's shapes: name, layers, input, hidden, seq, batch. */
    static final List<BenchShape> SHAPES = List.of(
            new BenchShape("S", 1, 128, 128, 100, 16),
            new BenchShape("M", 1, 512, 512, 100, 64),
            new BenchShape("L", 1, 1024, 1024, 50, 256),
            new BenchShape("M2", 2, 512, 512, 100, 64));

    DeviceMode device = DeviceMode.GPU;
    List<Precision> precisions = List.of(Precision.FP32, Precision.TF32);
    List<CellType> cells = List.of(CellType.LSTM, CellType.GRU);
    List<BenchShape> shapes = SHAPES;
    int warmup = 10;
    int steps = 50;
    Path out;

    /** One measured configuration. */
    record Row(CellType cell, BenchShape shape, Precision precision, double[] ms, double flops, double firstLoss,
               double lastLoss) {
        double median() {
            double[] s = ms.clone();
            Arrays.sort(s);
            return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        }

        double min() {
            return Arrays.stream(ms).min().orElse(Double.NaN);
        }

        double mean() {
            return Arrays.stream(ms).average().orElse(Double.NaN);
        }
    }

    public static void main(String[] args) {
        ENGINE_LOG.setLevel(Level.WARNING);
        GpuBench bench = new GpuBench();
        try {
            if (!bench.parse(args)) {
                usage(System.out);
                return;
            }
        } catch (IllegalArgumentException e) {
            System.err.println("gpu-bench: " + e.getMessage() + " (see --help)");
            System.exit(2);
        }
        System.exit(bench.run(System.out, System.err));
    }

    static void usage(PrintStream out) {
        out.println("Usage: GpuBench [--device gpu|auto|cpu] [--precision fp32,tf32] [--cells lstm,gru]");
        out.println("                [--shapes S,M,L,M2] [--warmup N] [--steps N] [--out FILE.json]");
        out.println("Times one training step (batch upload, forward, linear head, MSE, backward, Adam) per cell, shape");
        out.println("and precision; JSON to --out (default: stdout). Shapes: S = L1-I128-H128-T100-B16,");
        out.println("M = L1-I512-H512-T100-B64, L = L1-I1024-H1024-T50-B256, M2 = M with 2 layers, or L<l>-I<i>-H<h>-T<t>-B<b>.");
        out.println("Exit status 3 when no backend is usable for --device (the reason is printed).");
    }

    boolean parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                return false;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + ": missing value");
            }
            String v = args[++i];
            switch (a) {
                case "--device" -> device = DeviceMode.parse(v);
                case "--precision" -> precisions = Arrays.stream(v.split(",")).map(Precision::parse).toList();
                case "--cells" -> cells = Arrays.stream(v.split(",")).map(CellType::parse).toList();
                case "--shapes" -> shapes = Arrays.stream(v.split(",")).map(GpuBench::shape).toList();
                case "--warmup" -> warmup = count(a, v, 0);
                case "--steps" -> steps = count(a, v, 1);
                case "--out" -> out = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option '" + a + "'");
            }
        }
        return true;
    }

    static BenchShape shape(String s) {
        for (BenchShape b : SHAPES) {
            if (b.name().equalsIgnoreCase(s.trim())) {
                return b;
            }
        }
        return BenchShape.parse(s);
    }

    private static int count(String opt, String v, int min) {
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // below
        }
        throw new IllegalArgumentException(opt + ": expected an integer >= " + min + ", got '" + v + "'");
    }

    int run(PrintStream stdout, PrintStream stderr) {
        List<Row> rows = new ArrayList<>();
        String description = null;
        String backendName = null;
        List<String> notes = new ArrayList<>();
        for (Precision precision : precisions) {
            Backends.Selection sel;
            try {
                sel = Backends.select(device, precision);
            } catch (BackendUnavailableException e) {
                stderr.println("gpu-bench: no usable backend for --device " + device + ": " + e.getMessage());
                return 3;
            }
            try (Backend backend = sel.backend()) {
                description = backend.description();
                backendName = backend.name();
                notes.add(precision + ": " + sel.reason());
                for (BenchShape shape : shapes) {
                    for (CellType cell : cells) {
                        Row r = measure(backend, cell, shape, precision);
                        rows.add(r);
                        stderr.printf(Locale.ROOT, "gpu-bench: %s %s %s: %.3f ms/step (median of %d), %.2f TFLOP/s%n",
                                cell, shape.name(), precision, r.median(), steps, r.flops() / r.median() / 1e9);
                    }
                }
            } catch (RuntimeException e) {
                stderr.println("gpu-bench: failed: " + e);
                e.printStackTrace(stderr);
                return 1;
            }
        }
        String json = json(backendName, description, notes, rows);
        if (out == null) {
            stdout.println(json);
        } else {
            try {
                Files.writeString(out, json + "\n", StandardCharsets.UTF_8);
            } catch (IOException e) {
                stderr.println("gpu-bench: cannot write " + out + ": " + e.getMessage());
                return 1;
            }
            stderr.println("gpu-bench: wrote " + out);
        }
        return 0;
    }

    Row measure(Backend backend, CellType cell, BenchShape shape, Precision precision) {
        try (ModelStep step = new ModelStep(backend, cell, shape, 1)) {
            double first = step.run();
            for (int i = 1; i < warmup; i++) {
                step.run();
            }
            double[] ms = new double[steps];
            double last = first;
            for (int i = 0; i < steps; i++) {
                step.sync();
                long t0 = System.nanoTime();
                last = step.run();
                step.sync();
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            return new Row(cell, shape, precision, ms, step.flops(), first, last);
        }
    }

    String json(String backendName, String description, List<String> notes, List<Row> rows) {
        StringBuilder b = new StringBuilder();
        b.append("{\n  \"tool\": \"gated\",\n");
        b.append("  \"date\": ").append(str(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())).append(",\n");
        b.append("  \"backend\": ").append(str(backendName)).append(",\n");
        b.append("  \"device\": ").append(str(description)).append(",\n");
        b.append("  \"java\": ").append(str(Runtime.version().toString())).append(",\n");
        b.append("  \"selection\": [").append(String.join(", ", notes.stream().map(GpuBench::str).toList()))
                .append("],\n");
        b.append("  \"step\": \"batch upload (x, y), forward (training), linear head on the last step, MSE, loss read "
                + "back, backward, Adam; float32 parameters; each step bracketed by a device sync\",\n");
        b.append("  \"warmup\": ").append(warmup).append(",\n  \"steps\": ").append(steps).append(",\n");
        b.append("  \"rows\": [");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            BenchShape s = r.shape();
            b.append(i == 0 ? "\n" : ",\n").append(String.format(Locale.ROOT,
                    "    {\"cell\": \"%s\", \"shape\": \"%s\", \"layers\": %d, \"input\": %d, \"hidden\": %d, "
                            + "\"seq\": %d, \"batch\": %d, \"outputs\": %d, \"precision\": \"%s\", \"ms_median\": %.4f, "
                            + "\"ms_min\": %.4f, \"ms_mean\": %.4f, \"flops\": %.6g, \"first_loss\": %.6g, "
                            + "\"last_loss\": %.6g}",
                    r.cell().name().toLowerCase(Locale.ROOT), s.name(), s.layers(), s.input(), s.hidden(), s.seq(),
                    s.batch(), ModelStep.OUTPUTS, r.precision(), r.median(), r.min(), r.mean(), r.flops(),
                    r.firstLoss(), r.lastLoss()));
        }
        b.append("\n  ]\n}");
        return b.toString();
    }

    static String str(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
