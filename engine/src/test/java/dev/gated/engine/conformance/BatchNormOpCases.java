package dev.gated.engine.conformance;

import static dev.gated.engine.conformance.Ctx.assertExact;
import static dev.gated.engine.conformance.Ctx.assertGradient;
import static dev.gated.engine.conformance.Ctx.assertMaxNorm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.backend.Tensor;
import dev.gated.engine.model.BatchNorm;
import java.util.List;
import org.junit.jupiter.api.function.ThrowingConsumer;

/**
 * The rows of {@link OpCases}' table for {@link BatchNorm}, the model's batch normalisation composed from backend
 * ops (gemm with a mask column, element-wise ops, sumRows): training and evaluation forwards and the running
 * statistics against {@link #reference} (plain float64 loops over valid rows, PyTorch's BatchNorm1d conventions:
 * biased variance to normalise, unbiased for running_var, momentum 0.1, eps 1e-5), and the backward against
 * finite differences of that reference — all with padded rows that must not count. Kept apart from OpCases only
 * for its size.
 */
final class BatchNormOpCases {
    static final int N = 9;
    static final int F = 5;
    /** Rows 2 and 7 are padded steps. */
    static final double[] VALID = {1, 1, 0, 1, 1, 1, 1, 0, 1};

    private BatchNormOpCases() {
    }

    private static OpCases.OpCase c(String name, ThrowingConsumer<Ctx> check) {
        return new OpCases.OpCase(name, check);
    }

    /** Forward in float64 on the host: out (0 on padded rows), then the running statistics moved in place. */
    static double[] reference(double[] x, double[] valid, double[] w, double[] b, double[] runMean, double[] runVar,
                              boolean training) {
        int n = valid.length;
        int f = w.length;
        double[] out = new double[n * f];
        for (int j = 0; j < f; j++) {
            double mean;
            double var;
            if (training) {
                double sum = 0;
                int count = 0;
                for (int r = 0; r < n; r++) {
                    if (valid[r] != 0) {
                        sum += x[r * f + j];
                        count++;
                    }
                }
                mean = sum / count;
                double ss = 0;
                for (int r = 0; r < n; r++) {
                    if (valid[r] != 0) {
                        double d = x[r * f + j] - mean;
                        ss += d * d;
                    }
                }
                var = ss / count;
                runMean[j] = 0.9 * runMean[j] + 0.1 * mean;
                runVar[j] = 0.9 * runVar[j] + 0.1 * ss / (count - 1);
            } else {
                mean = runMean[j];
                var = runVar[j];
            }
            for (int r = 0; r < n; r++) {
                out[r * f + j] = valid[r] == 0 ? 0 : w[j] * (x[r * f + j] - mean) / Math.sqrt(var + 1e-5) + b[j];
            }
        }
        return out;
    }

