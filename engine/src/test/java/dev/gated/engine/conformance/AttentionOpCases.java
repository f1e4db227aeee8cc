package dev.gated.engine.conformance;

import static dev.gated.engine.conformance.Ctx.assertClose;
import static dev.gated.engine.conformance.Ctx.assertGradient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.function.ThrowingConsumer;

/**
 * The rows of {@link OpCases}' table for the attention ops: {@code batchedGemm}, {@code softmaxRows} and
 * {@code softmaxRowsBackward}, compared with {@link ReferenceOps} and, for the gradient, with finite differences.
 * Kept apart from OpCases only for its size; {@link OpCases#all()} is still the one table.
 *
 * <p>Tolerances: batchedGemm uses {@code gemm} (scale: |alpha| |op(a)| |op(b)| + |beta c| per element); the softmax
 * uses {@code reduction} with the probability itself as the scale (a masked entry must be exactly 0); its backward
 * {@code reduction} against the written-out formula (scale |y| (|dy| + sum |dy y|)) and {@code opGradient} against
 * finite differences.
 */
final class AttentionOpCases {
    private AttentionOpCases() {
    }

    private static OpCases.OpCase c(String name, ThrowingConsumer<Ctx> check) {
        return new OpCases.OpCase(name, check);
    }

    static void add(List<OpCases.OpCase> t) {
        batchedGemm(t);
        softmaxRows(t);
        softmaxRowsBackward(t);
        attention(t);
    }

    // ---- batchedGemm ----

    private static void batchedGemm(List<OpCases.OpCase> t) {
        int[][] sizes = {{1, 3, 5, 7}, {3, 4, 1, 6}, {5, 9, 2, 13}};
        double[][] ab = {{1, 0}, {1, 1}, {-0.75, 0.5}};
        for (int[] s : sizes) {
            for (int tr = 0; tr < 4; tr++) {
                for (double[] alphaBeta : ab) {
                    boolean ta = (tr & 1) != 0;
                    boolean tb = (tr & 2) != 0;
                    double alpha = alphaBeta[0];
                    double beta = alphaBeta[1];
                    t.add(c("batchedGemm " + (ta ? "T" : "N") + (tb ? "T" : "N") + " batch=" + s[0] + " m=" + s[1]
                            + " n=" + s[2] + " k=" + s[3] + " alpha=" + alpha + " beta=" + beta
                            + (beta == 0 ? " (C holds NaN)" : ""), x -> checkBatchedGemm(x, ta, tb, s, alpha, beta)));
                }
            }
        }
        t.add(c("batchedGemm k=0: c = beta c (no NaN from an empty product)", x -> {
            checkBatchedGemm(x, false, false, new int[] {2, 3, 4, 0}, 1, 0.5);
            checkBatchedGemm(x, true, true, new int[] {2, 3, 4, 0}, 1, 0);
        }));
        t.add(c("batchedGemm: every item equals gemm on that item", x -> {
            int batch = 4;
            int m = 3;
            int n = 6;
            int k = 5;
            double[] a = x.rand(batch * m * k, -1, 1);
            double[] b = x.rand(batch * n * k, -1, 1);
            Tensor c = x.nans(batch, m, n);
            x.be.batchedGemm(false, true, 1, x.up(a, batch, m, k), x.up(b, batch, n, k), 0, c);
            double[] got = x.down(c);
            for (int i = 0; i < batch; i++) {
                double[] ai = Arrays.copyOfRange(a, i * m * k, (i + 1) * m * k);
                double[] bi = Arrays.copyOfRange(b, i * n * k, (i + 1) * n * k);
                Tensor ci = x.nans(m, n);
                x.be.gemm(false, true, 1, x.up(ai, m, k), x.up(bi, n, k), 0, ci);
                double[] scale = ReferenceOps.gemmScale(false, true, m, n, k, 1, ai, k, bi, k, 0, null);
                assertClose("c[" + i + "] vs gemm", x.down(ci), Arrays.copyOfRange(got, i * m * n,
                        (i + 1) * m * n), scale, x.tol.gemm());
            }
        }));
    }

    /** s = {batch, m, n, k}; a is stored [batch, k, m] when transposed, b [batch, n, k]. */
    private static void checkBatchedGemm(Ctx x, boolean ta, boolean tb, int[] s, double alpha, double beta) {
        int batch = s[0];
        int m = s[1];
        int n = s[2];
        int k = s[3];
        double[] a = x.rand(batch * m * k, -1, 1);
        double[] b = x.rand(batch * k * n, -1, 1);
        double[] c0 = beta == 0 ? Ctx.fill(batch * m * n, Double.NaN) : x.rand(batch * m * n, -1, 1);
        Tensor tA = ta ? x.up(a, batch, k, m) : x.up(a, batch, m, k);
        Tensor tB = tb ? x.up(b, batch, n, k) : x.up(b, batch, k, n);
        Tensor tC = x.up(c0, batch, m, n);
        x.be.batchedGemm(ta, tb, alpha, tA, tB, beta, tC);
        int aCols = ta ? m : k;
        int bCols = tb ? k : n;
        double[] expect = ReferenceOps.batchedGemm(ta, tb, batch, m, n, k, alpha, a, aCols, b, bCols, beta, c0, false);
        double[] scale = ReferenceOps.batchedGemm(ta, tb, batch, m, n, k, alpha, a, aCols, b, bCols, beta, c0, true);
        assertClose("c", expect, x.down(tC), scale, x.tol.gemm());
    }

