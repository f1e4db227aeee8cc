package dev.gated.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gated.cpu.CpuBackend;
import dev.gated.engine.backend.AdagradConfig;
import dev.gated.engine.backend.AdamConfig;
import dev.gated.engine.backend.BinaryOp;
import dev.gated.engine.backend.CounterRng;
import dev.gated.engine.backend.DType;
import dev.gated.engine.backend.RmspropConfig;
import dev.gated.engine.backend.SgdConfig;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.backend.UnaryOp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the kernels of kernels.cu on the host (compiled as C++ with src/test/cuda-host/host_shim.h) with the argument
 * order and scalar rounding Kernels uses (mirrored by hand here; KernelSignatureTest checks Kernels' types against
 * the PTX), and compares with CpuBackend: bit for bit where the CPU and the kernel do the same IEEE operations in the
 * same order (everything but exp/log/tanh/sigmoid, whose libm may differ in the last bits, and the reductions, whose
 * summation order differs by design). The reductions, the softmaxes (also in place), dropout, Adam and RMSprop run
 * with several blocks of several OS threads each, __syncthreads a barrier; the rest one thread per block. This checks the
 * kernels' formulas, op codes, argument conventions and block-level logic without a GPU; it cannot check the GPU's
 * own math library or memory model (the GPU suites in integration-tests do).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KernelHostEmulationTest {
    private CpuBackend cpu;

    @BeforeAll
    void open() {
        cpu = new CpuBackend(1);
    }

    @AfterAll
    void close() {
        cpu.close();
    }

    /**
     * Threaded launches use smaller blocks than the GPU (REDUCE/ROW_THREADS = 256): the kernels are generic in
     * blockDim (a power of two), and 256 OS threads per block on a shared 2-core machine make the test slow. 64 is
     * more than the softmax's 11 columns, so idle threads are exercised too.
     */
    static final int EMU_BLOCKS = 16;
    static final int EMU_THREADS = 64;

    /** How an emulated result is compared with the CPU's. */
    enum Mode { EXACT, ULPS_2, REL_1E12 }

    /** The C++ program under construction and what each printed line must equal. */
    private static final class Program {
        final StringBuilder decl = new StringBuilder();
        final StringBuilder body = new StringBuilder();
        final Map<String, double[]> expected = new HashMap<>();
        final Map<String, DType> dtypes = new HashMap<>();
        final Map<String, Mode> modes = new HashMap<>();
        int next;

        static String ctype(DType dt) {
            return dt == DType.FLOAT32 ? "float" : "double";
        }

        /** Declares an array of dt holding v (rounded to dt), returns its name. */
        String buf(DType dt, double[] v) {
            String name = "b" + next++;
            StringBuilder bits = new StringBuilder();
            for (int i = 0; i < v.length; i++) {
                bits.append(i == 0 ? "" : ",").append(dt == DType.FLOAT32
                        ? String.format(Locale.ROOT, "0x%08xU", Float.floatToRawIntBits((float) v[i]))
                        : String.format(Locale.ROOT, "0x%016xULL", Double.doubleToRawLongBits(v[i])));
            }
            String bt = dt == DType.FLOAT32 ? "unsigned int" : "unsigned long long";
            decl.append("static const ").append(bt).append(' ').append(name).append("_bits[] = {")
                    .append(v.length == 0 ? "0" : bits).append("};\n");
            decl.append("static ").append(ctype(dt)).append(' ').append(name).append('[')
                    .append(Math.max(1, v.length)).append("];\n");
            body.append("  std::memcpy(").append(name).append(", ").append(name).append("_bits, sizeof ")
                    .append(name).append(");\n");
            return name;
        }

        String ints(int[] v) {
            String name = "i" + next++;
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < v.length; i++) {
                s.append(i == 0 ? "" : ",").append(v[i]);
            }
            decl.append("static int ").append(name).append("[] = {").append(s).append("};\n");
            return name;
        }

        /** Declares a zeroed double array of n elements. */
        String doubles(int n) {
            String name = "d" + next++;
            decl.append("static double ").append(name).append('[').append(n).append("];\n");
            return name;
        }

        void launch(int blocks, String call) {
            body.append("  gated_launch(").append(blocks).append(", [&] { ").append(call).append("; });\n");
        }

        /** A launch with real threads per block (OS threads, __syncthreads a barrier), as on the GPU. */
        void launchThreads(int blocks, int threads, String call) {
            body.append("  gated_launch_threads(").append(blocks).append(", ").append(threads).append(", [&] { ")
                    .append(call).append("; });\n");
        }

        /** Prints n elements of var as "label:hex,hex,...", to equal {@code want} under {@code mode}. */
        void expect(String label, DType dt, String var, double[] want, Mode mode) {
            body.append("  gated_print(\"").append(label).append("\", ").append(var).append(", ")
                    .append(want.length).append(");\n");
            expected.put(label, want);
            dtypes.put(label, dt);
            modes.put(label, mode);
        }

        String source() {
            return "#include \"host_shim.h\"\n#include \"kernels.cu\"\n#include <cstdio>\n"
                    + "static void gated_print(const char* l, const float* v, int n) {\n"
                    + "  std::printf(\"%s:\", l);\n"
                    + "  for (int i = 0; i < n; i++) { unsigned int b; std::memcpy(&b, &v[i], 4); "
                    + "std::printf(i ? \",%08x\" : \"%08x\", b); }\n  std::printf(\"\\n\");\n}\n"
                    + "static void gated_print(const char* l, const double* v, int n) {\n"
                    + "  std::printf(\"%s:\", l);\n"
                    + "  for (int i = 0; i < n; i++) { unsigned long long b; std::memcpy(&b, &v[i], 8); "
                    + "std::printf(i ? \",%016llx\" : \"%016llx\", b); }\n  std::printf(\"\\n\");\n}\n"
                    + decl + "int main() {\n" + body + "  return 0;\n}\n";
        }
    }

    private static String sfx(DType dt) {
        return dt == DType.FLOAT32 ? "f32" : "f64";
    }

    private static String lit(DType dt, double v) {
        // A scalar argument of the tensor's dtype, exactly as Kernels.t() rounds it.
        return dt == DType.FLOAT32 ? "gated_f32_bits(0x" + Integer.toHexString(Float.floatToRawIntBits((float) v)) + "U)"
                : "gated_f64_bits(0x" + Long.toHexString(Double.doubleToRawLongBits(v)) + "ULL)";
    }

    private static String dbl(double v) {
        return "gated_f64_bits(0x" + Long.toHexString(Double.doubleToRawLongBits(v)) + "ULL)";
    }

    private static String u64(long v) {
        return "0x" + Long.toHexString(v) + "ULL";
    }

    private double[] run(Tensor t) {
        return cpu.download(t);
    }

    private Tensor up(double[] v, DType dt, int... dims) {
        return cpu.upload(v, Shape.of(dims), dt);
    }

    private static double[] random(Random r, int n, double lo, double hi) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + (hi - lo) * r.nextDouble();
        }
        return v;
    }

    /** Random values with the awkward ones mixed in: zeros of both signs, NaN, infinities, tiny and huge. */
    private static double[] awkward(Random r, int n) {
        double[] v = random(r, n, -3, 3);
        double[] special = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e-30, -1e30,
                20, -20, 0.5};
        for (int i = 0; i < special.length && i < n; i++) {
            v[i * 3 % n] = special[i];
        }
        return v;
    }

    private void unaryCases(Program p, DType dt, Random r) {
        int n = 97;
        for (UnaryOp op : UnaryOp.values()) {
            double[] x = awkward(r, n);
            if (op == UnaryOp.LOG || op == UnaryOp.SQRT) {
                for (int i = 12; i < n; i++) {
                    x[i] = Math.abs(x[i]) + 1e-3;
                }
            }
            Tensor tx = up(x, dt, n);
            Tensor ty = cpu.allocate(dt, Shape.of(n));
            cpu.unary(op, tx, ty);
            double[] y = run(ty);
            String bx = p.buf(dt, x);
            String by = p.buf(dt, new double[n]);
            p.launch(1, "gated_unary_" + sfx(dt) + "(" + KernelOps.code(op) + ", " + bx + ", " + by + ", " + n + ")");
            boolean libm = op == UnaryOp.EXP || op == UnaryOp.LOG || op == UnaryOp.TANH || op == UnaryOp.SIGMOID;
            p.expect("unary " + op + " " + dt, dt, by, y, libm ? Mode.ULPS_2 : Mode.EXACT);

            double[] dy = awkward(r, n);
            Tensor tdx = cpu.allocate(dt, Shape.of(n));
            cpu.unaryBackward(op, tx, ty, up(dy, dt, n), tdx);
            String bdy = p.buf(dt, dy);
            String byy = p.buf(dt, y);
            String bdx = p.buf(dt, new double[n]);
            p.launch(1, "gated_unary_backward_" + sfx(dt) + "(" + KernelOps.code(op) + ", " + bx + ", " + byy + ", "
                    + bdy + ", " + bdx + ", " + n + ")");
            p.expect("unaryBackward " + op + " " + dt, dt, bdx, run(tdx), Mode.EXACT);
        }
    }

    private void binaryCases(Program p, DType dt, Random r) {
        double[] zs = {0.0, -0.0, Double.NaN, 1.0, Double.POSITIVE_INFINITY, -2.5};
        int n = zs.length * zs.length + 40;
        double[] a = random(r, n, -3, 3);
        double[] b = random(r, n, -3, 3);
        for (int i = 0; i < zs.length; i++) {
            for (int j = 0; j < zs.length; j++) {
                a[i * zs.length + j] = zs[i];
                b[i * zs.length + j] = zs[j];
            }
        }
        String ba = p.buf(dt, a);
        String bb = p.buf(dt, b);
        for (BinaryOp op : BinaryOp.values()) {
            Tensor out = cpu.allocate(dt, Shape.of(n));
            cpu.binary(op, up(a, dt, n), up(b, dt, n), out);
            String bo = p.buf(dt, new double[n]);
            p.launch(1, "gated_binary_" + sfx(dt) + "(" + KernelOps.code(op) + ", " + ba + ", " + bb + ", " + bo + ", "
                    + n + ")");
            p.expect("binary " + op + " " + dt, dt, bo, run(out), Mode.EXACT);
        }
    }

    private void elementwiseCases(Program p, DType dt, Random r) {
        int n = 50;
        double[][] ab = {{1.5, 0}, {0.3, 1}, {-0.7, 0.25}};
        for (double[] c : ab) {
            double[] x = random(r, n, -2, 2);
            double[] y = random(r, n, -2, 2);
            if (c[1] == 0) {
                Arrays.fill(y, Double.NaN);
            }
            Tensor ty = up(y, dt, n);
            cpu.axpby(c[0], up(x, dt, n), c[1], ty);
            String by = p.buf(dt, y);
            p.launch(1, "gated_axpby_" + sfx(dt) + "(" + lit(dt, c[0]) + ", " + p.buf(dt, x) + ", " + lit(dt, c[1])
                    + ", " + by + ", " + n + ")");
            p.expect("axpby " + c[0] + " " + c[1] + " " + dt, dt, by, run(ty), Mode.EXACT);
        }
        Tensor tf = cpu.allocate(dt, Shape.of(n));
        cpu.fill(tf, 0.1);
        String bf = p.buf(dt, new double[n]);
        p.launch(1, "gated_fill_" + sfx(dt) + "(" + bf + ", " + lit(dt, 0.1) + ", " + n + ")");
        p.expect("fill " + dt, dt, bf, run(tf), Mode.EXACT);

        int rows = 9;
        int cols = 7;
        double[] x = random(r, rows * cols, -2, 2);
        double[] v = random(r, cols, -2, 2);
        Tensor tx = up(x, dt, rows, cols);
        cpu.addRowVector(tx, up(v, dt, cols));
        String bx = p.buf(dt, x);
        p.launch(1, "gated_add_row_vector_" + sfx(dt) + "(" + bx + ", " + p.buf(dt, v) + ", " + rows * cols + ", " + cols
                + ")");
        p.expect("addRowVector " + dt, dt, bx, run(tx), Mode.EXACT);
        for (boolean acc : new boolean[] {false, true}) {
            double[] init = acc ? random(r, cols, -1, 1) : new double[cols];
            if (!acc) {
                Arrays.fill(init, Double.NaN);
            }
            Tensor out = up(init, dt, cols);
            cpu.sumRows(up(x, dt, rows, cols), out, acc);
            String bo = p.buf(dt, init);
            p.launch(1, "gated_sum_rows_" + sfx(dt) + "(" + p.buf(dt, x) + ", " + bo + ", " + rows + ", " + cols + ", "
                    + (acc ? 1 : 0) + ")");
            p.expect("sumRows accumulate=" + acc + " " + dt, dt, bo, run(out), Mode.EXACT);
        }
    }

    private void indexingCases(Program p, DType dt, Random r) {
        int cols = 5;
        double[] src = random(r, 7 * cols, -1, 1);
        int[] rows = {3, 0, 6, 3, 1, 3};
        Tensor dst = cpu.allocate(dt, Shape.of(rows.length, cols));
        cpu.gatherRows(up(src, dt, 7, cols), rows, dst);
        String bidx = p.ints(rows);
        String bd = p.buf(dt, new double[rows.length * cols]);
        p.launch(1, "gated_gather_rows_" + sfx(dt) + "(" + p.buf(dt, src) + ", " + bidx + ", " + bd + ", " + rows.length
                + ", " + cols + ")");
        p.expect("gatherRows " + dt, dt, bd, run(dst), Mode.EXACT);

        double[] g = random(r, rows.length * cols, -1, 1);
        double[] base = random(r, 7 * cols, -1, 1);
        Tensor tb = up(base, dt, 7, cols);
        cpu.scatterAddRows(up(g, dt, rows.length, cols), rows, tb);
        String bb = p.buf(dt, base);
        p.launch(1, "gated_scatter_add_rows_" + sfx(dt) + "(" + p.buf(dt, g) + ", " + bidx + ", " + bb + ", "
                + rows.length + ", " + cols + ")");
        p.expect("scatterAddRows " + dt, dt, bb, run(tb), Mode.EXACT);
    }

    private void dropoutCases(Program p, DType dt, Random r) {
        int n = 300;
        for (double prob : new double[] {0, 0.3, 0.9}) {
            double[] x = random(r, n, -2, 2);
            long seed = r.nextLong();
            long offset = (1L << 62) + r.nextInt(1000);
            Tensor ty = cpu.allocate(dt, Shape.of(n));
            cpu.dropout(up(x, dt, n), ty, prob, seed, offset);
            String by = p.buf(dt, new double[n]);
            // Kernels.dropout passes p as a double and 1 / (1 - p) rounded to the dtype.
            p.launchThreads(3, 64, "gated_dropout_" + sfx(dt) + "(" + p.buf(dt, x) + ", " + by + ", " + n + ", " + dbl(prob) + ", "
                    + lit(dt, 1.0 / (1.0 - prob)) + ", " + u64(seed) + ", " + u64(offset) + ")");
            p.expect("dropout p=" + prob + " " + dt, dt, by, run(ty), Mode.EXACT);
            assertTrue(CounterRng.keep(seed, offset, 0), "sanity");
        }
    }

    private void optimizerCases(Program p, DType dt, Random r) {
        int n = 40;
        SgdConfig[] sgds = {SgdConfig.plain(0.1), new SgdConfig(0.05, 0.9, 0.1, 0.01, false),
                new SgdConfig(0.05, 0.9, 0, 0.001, true)};
        for (int c = 0; c < sgds.length; c++) {
            SgdConfig cfg = sgds[c];
            double[] w = random(r, n, -1, 1);
            Tensor tw = up(w, dt, n);
            Tensor tbuf = cfg.momentum() != 0 ? cpu.allocate(dt, Shape.of(n)) : null;
            String bw = p.buf(dt, w);
            String bbuf = cfg.momentum() != 0 ? p.buf(dt, new double[n]) : "nullptr";
            for (int step = 1; step <= 3; step++) {
                double[] g = random(r, n, -1, 1);
                cpu.sgdStep(tw, up(g, dt, n), tbuf, cfg, step);
                p.launch(1, "gated_sgd_" + sfx(dt) + "(" + bw + ", " + p.buf(dt, g) + ", " + bbuf + ", " + n + ", "
                        + dbl(cfg.lr()) + ", " + dbl(cfg.weightDecay()) + ", " + dbl(cfg.momentum()) + ", "
                        + dbl(1 - cfg.dampening()) + ", " + (cfg.nesterov() ? 1 : 0) + ", " + (step == 1 ? 1 : 0) + ")");
            }
            p.expect("sgd " + c + " param " + dt, dt, bw, run(tw), Mode.EXACT);
            if (tbuf != null) {
                p.expect("sgd " + c + " buffer " + dt, dt, bbuf, run(tbuf), Mode.EXACT);
            }
        }
        AdamConfig[] adams = {AdamConfig.defaults(0.01), new AdamConfig(0.02, 0.8, 0.99, 1e-6, 0.1, false),
                new AdamConfig(0.02, 0.9, 0.999, 1e-8, 0.05, true)};
        for (int c = 0; c < adams.length; c++) {
            AdamConfig cfg = adams[c];
            double[] w = random(r, n, -1, 1);
            Tensor tw = up(w, dt, n);
            Tensor tm = cpu.allocate(dt, Shape.of(n));
            Tensor tv = cpu.allocate(dt, Shape.of(n));
            String bw = p.buf(dt, w);
            String bm = p.buf(dt, new double[n]);
            String bv = p.buf(dt, new double[n]);
            for (int step = 1; step <= 3; step++) {
                double[] g = random(r, n, -1, 1);
                cpu.adamStep(tw, up(g, dt, n), tm, tv, cfg, step);
                // The scalars exactly as CudaBackend.adamStep computes them.
                double decay = 1 - cfg.lr() * cfg.weightDecay();
                double bc1 = 1 - Math.pow(cfg.beta1(), step);
                double bc2 = 1 - Math.pow(cfg.beta2(), step);
                p.launchThreads(3, 64, "gated_adam_" + sfx(dt) + "(" + bw + ", " + p.buf(dt, g) + ", " + bm + ", " + bv + ", " + n
                        + ", " + dbl(cfg.lr()) + ", " + dbl(cfg.beta1()) + ", " + dbl(cfg.beta2()) + ", "
                        + dbl(cfg.eps()) + ", " + dbl(cfg.weightDecay()) + ", " + (cfg.decoupled() ? 1 : 0) + ", "
                        + dbl(decay) + ", " + dbl(bc1) + ", " + dbl(bc2) + ")");
            }
            p.expect("adam " + c + " param " + dt, dt, bw, run(tw), Mode.EXACT);
            p.expect("adam " + c + " m " + dt, dt, bm, run(tm), Mode.EXACT);
            p.expect("adam " + c + " v " + dt, dt, bv, run(tv), Mode.EXACT);
        }
        RmspropConfig[] rmsprops = {RmspropConfig.defaults(0.01), new RmspropConfig(0.02, 0.9, 1e-6, 0.01, 0.9, false),
                new RmspropConfig(0.01, 0.8, 1e-8, 0.05, 0, true), new RmspropConfig(0.01, 0.9, 1e-7, 0, 0.5, true)};
        for (int c = 0; c < rmsprops.length; c++) {
            RmspropConfig cfg = rmsprops[c];
            double[] w = random(r, n, -1, 1);
            // Garbage in the state before step 1: both sides must ignore it.
            double[] junk = random(r, n, 0, 3);
            Tensor tw = up(w, dt, n);
            Tensor ts = up(junk, dt, n);
            Tensor tb = cfg.momentum() != 0 ? up(junk, dt, n) : null;
            Tensor ta = cfg.centered() ? up(junk, dt, n) : null;
            String bw = p.buf(dt, w);
            String bs = p.buf(dt, junk);
            String bb = tb != null ? p.buf(dt, junk) : "nullptr";
            String ba = ta != null ? p.buf(dt, junk) : "nullptr";
            for (int step = 1; step <= 3; step++) {
                double[] g = random(r, n, -1, 1);
                cpu.rmspropStep(tw, up(g, dt, n), ts, tb, ta, cfg, step);
                // The arguments exactly as CudaBackend.rmspropStep passes them.
                p.launchThreads(3, 64, "gated_rmsprop_" + sfx(dt) + "(" + bw + ", " + p.buf(dt, g) + ", " + bs + ", "
                        + bb + ", " + ba + ", " + n + ", " + dbl(cfg.lr()) + ", " + dbl(cfg.alpha()) + ", "
                        + dbl(cfg.eps()) + ", " + dbl(cfg.weightDecay()) + ", " + dbl(cfg.momentum()) + ", "
                        + (step == 1 ? 1 : 0) + ")");
            }
            p.expect("rmsprop " + c + " param " + dt, dt, bw, run(tw), Mode.EXACT);
            p.expect("rmsprop " + c + " square_avg " + dt, dt, bs, run(ts), Mode.EXACT);
            if (tb != null) {
                p.expect("rmsprop " + c + " momentum_buffer " + dt, dt, bb, run(tb), Mode.EXACT);
            }
            if (ta != null) {
                p.expect("rmsprop " + c + " grad_avg " + dt, dt, ba, run(ta), Mode.EXACT);
            }
        }
        AdagradConfig[] adagrads = {AdagradConfig.defaults(0.1), new AdagradConfig(0.1, 0.05, 0.02, 1e-10, 0.1),
                new AdagradConfig(0.05, 0.5, 0, 1e-8, 0)};
        for (int c = 0; c < adagrads.length; c++) {
            AdagradConfig cfg = adagrads[c];
            double[] w = random(r, n, -1, 1);
            double[] junk = random(r, n, 0, 3);
            Tensor tw = up(w, dt, n);
            Tensor ts = up(junk, dt, n);
            String bw = p.buf(dt, w);
            String bs = p.buf(dt, junk);
            for (int step = 1; step <= 3; step++) {
                double[] g = random(r, n, -1, 1);
                cpu.adagradStep(tw, up(g, dt, n), ts, cfg, step);
                p.launch(1, "gated_adagrad_" + sfx(dt) + "(" + bw + ", " + p.buf(dt, g) + ", " + bs + ", " + n + ", "
                        + dbl(cfg.stepLr(step)) + ", " + dbl(cfg.weightDecay()) + ", " + dbl(cfg.eps()) + ", "
                        + dbl(cfg.initialAccumulatorValue()) + ", " + (step == 1 ? 1 : 0) + ")");
            }
            p.expect("adagrad " + c + " param " + dt, dt, bw, run(tw), Mode.EXACT);
            p.expect("adagrad " + c + " sum " + dt, dt, bs, run(ts), Mode.EXACT);
        }
    }

    private void reductionCases(Program p, DType dt, Random r) {
        int n = 1000;
        double[] x = random(r, n, -1, 1);
        Tensor tx = up(x, dt, n);
        String bx = p.buf(dt, x);
        String partials = p.doubles(Kernels.REDUCE_BLOCKS + 1);
        String out = partials + " + " + Kernels.REDUCE_BLOCKS;
        double[][] want = {{cpu.sum(tx)}, {cpu.sumOfSquares(tx)}};
        KernelOps.Reduce[] codes = {KernelOps.Reduce.SUM, KernelOps.Reduce.SUM_OF_SQUARES};
        for (int c = 0; c < codes.length; c++) {
            p.launchThreads(EMU_BLOCKS, EMU_THREADS, "gated_reduce_partials_" + sfx(dt) + "(" + codes[c].code + ", "
                    + bx + ", nullptr, nullptr, " + n + ", 0.0, " + partials + ")");
            p.launchThreads(1, EMU_THREADS, "gated_reduce_final(" + partials + ", " + EMU_BLOCKS + ", " + out + ")");
            String res = p.doubles(1);
            p.body.append("  ").append(res).append("[0] = ").append(out.replace(" + ", "[")).append("];\n");
            p.expect(codes[c] + " " + dt, DType.FLOAT64, res, want[c], Mode.REL_1E12);
        }
        double[] bad = x.clone();
        bad[17] = Double.POSITIVE_INFINITY;
        bad[500] = Double.NaN;
        p.launch(Kernels.REDUCE_BLOCKS, "gated_reduce_partials_" + sfx(dt) + "(" + KernelOps.Reduce.NON_FINITE_COUNT.code
                + ", " + p.buf(dt, bad) + ", nullptr, nullptr, " + n + ", 0.0, " + partials + ")");
        p.launch(1, "gated_reduce_final(" + partials + ", " + Kernels.REDUCE_BLOCKS + ", " + out + ")");
        String cnt = p.doubles(1);
        p.body.append("  ").append(cnt).append("[0] = ").append(out.replace(" + ", "[")).append("];\n");
        p.expect("non-finite count " + dt, DType.FLOAT64, cnt, new double[] {2}, Mode.EXACT);
        assertTrue(!cpu.allFinite(up(bad, dt, n)));

        double[] target = random(r, n, -1, 1);
        Tensor dPred = cpu.allocate(dt, Shape.of(n));
        double loss = cpu.mseLoss(tx, up(target, dt, n), dPred);
        String bg = p.buf(dt, new double[n]);
        p.launchThreads(EMU_BLOCKS, EMU_THREADS, "gated_reduce_partials_" + sfx(dt) + "(" + KernelOps.Reduce.MSE.code
                + ", " + bx + ", " + p.buf(dt, target) + ", " + bg + ", " + n + ", " + dbl(2.0 / n) + ", " + partials
                + ")");
        p.launchThreads(1, EMU_THREADS, "gated_reduce_final(" + partials + ", " + EMU_BLOCKS + ", " + out + ")");
        String mse = p.doubles(1);
        p.body.append("  ").append(mse).append("[0] = ").append(out.replace(" + ", "[")).append("] / ").append(n)
                .append(";\n");
        p.expect("mse gradient " + dt, dt, bg, run(dPred), Mode.EXACT);
        p.expect("mse loss " + dt, DType.FLOAT64, mse, new double[] {loss}, Mode.REL_1E12);
    }

    private void softmaxCases(Program p, DType dt, Random r) {
        int rows = 6;
        int cols = 11;
        double[] logits = random(r, rows * cols, -5, 5);
        logits[3] = 100;
        logits[cols + 2] = -100;
        int[] labels = {0, 2, 10, 5, 5, 1};
        Tensor d = cpu.allocate(dt, Shape.of(rows, cols));
        double loss = cpu.softmaxCrossEntropy(up(logits, dt, rows, cols), labels, d);
        String bl = p.buf(dt, logits);
        String bd = p.buf(dt, new double[rows * cols]);
        String rowLoss = p.doubles(rows);
        p.launchThreads(rows, EMU_THREADS, "gated_softmax_xent_" + sfx(dt) + "(" + bl + ", " + p.ints(labels) + ", " + bd + ", " + rowLoss
                + ", " + cols + ", " + dbl(1.0 / rows) + ")");
        String total = p.doubles(1);
        p.body.append("  for (int r = 0; r < ").append(rows).append("; r++) ").append(total).append("[0] += ")
                .append(rowLoss).append("[r];\n  ").append(total).append("[0] /= ").append(rows).append(";\n");
        p.expect("softmax gradient " + dt, dt, bd, run(d), Mode.ULPS_2);
        p.expect("softmax loss " + dt, DType.FLOAT64, total, new double[] {loss}, Mode.REL_1E12);
        // In place: dLogits = logits.
        String inPlace = p.buf(dt, logits);
        p.launchThreads(rows, EMU_THREADS, "gated_softmax_xent_" + sfx(dt) + "(" + inPlace + ", " + p.ints(labels) + ", " + inPlace + ", "
                + p.doubles(rows) + ", " + cols + ", " + dbl(1.0 / rows) + ")");
        p.expect("softmax gradient in place " + dt, dt, inPlace, run(d), Mode.ULPS_2);
    }

    /**
     * softmaxRows and its backward on 7 rows of 11 (some entries -inf) with 3 blocks, so blocks take several rows in
     * grid-stride order; in place; and a row of -inf only, which must stay unwritten and raise the flag.
     */
    private void softmaxRowsCases(Program p, DType dt, Random r) {
        int rows = 7;
        int cols = 11;
        int blocks = 3;
        double[] x = random(r, rows * cols, -5, 5);
        for (int i = 1; i < x.length; i += 4) {
            x[i] = Double.NEGATIVE_INFINITY;
        }
        x[2 * cols + 5] = 80;
        Tensor y = cpu.allocate(dt, Shape.of(rows, cols));
        cpu.softmaxRows(up(x, dt, rows, cols), y);
        double[] yCpu = run(y);
        String bx = p.buf(dt, x);
        String by = p.buf(dt, new double[rows * cols]);
        String flag = p.doubles(1);
        p.launchThreads(blocks, EMU_THREADS, "gated_softmax_rows_" + sfx(dt) + "(" + bx + ", " + by + ", " + flag + ", "
                + rows + ", " + cols + ")");
        p.expect("softmaxRows " + dt, dt, by, yCpu, Mode.ULPS_2);
        p.expect("softmaxRows flag " + dt, DType.FLOAT64, flag, new double[] {0}, Mode.EXACT);
        String inPlace = p.buf(dt, x);
        p.launchThreads(blocks, EMU_THREADS, "gated_softmax_rows_" + sfx(dt) + "(" + inPlace + ", " + inPlace + ", "
                + p.doubles(1) + ", " + rows + ", " + cols + ")");
        p.expect("softmaxRows in place " + dt, dt, inPlace, yCpu, Mode.ULPS_2);

        double[] masked = x.clone();
        Arrays.fill(masked, 4 * cols, 5 * cols, Double.NEGATIVE_INFINITY);
        double[] unmasked = masked.clone();
        Arrays.fill(unmasked, 4 * cols, 5 * cols, 0);
        Tensor y2 = cpu.allocate(dt, Shape.of(rows, cols));
        cpu.softmaxRows(up(unmasked, dt, rows, cols), y2);
        double[] want = run(y2);
        Arrays.fill(want, 4 * cols, 5 * cols, -1); // the row of -inf only is left as it was
        double[] before = new double[rows * cols];
        Arrays.fill(before, -1);
        String bm = p.buf(dt, masked);
        String bym = p.buf(dt, before);
        String flag2 = p.doubles(1);
        p.launchThreads(blocks, EMU_THREADS, "gated_softmax_rows_" + sfx(dt) + "(" + bm + ", " + bym + ", " + flag2
                + ", " + rows + ", " + cols + ")");
        p.expect("softmaxRows with a row of -inf only " + dt, dt, bym, want, Mode.ULPS_2);
        p.expect("softmaxRows flag raised " + dt, DType.FLOAT64, flag2, new double[] {1}, Mode.EXACT);

        double[] dy = random(r, rows * cols, -1, 1);
        Tensor dx = cpu.allocate(dt, Shape.of(rows, cols));
        cpu.softmaxRowsBackward(y, up(dy, dt, rows, cols), dx);
        double[] dxCpu = run(dx);
        String yk = p.buf(dt, yCpu);
        String bdy = p.buf(dt, dy);
        String bdx = p.buf(dt, new double[rows * cols]);
        p.launchThreads(blocks, EMU_THREADS, "gated_softmax_rows_backward_" + sfx(dt) + "(" + yk + ", " + bdy + ", "
                + bdx + ", " + rows + ", " + cols + ")");
        p.expect("softmaxRowsBackward " + dt, dt, bdx, dxCpu, Mode.REL_1E12);
        String g = p.buf(dt, dy);
        p.launchThreads(blocks, EMU_THREADS, "gated_softmax_rows_backward_" + sfx(dt) + "(" + yk + ", " + g + ", " + g
                + ", " + rows + ", " + cols + ")");
        p.expect("softmaxRowsBackward in place " + dt, dt, g, dxCpu, Mode.REL_1E12);
    }

    @Test
    void kernelsMatchTheCpuBackend(@TempDir Path tmp) throws IOException {
        assumeTrue(NativeTools.hasCommand("g++"), "g++ is not installed here: cannot run the kernels on the host");
        Program p = new Program();
        p.decl.append("static inline float gated_f32_bits(unsigned int b) { float f; std::memcpy(&f, &b, 4); "
                + "return f; }\n");
        p.decl.append("static inline double gated_f64_bits(unsigned long long b) { double d; std::memcpy(&d, &b, 8); "
                + "return d; }\n");
        Random r = new Random(5);
        for (DType dt : DType.values()) {
            unaryCases(p, dt, r);
            binaryCases(p, dt, r);
            elementwiseCases(p, dt, r);
            indexingCases(p, dt, r);
            dropoutCases(p, dt, r);
            optimizerCases(p, dt, r);
            reductionCases(p, dt, r);
            softmaxCases(p, dt, r);
            softmaxRowsCases(p, dt, r);
        }
        Files.writeString(tmp.resolve("emulate.cpp"), p.source(), StandardCharsets.UTF_8);
        Path shim = Path.of("src", "test", "cuda-host").toAbsolutePath();
        // -ffp-contract=off: no FMA, like -fmad=false in build-ptx.sh.
        List<String> cmd = List.of("g++", "-O1", "-std=c++20", "-pthread", "-ffp-contract=off", "-I", shim.toString(),
                "-I",
                NativeTools.cudaSources().toString(), "-o", "emulate", "emulate.cpp");
        NativeTools.Result c = NativeTools.run(tmp, cmd).orElseThrow(() -> new AssertionError("g++ did not run"));
        assertEquals(0, c.status(), "g++ failed:\n" + c.output());
        NativeTools.Result out = NativeTools.run(tmp, List.of(tmp.resolve("emulate").toString()))
                .orElseThrow(() -> new AssertionError("the emulation did not run"));
        assertEquals(0, out.status(), out.output());
        List<String> failures = new ArrayList<>();
        int seen = 0;
        for (String line : out.output().split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String label = line.substring(0, colon);
            double[] want = p.expected.get(label);
            String[] hex = line.substring(colon + 1).split(",");
            seen++;
            for (int i = 0; i < want.length; i++) {
                double got = p.dtypes.get(label) == DType.FLOAT32
                        ? Float.intBitsToFloat(Integer.parseUnsignedInt(hex[i], 16))
                        : Double.longBitsToDouble(Long.parseUnsignedLong(hex[i], 16));
                if (!matches(p.modes.get(label), p.dtypes.get(label), want[i], got)) {
                    failures.add(label + "[" + i + "]: cpu " + want[i] + ", kernel " + got);
                }
            }
        }
        assertEquals(p.expected.size(), seen, "lines printed by the emulation");
        assertTrue(failures.isEmpty(), failures.size() + " mismatches:\n" + String.join("\n",
                failures.subList(0, Math.min(20, failures.size()))));
    }

    private static boolean matches(Mode mode, DType dt, double want, double got) {
        if (Double.isNaN(want) || Double.isNaN(got)) {
            return Double.isNaN(want) && Double.isNaN(got);
        }
        switch (mode) {
            case EXACT:
                return Double.doubleToRawLongBits(want) == Double.doubleToRawLongBits(got);
            case ULPS_2:
                double ulp = dt == DType.FLOAT32 ? Math.ulp((float) want) : Math.ulp(want);
                return want == got || Math.abs(want - got) <= 2 * ulp;
            default:
                return Math.abs(want - got) <= 1e-12 * Math.max(1, Math.abs(want));
        }
    }
}