    static void add(List<OpCases.OpCase> t) {
        t.add(c("batchNorm training: per-feature batch statistics over valid rows, running stats moved (unbiased var)",
                x -> {
            double[] v = x.inDType(x.randSigned(N * F, 0.1, 3));
            double[] w = x.inDType(x.randSigned(F, 0.5, 2));
            double[] b = x.inDType(x.randSigned(F, 0.1, 1));
            double[] rm = x.inDType(x.randSigned(F, 0.1, 1));
            double[] rv = x.inDType(x.rand(F, 0.5, 2));
            // Padded rows hold garbage that must not leak into the statistics.
            for (int r = 0; r < N; r++) {
                for (int j = 0; VALID[r] == 0 && j < F; j++) {
                    v[r * F + j] = x.inDType(100 + r + j);
                }
            }
            try (BatchNorm bn = new BatchNorm(x.be, x.dt, N, F)) {
                bn.setValidRows(VALID);
                assertEquals(7, bn.count(), "valid rows");
                Tensor out = x.nans(N, F);
                Tensor xhat = x.nans(N, F);
                Tensor rstd = x.nans(1, F);
                Tensor tm = x.up(rm, F);
                Tensor tv = x.up(rv, F);
                bn.forwardTraining(x.up(v, N, F), x.up(w, F), x.up(b, F), out, xhat, rstd, tm, tv);
                double[] erm = rm.clone();
                double[] erv = rv.clone();
                double[] expect = reference(v, VALID, w, b, erm, erv, true);
                assertMaxNorm("out", expect, x.down(out), x.tol.rnnForward());
                assertMaxNorm("running_mean", erm, x.down(tm), x.tol.rnnForward());
                assertMaxNorm("running_var", erv, x.down(tv), x.tol.rnnForward());
                // With w = 1 and b = 0 the reference is xhat itself.
                double[] xhatExpect = reference(v, VALID, Ctx.fill(F, 1), new double[F], rm.clone(), rv.clone(), true);
                assertMaxNorm("xhat", xhatExpect, x.down(xhat), x.tol.rnnForward());
            }
        }));
        t.add(c("batchNorm eval: the running statistics normalise, and stay as they were", x -> {
            double[] v = x.inDType(x.randSigned(N * F, 0.1, 3));
            double[] w = x.inDType(x.randSigned(F, 0.5, 2));
            double[] b = x.inDType(x.randSigned(F, 0.1, 1));
            double[] rm = x.inDType(x.randSigned(F, 0.1, 1));
            double[] rv = x.inDType(x.rand(F, 0.5, 2));
            try (BatchNorm bn = new BatchNorm(x.be, x.dt, N, F)) {
                bn.setValidRows(VALID);
                Tensor out = x.nans(N, F);
                Tensor tm = x.up(rm, F);
                Tensor tv = x.up(rv, F);
                bn.forwardEval(x.up(v, N, F), x.up(w, F), x.up(b, F), tm, tv, out);
                assertMaxNorm("out", reference(v, VALID, w, b, rm.clone(), rv.clone(), false), x.down(out),
                        x.tol.rnnForward());
                assertExact("running_mean", rm, x.down(tm));
                assertExact("running_var", rv, x.down(tv));
            }
        }));
        t.add(c("batchNorm backward vs finite differences (input, weight, bias), padded rows ignored", x -> {
            double[] v = x.inDType(x.randSigned(N * F, 0.1, 3));
            double[] w = x.inDType(x.randSigned(F, 0.5, 2));
            double[] b = x.inDType(x.randSigned(F, 0.1, 1));
            double[] dout = x.inDType(x.randSigned(N * F, 0.1, 1));
            try (BatchNorm bn = new BatchNorm(x.be, x.dt, N, F)) {
                bn.setValidRows(VALID);
                Tensor tw = x.up(w, F);
                Tensor xhat = x.nans(N, F);
                Tensor rstd = x.nans(1, F);
                bn.forwardTraining(x.up(v, N, F), tw, x.up(b, F), x.nans(N, F), xhat, rstd, null, null);
                Tensor dx = x.nans(N, F);
                Tensor dw = x.nans(F);
                Tensor db = x.nans(F);
                bn.backward(x.up(dout, N, F), tw, xhat, rstd, dx, dw, db);
                // loss = sum(out * dout): dout on padded rows is random and must not matter.
                java.util.function.DoubleSupplier loss = () -> dot(reference(v, VALID, w, b, new double[F],
                        Ctx.fill(F, 1), true), dout);
                assertGradient("dx", FiniteDifferences.gradient(v, loss), x.down(dx), x.tol.opGradient());
                assertGradient("dweight", FiniteDifferences.gradient(w, loss), x.down(dw), x.tol.opGradient());
                assertGradient("dbias", FiniteDifferences.gradient(b, loss), x.down(db), x.tol.opGradient());
                double[] gx = x.down(dx);
                for (int j = 0; j < F; j++) {
                    assertEquals(0, gx[2 * F + j], 0, "dx on padded row 2 is exactly 0");
                }
            }
        }));
        t.add(c("batchNorm: training on fewer than 2 valid rows and a bad mask are refused", x -> {
            try (BatchNorm bn = new BatchNorm(x.be, x.dt, 3, 2)) {
                bn.setValidRows(new double[] {0, 1, 0});
                Tensor in = x.up(new double[6], 3, 2);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bn.forwardTraining(
                        in, x.up(new double[] {1, 1}, 2), x.zeros(2), x.zeros(3, 2), x.zeros(3, 2), x.zeros(1, 2),
                        null, null));
                assertTrue(e.getMessage().contains("more than 1 value per feature"), e.getMessage());
                e = assertThrows(IllegalArgumentException.class, () -> bn.setValidRows(new double[] {1, 1}));
                assertTrue(e.getMessage().contains("expected 3 rows, got 2"), e.getMessage());
            }
        }));
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