    // ---- softmaxRows ----

    /** Random rows in [-3, 3); with {@code masked}, about a third of the entries -inf but never a whole row. */
    static double[] scores(Ctx x, int rows, int cols, boolean masked) {
        double[] v = x.rand(rows * cols, -3, 3);
        if (masked) {
            for (int r = 0; r < rows; r++) {
                int keep = x.nextInt(cols);
                for (int j = 0; j < cols; j++) {
                    if (j != keep && x.nextInt(3) == 0) {
                        v[r * cols + j] = Double.NEGATIVE_INFINITY;
                    }
                }
            }
        }
        return v;
    }

    private static void checkSoftmax(Ctx x, double[] v, int[] dims) {
        int cols = dims[dims.length - 1];
        Tensor y = x.nans(dims);
        x.be.softmaxRows(x.up(v, dims), y);
        double[] expect = ReferenceOps.softmaxRows(v, cols);
        double[] got = x.down(y);
        assertClose("y", expect, got, expect, x.tol.reduction());
        for (int i = 0; i < v.length; i++) {
            if (v[i] == Double.NEGATIVE_INFINITY) {
                assertEquals(0.0, got[i], "y at masked element " + i + " (x = -inf) must be exactly 0");
            }
        }
    }

    private static void softmaxRows(List<OpCases.OpCase> t) {
        int[][] shapes = {{4, 7}, {2, 3, 5}, {6, 1}, {1, 33}, {129, 3}};
        for (int[] s : shapes) {
            int cols = s[s.length - 1];
            int rows = Shape.of(s).rows();
            t.add(c("softmaxRows " + Shape.of(s), x -> checkSoftmax(x, scores(x, rows, cols, false), s)));
            if (cols > 1) {
                t.add(c("softmaxRows " + Shape.of(s) + " with -inf masked entries (probability exactly 0)",
                        x -> checkSoftmax(x, scores(x, rows, cols, true), s)));
            }
        }
        t.add(c("softmaxRows: rows of length 1 are 1, masked or not elsewhere", x -> {
            double[] v = {-50, 0, 3.5, 1e4, -1e4};
            Tensor y = x.nans(5, 1);
            x.be.softmaxRows(x.up(v, 5, 1), y);
            Ctx.assertExact("y", Ctx.fill(5, 1), x.down(y));
        }));
        t.add(c("softmaxRows: a row with one finite entry puts all of the probability there", x -> {
            double inf = Double.NEGATIVE_INFINITY;
            double[] v = {inf, inf, 2.5, inf, -7, inf, inf, inf};
            Tensor y = x.nans(2, 4);
            x.be.softmaxRows(x.up(v, 2, 4), y);
            Ctx.assertExact("y", new double[] {0, 0, 1, 0, 1, 0, 0, 0}, x.down(y));
        }));
        t.add(c("softmaxRows is stable for large values (|x| ~ 1000, exp would overflow)", x -> {
            double[] v = scores(x, 4, 6, false);
            for (int j = 0; j < 6; j++) {
                v[j] += 1000;
                v[6 + j] -= 1000;
                v[12 + j] = j % 2 == 0 ? 700 + j : -700 - j;
            }
            v[18] = Double.NEGATIVE_INFINITY;
            v[19] = 1e30;
            v = x.inDType(v); // the shifted values as the dtype under test holds them, so both sides see the same x
            checkSoftmax(x, v, new int[] {4, 6});
            double[] got = x.down(softmaxOf(x, v, 4, 6));
            for (double g : got) {
                assertTrue(Double.isFinite(g), "every probability finite: " + g);
            }
        }));
        t.add(c("softmaxRows in place (y = x), with masked entries", x -> {
            double[] v = scores(x, 5, 9, true);
            Tensor a = x.up(v, 5, 9);
            x.be.softmaxRows(a, a);
            double[] expect = ReferenceOps.softmaxRows(v, 9);
            assertClose("x", expect, x.down(a), expect, x.tol.reduction());
        }));
        t.add(c("softmaxRows: each row sums to 1", x -> {
            double[] v = scores(x, 7, 11, true);
            double[] got = x.down(softmaxOf(x, v, 7, 11));
            for (int r = 0; r < 7; r++) {
                double s = 0;
                for (int j = 0; j < 11; j++) {
                    s += got[r * 11 + j];
                }
                assertClose("sum of row " + r, 1, s, 1, x.tol.reduction());
            }
        }));
    }

