package dev.gated.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.backend.AdamConfig;
import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.CounterRng;
import dev.gated.engine.backend.DType;
import dev.gated.engine.backend.SgdConfig;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.backend.UnaryOp;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;

/** Focused checks of the CPU backend's non-RNN ops, their argument checks, and of {@link CpuThreads}. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CpuOpsTest {
    private CpuBackend one;
    private CpuBackend three;

    @BeforeAll
    void start() {
        one = new CpuBackend(1);
        three = new CpuBackend(3);
    }

    @AfterAll
    void stop() {
        one.close();
        three.close();
    }

    private static double[] rand(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    // ---- reductions do not depend on the thread count ----

    @Test
    void reductionsAreIdenticalForAnyThreadCount() {
        int n = 300_001;
        double[] v = rand(3, n);
        for (DType dt : DType.values()) {
            Tensor a = one.upload(v, Shape.of(n), dt);
            Tensor b = three.upload(v, Shape.of(n), dt);
            assertEquals(one.sum(a), three.sum(b), 0.0, dt + " sum");
            assertEquals(one.sumOfSquares(a), three.sumOfSquares(b), 0.0, dt + " sumOfSquares");
            Tensor pa = one.upload(rand(4, n), Shape.of(n), dt);
            Tensor pb = three.upload(rand(4, n), Shape.of(n), dt);
            Tensor ga = one.allocate(dt, Shape.of(n));
            Tensor gb = three.allocate(dt, Shape.of(n));
            assertEquals(one.mseLoss(pa, a, ga), three.mseLoss(pb, b, gb), 0.0, dt + " mseLoss");
            assertArrayEquals(one.download(ga), three.download(gb), dt + " mse gradient");
            double exact = 0;
            for (double x : v) {
                exact += x;
            }
            assertEquals(exact, one.sum(a), 1e-9, dt + " sum vs a plain loop");
        }
    }

    @Test
    void sumRowsAccumulatesInDoubleAndIgnoresOldOutput() {
        int rows = 5000;
        int cols = 300;
        double[] v = rand(8, rows * cols);
        Tensor x = three.upload(v, Shape.of(rows, cols), DType.FLOAT32);
        Tensor out = three.upload(new float[cols], Shape.of(cols), DType.FLOAT32);
        three.fill(out, Double.NaN);
        three.sumRows(x, out, false);
        double[] got = three.download(out);
        for (int j = 0; j < cols; j++) {
            double s = 0;
            for (int r = 0; r < rows; r++) {
                s += (float) v[r * cols + j];
            }
            assertEquals((float) s, got[j], 0.0, "column " + j);
        }
        three.sumRows(x, out, true);
        assertEquals((float) (got[7] + got[7]), three.download(out)[7], 1e-6, "accumulate");
    }

    @Test
    void allFiniteFindsEveryNonFiniteValue() {
        for (DType dt : DType.values()) {
            double[] v = rand(1, 100_000);
            assertTrue(three.allFinite(three.upload(v, Shape.of(v.length), dt)), dt + " finite");
            for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
                double[] w = v.clone();
                w[77_777] = bad;
                assertFalse(three.allFinite(three.upload(w, Shape.of(w.length), dt)), dt + " " + bad);
            }
            // A float64 value that overflows float32 becomes infinite in a float32 tensor.
            double[] big = {1, 1e300};
            assertEquals(dt == DType.FLOAT64, three.allFinite(three.upload(big, Shape.of(2), dt)), dt + " 1e300");
        }
    }

    // ---- element-wise, losses, dropout, optimizers ----

    @Test
    void unaryBackwardUsesTheGivenOutput() {
        double[] x = {-1.5, -0.2, 0.3, 2};
        Tensor tx = one.upload(x, Shape.of(4), DType.FLOAT64);
        Tensor ty = one.allocate(DType.FLOAT64, Shape.of(4));
        Tensor dy = one.upload(new double[] {1, 2, 3, 4}, Shape.of(4), DType.FLOAT64);
        Tensor dx = one.allocate(DType.FLOAT64, Shape.of(4));
        one.unary(UnaryOp.SIGMOID, tx, ty);
        one.unaryBackward(UnaryOp.SIGMOID, tx, ty, dy, dx);
        double[] y = one.download(ty);
        double[] g = one.download(dx);
        for (int i = 0; i < 4; i++) {
            assertEquals(1 / (1 + Math.exp(-x[i])), y[i], 1e-15, "sigmoid");
            assertEquals((i + 1) * y[i] * (1 - y[i]), g[i], 1e-15, "sigmoid'");
        }
    }

    @Test
    void softmaxCrossEntropyIsStableAndInPlaceSafe() {
        double[] logits = {1000, 1001, 1002, -1000, -1001, -999};
        int[] labels = {2, 0};
        Tensor t = one.upload(logits, Shape.of(2, 3), DType.FLOAT32);
        double loss = one.softmaxCrossEntropy(t, labels, t);
        double lse0 = 1002 + Math.log(Math.exp(-2) + Math.exp(-1) + 1);
        double lse1 = -999 + Math.log(Math.exp(-1) + Math.exp(-2) + 1);
        double expect = ((lse0 - 1002) + (lse1 + 1000)) / 2;
        assertEquals(expect, loss, 1e-6, "loss");
        double[] g = one.download(t);
        assertEquals((Math.exp(1002 - lse0) - 1) / 2, g[2], 1e-7, "dLogits[0][2], written over the logits");
        assertEquals((Math.exp(-1000 - lse1) - 1) / 2, g[3], 1e-7, "dLogits[1][0]");
    }

    @Test
    void dropoutMaskScaleAndInPlace() {
        int n = 1000;
        double p = 0.25;
        double[] v = rand(6, n);
        Tensor x = three.upload(v, Shape.of(10, 100), DType.FLOAT32);
        three.dropout(x, x, p, 17, 1L << 40);
        double[] y = three.download(x);
        for (int i = 0; i < n; i++) {
            boolean keep = CounterRng.keep(17, (1L << 40) + i, p);
            assertEquals(keep ? (float) v[i] * (float) (1 / (1 - p)) : 0, y[i], 0.0, "element " + i);
        }
    }

    @Test
    void sgdNesterovAndAdamWFollowTorch() {
        double[] p = {0.5, -1};
        double[] g1 = {0.1, 0.2};
        double[] g2 = {-0.3, 0.4};
        SgdConfig sgd = new SgdConfig(0.1, 0.9, 0, 0.01, true);
        Tensor tp = one.upload(p, Shape.of(2), DType.FLOAT64);
        Tensor buf = one.upload(new double[] {9, 9}, Shape.of(2), DType.FLOAT64);
        one.sgdStep(tp, one.upload(g1, Shape.of(2), DType.FLOAT64), buf, sgd, 1);
        one.sgdStep(tp, one.upload(g2, Shape.of(2), DType.FLOAT64), buf, sgd, 2);
        double[] q = p.clone();
        double[] b = new double[2];
        for (int step = 1; step <= 2; step++) {
            double[] g = step == 1 ? g1 : g2;
            for (int i = 0; i < 2; i++) {
                double gi = g[i] + 0.01 * q[i];
                b[i] = step == 1 ? gi : 0.9 * b[i] + gi;
                q[i] -= 0.1 * (gi + 0.9 * b[i]);
            }
        }
        assertArrayEquals(q, one.download(tp), 1e-15, "nesterov sgd param");
        assertArrayEquals(b, one.download(buf), 1e-15, "nesterov sgd buffer");

        AdamConfig adamW = new AdamConfig(0.01, 0.9, 0.999, 1e-8, 0.1, true);
        Tensor ap = one.upload(p, Shape.of(2), DType.FLOAT32);
        Tensor m = one.allocate(DType.FLOAT32, Shape.of(2));
        Tensor v = one.allocate(DType.FLOAT32, Shape.of(2));
        one.adamStep(ap, one.upload(g1, Shape.of(2), DType.FLOAT32), m, v, adamW, 1);
        for (int i = 0; i < 2; i++) {
            double pi = p[i] * (1 - 0.01 * 0.1);
            double mi = 0.1 * (float) g1[i];
            double vi = 0.001 * (float) g1[i] * (float) g1[i];
            double expect = pi - 0.01 * (mi / 0.1) / (Math.sqrt(vi / 0.001) + 1e-8);
            assertEquals((float) expect, one.download(ap)[i], 1e-7, "adamW param " + i);
        }
    }

    // ---- argument checks ----

    private static String message(Executable call) {
        return assertThrows(IllegalArgumentException.class, call).getMessage();
    }

    private static void assertMentions(String msg, String... parts) {
        for (String p : parts) {
            assertTrue(msg.contains(p), "message should mention '" + p + "': " + msg);
        }
    }

    @Test
    void errorMessagesNameTheArgumentAndBothValues() {
        Backend be = one;
        Tensor a37 = be.allocate(DType.FLOAT32, Shape.of(3, 7));
        assertMentions(message(() -> be.gemm(false, false, 1, a37, be.allocate(DType.FLOAT32, Shape.of(9, 5)), 0,
                be.allocate(DType.FLOAT32, Shape.of(3, 5)))), "b:", "7", "9", "[3, 7]", "[9, 5]");
        assertMentions(message(() -> be.gemm(false, true, 1, a37, be.allocate(DType.FLOAT32, Shape.of(5, 7)), 0,
                be.allocate(DType.FLOAT32, Shape.of(5, 3)))), "c:", "[3, 5]", "[5, 3]");
        assertMentions(message(() -> be.gemm(false, false, 1, a37, be.allocate(DType.FLOAT64, Shape.of(7, 5)), 0,
                be.allocate(DType.FLOAT32, Shape.of(3, 5)))), "b:", "float32", "float64");
        assertMentions(message(() -> be.gemm(false, false, 1, a37, be.allocate(DType.FLOAT32, Shape.of(7, 7)), 0,
                a37.reshape(3, 7))), "c:", "share");
        try (CpuBackend other = new CpuBackend(1)) {
            assertMentions(message(() -> be.axpby(1, a37, 1, other.allocate(DType.FLOAT32, Shape.of(3, 7)))), "y:",
                    "backend");
        }
        Tensor src = be.allocate(DType.FLOAT64, Shape.of(5, 3));
        assertMentions(message(() -> be.gatherRows(src, new int[] {0, 5}, be.allocate(DType.FLOAT64,
                Shape.of(2, 3)))), "rows[1]", "[0, 5)", "got 5");
        assertMentions(message(() -> be.scatterAddRows(be.allocate(DType.FLOAT64, Shape.of(2, 4)), new int[] {0, 1},
                src)), "src:", "3", "4");
        assertMentions(message(() -> be.softmaxCrossEntropy(src, new int[] {0, 1, 2, 0, -2}, null)), "labels[4]",
                "got -2");
        assertMentions(message(() -> be.softmaxCrossEntropy(src, null, null)), "labels:", "null");
        assertMentions(message(() -> be.dropout(src, src, Double.NaN, 1, 0)), "p:", "NaN");
        assertMentions(message(() -> be.sgdStep(src, src.reshape(15), null, SgdConfig.plain(0.1), 1)), "grad:",
                "[5, 3]", "[15]");
        assertMentions(message(() -> be.adamStep(src, src, src, be.allocate(DType.FLOAT64, Shape.of(5, 3)),
                AdamConfig.defaults(0.1), -3)), "step:", "-3");
        assertMentions(message(() -> be.upload(new float[4], Shape.of(5), DType.FLOAT32)), "data:", "5", "4");
        assertMentions(message(() -> be.addRowVector(src, be.allocate(DType.FLOAT64, Shape.of(5)))), "v:", "3", "5");
    }

    // ---- CpuThreads ----

    @Test
    void parallelForRunsEveryTaskOnceAndNestsWithoutDeadlock() throws Exception {
        try (CpuThreads th = new CpuThreads(3)) {
            for (int rep = 0; rep < 200; rep++) {
                AtomicInteger[] hits = new AtomicInteger[37];
                for (int i = 0; i < hits.length; i++) {
                    hits[i] = new AtomicInteger();
                }
                th.parallelFor(hits.length, i -> th.parallelFor(5, j -> hits[i].incrementAndGet()));
                for (AtomicInteger h : hits) {
                    assertEquals(5, h.get());
                }
            }
            // Concurrent callers share the pool.
            Thread[] callers = new Thread[4];
            AtomicInteger total = new AtomicInteger();
            for (int c = 0; c < callers.length; c++) {
                callers[c] = new Thread(() -> {
                    for (int rep = 0; rep < 100; rep++) {
                        th.parallelFor(9, i -> total.incrementAndGet());
                    }
                });
                callers[c].start();
            }
            for (Thread c : callers) {
                c.join(60_000);
                assertFalse(c.isAlive(), "a concurrent caller is stuck");
            }
            assertEquals(4 * 100 * 9, total.get());
        }
    }

    @Test
    void parallelForRethrowsTheTaskFailure() {
        try (CpuThreads th = new CpuThreads(2)) {
            IllegalStateException boom = new IllegalStateException("boom");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> th.parallelFor(50, i -> {
                if (i == 13) {
                    throw boom;
                }
            }));
            assertSame(boom, e);
            AtomicInteger after = new AtomicInteger();
            th.parallelFor(10, i -> after.incrementAndGet());
            assertEquals(10, after.get(), "the pool still works after a failure");
        }
    }
}
