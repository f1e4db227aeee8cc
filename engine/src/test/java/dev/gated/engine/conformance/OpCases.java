package dev.gated.engine.conformance;

import static dev.gated.engine.conformance.Ctx.assertClose;
import static dev.gated.engine.conformance.Ctx.assertExact;
import static dev.gated.engine.conformance.Ctx.assertGradient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.backend.BinaryOp;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.backend.UnaryOp;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.function.ThrowingConsumer;

/**
 * The table of non-RNN op cases: each row is a name and a check that runs the op on the backend and compares
 * it with {@link ReferenceOps} (and, for gradients, with finite differences). Sizes are deliberately not
 * multiples of 8 and include 1.
 */
public final class OpCases {
    private OpCases() {
    }

    /** One row of the table. */
    public record OpCase(String name, ThrowingConsumer<Ctx> check) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static OpCase c(String name, ThrowingConsumer<Ctx> check) {
        return new OpCase(name, check);
    }

    public static List<OpCase> all() {
        List<OpCase> t = new ArrayList<>();
        memory(t);
        gemm(t);
        AttentionOpCases.add(t);
        axpby(t);
        elementwise(t);
        reductions(t);
        indexing(t);
        losses(t);
        DropoutOpCases.add(t);
        BatchNormOpCases.add(t);
        OptimizerOpCases.add(t);
        return t;
    }

    // ---- memory ----