    private static Tensor softmaxOf(Ctx x, double[] v, int rows, int cols) {
        Tensor y = x.nans(rows, cols);
        x.be.softmaxRows(x.up(v, rows, cols), y);
        return y;
    }

    // ---- softmaxRowsBackward ----

    private static void softmaxRowsBackward(List<OpCases.OpCase> t) {
        int[][] shapes = {{4, 7}, {3, 1}, {2, 3, 5}};
        for (int[] s : shapes) {
            for (boolean masked : new boolean[] {false, true}) {
                int cols = s[s.length - 1];
                int rows = Shape.of(s).rows();
                if (masked && cols == 1) {
                    continue;
                }
                t.add(c("softmaxRowsBackward " + Shape.of(s) + (masked ? " with -inf masked entries" : "")
                        + " (vs finite differences)", x -> {
                    double[] v = scores(x, rows, cols, masked);
                    double[] dy = x.rand(v.length, -1, 1);
                    Tensor y = x.nans(s);
                    x.be.softmaxRows(x.up(v, s), y);
                    Tensor dx = x.nans(s);
                    x.be.softmaxRowsBackward(y, x.up(dy, s), dx);
                    double[] got = x.down(dx);
                    // loss(x) = sum(dy * softmax(x)): its gradient is the backward of dy (masked entries: exactly 0).
                    double[] fd = FiniteDifferences.gradient(v, () -> dot(dy, ReferenceOps.softmaxRows(v, cols)));
                    assertGradient("dx vs finite differences", fd, got, x.tol.opGradient());
                    double[] yRef = ReferenceOps.softmaxRows(v, cols);
                    double[] yGot = x.down(y);
                    assertClose("dx vs y (dy - sum(dy y))", ReferenceOps.softmaxRowsBackward(yGot, dy, cols), got,
                            ReferenceOps.softmaxRowsBackwardScale(yRef, dy, cols), x.tol.reduction());
                    for (int i = 0; i < v.length; i++) {
                        if (v[i] == Double.NEGATIVE_INFINITY) {
                            assertEquals(0.0, Math.abs(got[i]), "dx at masked element " + i + " must be 0");
                        }
                    }
                }));
            }
        }
        t.add(c("softmaxRowsBackward in place (dx = dy)", x -> {
            double[] v = scores(x, 3, 8, true);
            double[] dy = x.rand(v.length, -1, 1);
            Tensor y = softmaxOf(x, v, 3, 8);
            double[] yGot = x.down(y);
            Tensor g = x.up(dy, 3, 8);
            x.be.softmaxRowsBackward(y, g, g);
            assertClose("dy", ReferenceOps.softmaxRowsBackward(yGot, dy, 8), x.down(g),
                    ReferenceOps.softmaxRowsBackwardScale(yGot, dy, 8), x.tol.reduction());
        }));
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    // ---- the three together ----

    private static void attention(List<OpCases.OpCase> t) {
        t.add(c("attention: scores = batchedGemm(dec, enc^T), masked softmax, context = batchedGemm(w, enc)", x -> {
            int batch = 3;
            int td = 4;
            int ts = 6;
            int h = 5;
            int[] lengths = {6, 2, 4};
            double[] dec = x.rand(batch * td * h, -1, 1);
            double[] enc = x.rand(batch * ts * h, -1, 1);
            Tensor tEnc = x.up(enc, batch, ts, h);
            Tensor scores = x.nans(batch, td, ts);
            x.be.batchedGemm(false, true, 1, x.up(dec, batch, td, h), tEnc, 0, scores);
            double[] s = x.down(scores);
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < td; i++) {
                    for (int j = lengths[b]; j < ts; j++) {
                        s[(b * td + i) * ts + j] = Double.NEGATIVE_INFINITY;
                    }
                }
            }
            Tensor w = x.up(s, batch, td, ts);
            x.be.softmaxRows(w, w);
            Tensor context = x.nans(batch, td, h);
            x.be.batchedGemm(false, false, 1, w, tEnc, 0, context);

            double[] sRef = ReferenceOps.batchedGemm(false, true, batch, td, ts, h, 1, dec, h, enc, h, 0, null, false);
            for (int i = 0; i < s.length; i++) {
                if (s[i] == Double.NEGATIVE_INFINITY) {
                    sRef[i] = Double.NEGATIVE_INFINITY;
                }
            }
            double[] wRef = ReferenceOps.softmaxRows(sRef, ts);
            double[] cRef = ReferenceOps.batchedGemm(false, false, batch, td, h, ts, 1, wRef, ts, enc, h, 0, null, false);
            double[] cScale = ReferenceOps.batchedGemm(false, false, batch, td, h, ts, 1, wRef, ts, enc, h, 0, null, true);
            // float32 rounds the scores before the softmax: allow for that on top of the products' own rounding.
            Tolerances.Tol tol = new Tolerances.Tol(x.tol.gemm().rtol() * 8, x.tol.gemm().atol());
            assertClose("weights", wRef, x.down(w), wRef, tol);
            assertClose("context", cRef, x.down(context), cScale, tol);
        }));
    }
}