    private static void memory(List<OpCase> t) {
        t.add(c("allocate: zero-filled, with the requested shape and dtype", x -> {
            Tensor a = x.keep(x.be.allocate(x.dt, Shape.of(3, 1, 5)));
            assertEquals(Shape.of(3, 1, 5), a.shape(), "shape");
            assertEquals(x.dt, a.dtype(), "dtype");
            assertSame(x.be, a.backend(), "backend");
            assertEquals(15, a.numel(), "numel");
            assertExact("allocate", new double[15], x.down(a));
        }));
        t.add(c("upload double[] / download round trip (values rounded to the dtype)", x -> {
            double[] v = {0.1, -1.0 / 3, 1e-30, 123456.789, -0.0, 0, Math.PI, 1e10, -2.5};
            Tensor a = x.keep(x.be.upload(v, Shape.of(3, 3), x.dt));
            assertEquals(Shape.of(3, 3), a.shape(), "shape");
            assertEquals(x.dt, a.dtype(), "dtype");
            assertExact("download", x.inDType(v), x.down(a));
            float[] f = x.be.downloadFloat(a);
            double[] asF = new double[v.length];
            double[] expectF = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                asF[i] = f[i];
                expectF[i] = (float) v[i];
            }
            assertExact("downloadFloat", expectF, asF);
        }));
        t.add(c("upload float[] / download round trip (exact)", x -> {
            float[] f = {0.1f, -1f / 3, 1e-30f, 123456.79f, -0.0f, 7f, (float) Math.E};
            Tensor a = x.keep(x.be.upload(f, Shape.of(7), x.dt));
            assertEquals(x.dt, a.dtype(), "dtype");
            double[] expect = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                expect[i] = f[i];
            }
            assertExact("download", expect, x.down(a));
            float[] back = x.be.downloadFloat(a);
            double[] backD = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                backD[i] = back[i];
            }
            assertExact("downloadFloat", expect, backD);
        }));
        t.add(c("copy: same shape", x -> {
            double[] v = x.rand(35, -1, 1);
            Tensor dst = x.nans(5, 7);
            x.be.copy(x.up(v, 5, 7), dst);
            assertExact("dst", v, x.down(dst));
        }));
        t.add(c("copy: into another shape with the same element count", x -> {
            double[] v = x.rand(30, -1, 1);
            Tensor dst = x.nans(2, 15);
            x.be.copy(x.up(v, 5, 3, 2), dst);
            assertEquals(Shape.of(2, 15), dst.shape(), "dst shape");
            assertExact("dst", v, x.down(dst));
        }));
        t.add(c("fill", x -> {
            Tensor a = x.up(x.rand(13, -1, 1), 13);
            x.be.fill(a, 0.3);
            assertExact("filled", Ctx.fill(13, x.inDType(0.3)), x.down(a));
            x.be.fill(a, -7);
            assertExact("filled", Ctx.fill(13, -7), x.down(a));
        }));
        t.add(c("reshape: a view that shares storage", x -> {
            double[] v = x.rand(24, -1, 1);
            Tensor a = x.up(v, 2, 3, 4);
            Tensor view = a.reshape(6, 4);
            assertEquals(Shape.of(6, 4), view.shape(), "view shape");
            assertEquals(Shape.of(2, 3, 4), a.shape(), "original shape unchanged");
            assertEquals(x.dt, view.dtype(), "view dtype");
            assertExact("view contents", v, x.down(view));
            x.be.fill(view, 2.5);
            assertExact("original after fill through the view", Ctx.fill(24, 2.5), x.down(a));
            double[] w = x.rand(24, -1, 1);
            x.be.copy(x.up(w, 24), view.reshape(24));
            assertExact("original after copy into a view of the view", w, x.down(a));
        }));
    }

    // ---- gemm ----

    private static void gemm(List<OpCase> t) {
        int[][] sizes = {{3, 5, 7}, {1, 9, 4}, {17, 13, 33}};
        double[][] ab = {{1, 0}, {1.5, 0}, {-0.75, 0.5}, {1, 1}};
        for (int[] s : sizes) {
            for (int tr = 0; tr < 4; tr++) {
                for (double[] alphaBeta : ab) {
                    boolean ta = (tr & 1) != 0;
                    boolean tb = (tr & 2) != 0;
                    int m = s[0];
                    int n = s[1];
                    int k = s[2];
                    double alpha = alphaBeta[0];
                    double beta = alphaBeta[1];
                    String name = "gemm " + (ta ? "T" : "N") + (tb ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k
                            + " alpha=" + alpha + " beta=" + beta + (beta == 0 ? " (C holds NaN)" : "");
                    t.add(c(name, x -> {
                        double[] a = x.rand(m * k, -1, 1);
                        double[] b = x.rand(k * n, -1, 1);
                        double[] c0 = beta == 0 ? Ctx.fill(m * n, Double.NaN) : x.rand(m * n, -1, 1);
                        Tensor ta2 = ta ? x.up(a, k, m) : x.up(a, m, k);
                        Tensor tb2 = tb ? x.up(b, n, k) : x.up(b, k, n);
                        Tensor tc = x.up(c0, m, n);
                        x.be.gemm(ta, tb, alpha, ta2, tb2, beta, tc);
                        int aCols = ta ? m : k;
                        int bCols = tb ? k : n;
                        double[] expect = ReferenceOps.gemm(ta, tb, m, n, k, alpha, a, aCols, b, bCols, beta, c0);
                        double[] scale = ReferenceOps.gemmScale(ta, tb, m, n, k, alpha, a, aCols, b, bCols, beta, c0);
                        assertClose("c", expect, x.down(tc), scale, x.tol.gemm());
                    }));
                }
            }
        }
        t.add(c("gemm on 2-D views of 3-D tensors (the RNN's input projection)", x -> {
            double[] a = x.rand(4 * 3 * 7, -1, 1);
            double[] w = x.rand(11 * 7, -1, 1);
            Tensor ta = x.up(a, 4, 3, 7).reshape(12, 7);
            Tensor tw = x.up(w, 11, 7);
            Tensor out = x.nans(4, 3, 11);
            x.be.gemm(false, true, 1, ta, tw, 0, out.reshape(12, 11));
            double[] expect = ReferenceOps.gemm(false, true, 12, 11, 7, 1, a, 7, w, 7, 0, null);
            double[] scale = ReferenceOps.gemmScale(false, true, 12, 11, 7, 1, a, 7, w, 7, 0, null);
            assertClose("out", expect, x.down(out), scale, x.tol.gemm());
        }));
    }

    // ---- axpby ----

    private static void axpby(List<OpCase> t) {
        double[][] ab = {{2, -0.5}, {1, 1}, {0.3, 0}, {0, 1.25}};
        for (double[] p : ab) {
            t.add(c("axpby alpha=" + p[0] + " beta=" + p[1], x -> {
                double[] xv = x.rand(37, -1, 1);
                double[] yv = x.rand(37, -1, 1);
                Tensor ty = x.up(yv, 37);
                x.be.axpby(p[0], x.up(xv, 37), p[1], ty);
                double[] expect = new double[37];
                double[] scale = new double[37];
                for (int i = 0; i < 37; i++) {
                    expect[i] = p[0] * xv[i] + p[1] * yv[i];
                    scale[i] = Math.abs(p[0] * xv[i]) + Math.abs(p[1] * yv[i]);
                }
                assertClose("y", expect, x.down(ty), scale, x.tol.reduction());
            }));
        }
    }

    // ---- element-wise ----

    /** Inputs inside each op's domain and away from its kinks (0 for ABS, RELU and SIGN). */
    private static double[] unaryInputs(Ctx x, UnaryOp op, int n) {
        return switch (op) {
            case SQRT, LOG -> x.rand(n, 0.1, 3);
            case ABS, RELU, SIGN -> x.randSigned(n, 0.05, 2);
            default -> x.rand(n, -2, 2);
        };
    }

    private static void elementwise(List<OpCase> t) {
        for (UnaryOp op : UnaryOp.values()) {
            t.add(c("unary " + op, x -> {
                double[] v = unaryInputs(x, op, 43);
                Tensor y = x.nans(43);
                x.be.unary(op, x.up(v, 43), y);
                double[] expect = new double[43];
                for (int i = 0; i < 43; i++) {
                    expect[i] = ReferenceOps.unary(op, v[i]);
                }
                assertClose("y", expect, x.down(y), x.tol.elementwise());
            }));
            t.add(c("unaryBackward " + op + " (vs finite differences)", x -> {
                double[] v = unaryInputs(x, op, 43);
                double[] dy = x.rand(43, -1, 1);
                Tensor tx = x.up(v, 43);
                Tensor ty = x.zeros(43);
                x.be.unary(op, tx, ty);
                Tensor dx = x.nans(43);
                x.be.unaryBackward(op, tx, ty, x.up(dy, 43), dx);
                double[] fd = new double[43];
                double[] formula = new double[43];
                for (int i = 0; i < 43; i++) {
                    fd[i] = dy[i] * FiniteDifferences.derivative(u -> ReferenceOps.unary(op, u), v[i]);
                    formula[i] = dy[i] * ReferenceOps.unaryDerivative(op, v[i]);
                }
                double[] got = x.down(dx);
                assertGradient("dx vs finite differences", fd, got, x.tol.opGradient());
                assertClose("dx vs dy * f'(x)", formula, got, scaled(x.tol.elementwise(), 4));
            }));
        }
        t.add(c("unary SIGN at and around 0 (torch.sign: sign(0) = 0)", x -> {
            double[] v = {-3, -1e-6, 0, 1e-6, 2.5};
            Tensor y = x.nans(5);
            x.be.unary(UnaryOp.SIGN, x.up(v, 5), y);
            assertClose("y", new double[] {-1, -1, 0, 1, 1}, x.down(y), x.tol.elementwise());
        }));
        t.add(c("unary in place (y = x)", x -> {
            double[] v = x.rand(9, -2, 2);
            Tensor a = x.up(v, 9);
            x.be.unary(UnaryOp.TANH, a, a);
            double[] expect = new double[9];
            for (int i = 0; i < 9; i++) {
                expect[i] = Math.tanh(v[i]);
            }
            assertClose("x", expect, x.down(a), x.tol.elementwise());
        }));
        for (BinaryOp op : BinaryOp.values()) {
            t.add(c("binary " + op, x -> {
                double[] a = x.rand(29, -2, 2);
                double[] b = op == BinaryOp.DIV ? x.randSigned(29, 0.2, 2) : x.rand(29, -2, 2);
                Tensor out = x.nans(29);
                x.be.binary(op, x.up(a, 29), x.up(b, 29), out);
                double[] expect = new double[29];
                for (int i = 0; i < 29; i++) {
                    expect[i] = ReferenceOps.binary(op, a[i], b[i]);
                }
                assertClose("out", expect, x.down(out), x.tol.elementwise());
            }));
        }
        t.add(c("binary on 3-D tensors", x -> {
            double[] a = x.rand(30, -2, 2);
            double[] b = x.rand(30, -2, 2);
            Tensor out = x.nans(2, 3, 5);
            x.be.binary(BinaryOp.MUL, x.up(a, 2, 3, 5), x.up(b, 2, 3, 5), out);
            double[] expect = new double[30];
            for (int i = 0; i < 30; i++) {
                expect[i] = a[i] * b[i];
            }
            assertClose("out", expect, x.down(out), x.tol.elementwise());
        }));
        t.add(c("addRowVector on a 3-D tensor", x -> {
            double[] a = x.rand(4 * 3 * 5, -1, 1);
            double[] v = x.rand(5, -1, 1);
            Tensor ta = x.up(a, 4, 3, 5);
            x.be.addRowVector(ta, x.up(v, 5));
            assertClose("x", ReferenceOps.addRowVector(a, v), x.down(ta), x.tol.elementwise());
        }));
        t.add(c("addRowVector with a length-1 vector", x -> {
            double[] a = x.rand(7, -1, 1);
            double[] v = x.rand(1, -1, 1);
            Tensor ta = x.up(a, 7, 1);
            x.be.addRowVector(ta, x.up(v, 1));
            assertClose("x", ReferenceOps.addRowVector(a, v), x.down(ta), x.tol.elementwise());
        }));
    }

    private static Tolerances.Tol scaled(Tolerances.Tol t, double factor) {
        return new Tolerances.Tol(t.rtol() * factor, t.atol() * factor);
    }

    // ---- reductions ----

    private static void reductions(List<OpCase> t) {
        int[][] shapes = {{6, 7}, {4, 3, 9}, {1, 5}, {129, 3}};
        for (int[] s : shapes) {
            int cols = s[s.length - 1];
            int n = Shape.of(s).numel();
            t.add(c("sumRows " + Shape.of(s) + " accumulate=false (out holds NaN)", x -> {
                double[] a = x.rand(n, -1, 1);
                Tensor out = x.nans(cols);
                x.be.sumRows(x.up(a, s), out, false);
                assertClose("out", ReferenceOps.sumRows(a, cols, null), x.down(out),
                        ReferenceOps.sumRows(Ctx.abs(a), cols, null), x.tol.reduction());
            }));
            t.add(c("sumRows " + Shape.of(s) + " accumulate=true", x -> {
                double[] a = x.rand(n, -1, 1);
                double[] init = x.rand(cols, -1, 1);
                Tensor out = x.up(init, cols);
                x.be.sumRows(x.up(a, s), out, true);
                assertClose("out", ReferenceOps.sumRows(a, cols, init), x.down(out),
                        ReferenceOps.sumRows(Ctx.abs(a), cols, Ctx.abs(init)), x.tol.reduction());
            }));
        }
        for (int n : new int[] {1, 7, 1000, 4099}) {
            t.add(c("sum and sumOfSquares n=" + n, x -> {
                double[] a = x.rand(n, -1, 1);
                Tensor ta = x.up(a, n);
                assertClose("sum", ReferenceOps.sum(a), x.be.sum(ta), ReferenceOps.sumAbs(a), x.tol.reduction());
                assertClose("sumOfSquares", ReferenceOps.sumOfSquares(a), x.be.sumOfSquares(ta),
                        ReferenceOps.sumOfSquares(a), x.tol.reduction());
            }));
        }
        t.add(c("sum of a 3-D tensor", x -> {
            double[] a = x.rand(60, -1, 1);
            Tensor ta = x.up(a, 3, 4, 5);
            assertClose("sum", ReferenceOps.sum(a), x.be.sum(ta), ReferenceOps.sumAbs(a), x.tol.reduction());
        }));
        for (int n : new int[] {1, 17, 1001}) {
            t.add(c("allFinite n=" + n + " (finite, then NaN / +Inf / -Inf at first, middle, last)", x -> {
                double[] a = x.rand(n, -1e3, 1e3);
                assertTrue(x.be.allFinite(x.up(a, n)), "all finite: expected true");
                double[] bad = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
                int[] where = {0, n / 2, n - 1};
                for (double b : bad) {
                    for (int i : where) {
                        double[] v = a.clone();
                        v[i] = b;
                        assertFalse(x.be.allFinite(x.up(v, n)), b + " at " + i + ": expected false");
                    }
                }
            }));
        }
    }

    // ---- indexing ----

    private static void indexing(List<OpCase> t) {
        t.add(c("gatherRows (repeated and unsorted rows)", x -> {
            double[] src = x.rand(7 * 5, -1, 1);
            int[] rows = {3, 0, 6, 3, 1};
            Tensor dst = x.nans(5, 5);
            x.be.gatherRows(x.up(src, 7, 5), rows, dst);
            assertExact("dst", ReferenceOps.gatherRows(src, 5, rows), x.down(dst));
        }));
        t.add(c("gatherRows into a 3-D tensor (embedding lookup [T, B, E])", x -> {
            double[] src = x.rand(11 * 3, -1, 1);
            int[] rows = {10, 2, 2, 0, 5, 7};
            Tensor dst = x.nans(2, 3, 3);
            x.be.gatherRows(x.up(src, 11, 3), rows, dst);
            assertExact("dst", ReferenceOps.gatherRows(src, 3, rows), x.down(dst));
        }));
        t.add(c("scatterAddRows (repeated rows accumulate)", x -> {
            double[] src = x.rand(6 * 4, -1, 1);
            int[] rows = {2, 0, 2, 4, 2, 5};
            double[] init = x.rand(6 * 4, -1, 1);
            Tensor dst = x.up(init, 6, 4);
            x.be.scatterAddRows(x.up(src, 6, 4), rows, dst);
            double[] expect = ReferenceOps.scatterAddRows(src, 4, rows, init);
            double[] scale = ReferenceOps.scatterAddRows(Ctx.abs(src), 4, rows, Ctx.abs(init));
            assertClose("dst", expect, x.down(dst), scale, x.tol.reduction());
        }));
        t.add(c("scatterAddRows from a 3-D tensor", x -> {
            double[] src = x.rand(2 * 3 * 3, -1, 1);
            int[] rows = {1, 1, 0, 4, 1, 3};
            double[] init = new double[5 * 3];
            Tensor dst = x.up(init, 5, 3);
            x.be.scatterAddRows(x.up(src, 2, 3, 3), rows, dst);
            double[] expect = ReferenceOps.scatterAddRows(src, 3, rows, init);
            double[] scale = ReferenceOps.scatterAddRows(Ctx.abs(src), 3, rows, init);
            assertClose("dst", expect, x.down(dst), scale, x.tol.reduction());
        }));
    }

    // ---- losses ----

    private static void losses(List<OpCase> t) {
        t.add(c("mseLoss value and gradient (vs finite differences)", x -> {
            double[] p = x.rand(15, -2, 2);
            double[] target = x.rand(15, -2, 2);
            Tensor dp = x.nans(5, 3);
            double loss = x.be.mseLoss(x.up(p, 5, 3), x.up(target, 5, 3), dp);
            double expect = ReferenceOps.mse(p, target);
            assertClose("loss", expect, loss, expect, x.tol.reduction());
            double[] fd = FiniteDifferences.gradient(p, () -> ReferenceOps.mse(p, target));
            double[] got = x.down(dp);
            assertGradient("dPred vs finite differences", fd, got, x.tol.opGradient());
            assertClose("dPred vs 2 (pred - target) / n", ReferenceOps.mseGradient(p, target), got,
                    scaled(x.tol.elementwise(), 4));
        }));
        t.add(c("mseLoss without a gradient tensor", x -> {
            double[] p = x.rand(7, -2, 2);
            double[] target = x.rand(7, -2, 2);
            double loss = x.be.mseLoss(x.up(p, 7), x.up(target, 7), null);
            double expect = ReferenceOps.mse(p, target);
            assertClose("loss", expect, loss, expect, x.tol.reduction());
        }));
        int[][] ce = {{4, 7}, {1, 3}, {9, 2}};
        for (int[] s : ce) {
            int rows = s[0];
            int classes = s[1];
            t.add(c("softmaxCrossEntropy value and gradient N=" + rows + " C=" + classes + " (vs finite differences)", x -> {
                double[] logits = x.rand(rows * classes, -3, 3);
                int[] labels = new int[rows];
                for (int i = 0; i < rows; i++) {
                    labels[i] = x.nextInt(classes);
                }
                Tensor dl = x.nans(rows, classes);
                double loss = x.be.softmaxCrossEntropy(x.up(logits, rows, classes), labels, dl);
                double expect = ReferenceOps.softmaxCrossEntropy(logits, classes, labels);
                assertClose("loss", expect, loss, expect, x.tol.reduction());
                double[] fd = FiniteDifferences.gradient(logits,
                        () -> ReferenceOps.softmaxCrossEntropy(logits, classes, labels));
                double[] got = x.down(dl);
                assertGradient("dLogits vs finite differences", fd, got, x.tol.opGradient());
                assertClose("dLogits vs (softmax - onehot) / N",
                        ReferenceOps.softmaxCrossEntropyGradient(logits, classes, labels), got,
                        new Tolerances.Tol(x.tol.elementwise().rtol() * 8, x.tol.elementwise().rtol()));
            }));
        }
        t.add(c("softmaxCrossEntropy is stable for large logits (|z| ~ 100)", x -> {
            double[] logits = x.rand(3 * 5, -3, 3);
            for (int i = 0; i < 5; i++) {
                logits[i] += 100;
                logits[5 + i] -= 100;
            }
            logits[10] = 120;
            int[] labels = {2, 4, 0};
            Tensor dl = x.nans(3, 5);
            double loss = x.be.softmaxCrossEntropy(x.up(logits, 3, 5), labels, dl);
            double expect = ReferenceOps.softmaxCrossEntropy(logits, 5, labels);
            assertTrue(Double.isFinite(loss), "loss is finite: " + loss);
            assertClose("loss", expect, loss, expect + 120, x.tol.reduction());
            assertClose("dLogits", ReferenceOps.softmaxCrossEntropyGradient(logits, 5, labels), x.down(dl),
                    new Tolerances.Tol(x.tol.elementwise().rtol() * 8, x.tol.elementwise().rtol()));
        }));
        t.add(c("softmaxCrossEntropy without a gradient tensor", x -> {
            double[] logits = x.rand(2 * 3, -3, 3);
            int[] labels = {1, 2};
            double loss = x.be.softmaxCrossEntropy(x.up(logits, 2, 3), labels, null);
            double expect = ReferenceOps.softmaxCrossEntropy(logits, 3, labels);
            assertClose("loss", expect, loss, expect, x.tol.reduction());
        }));
    }
}
