package dev.gated.engine.model;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.BinaryOp;
import dev.gated.engine.backend.DType;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.backend.UnaryOp;

/**
 * BatchNorm over the rows of an [N, F] tensor (N = T*B: every time step and batch entry of the step), per feature,
 * like PyTorch's {@code BatchNorm1d} on [B, F, T]: the statistics of feature f are shared by all time steps. Rows
 * of padded steps (a variable-length batch) are masked out of the statistics and come out as 0, so a batch means
 * the same as the packed batch of its valid steps alone.
 *
 * <p>Training uses the batch's mean and biased variance, {@code out = w * (x - mean) / sqrt(var + eps) + b}, and
 * moves the running statistics: {@code running = (1 - momentum) * running + momentum * batch}, with the unbiased
 * variance (n / (n - 1)) for {@code running_var} (PyTorch's convention, momentum 0.1, eps 1e-5). Evaluation,
 * prediction and generation use the running statistics instead and leave them alone.
 *
 * <p>Composed from existing backend ops so every backend runs it unchanged (as {@link LayerNorm}): per-feature
 * sums over valid rows are a gemm with the [N, 1] mask column ({@code m^T x}), and [1, F] rows are broadcast to
 * [N, F] with a rank-1 gemm ({@code 1_N r}). Scratch tensors are sized for one (N, F) and reused.
 */
public final class BatchNorm implements AutoCloseable {
    /** PyTorch's default momentum of the running statistics. */
    public static final double MOMENTUM = 0.1;

    private final Backend backend;
    private final int rows;
    private final int features;
    private final Tensor onesN;
    private final Tensor onesF;
    private final Tensor epsF;
    private final Tensor maskCol;
    private final Tensor maskWide;
    private final Tensor rowA;
    private final Tensor rowB;
    private final Tensor wide;
    private final Tensor wide2;
    /** The number of valid rows under the current mask. */
    private int count;

    public BatchNorm(Backend backend, DType dtype, int rows, int features) {
        if (rows <= 0 || features <= 0) {
            throw new IllegalArgumentException("batch norm: rows and features must be > 0, got " + rows + ", "
                    + features);
        }
        this.backend = backend;
        this.rows = rows;
        this.features = features;
        onesN = backend.allocate(dtype, Shape.of(rows, 1));
        onesF = backend.allocate(dtype, Shape.of(1, features));
        epsF = backend.allocate(dtype, Shape.of(1, features));
        backend.fill(onesN, 1);
        backend.fill(onesF, 1);
        backend.fill(epsF, Stacking.LAYER_NORM_EPS);
        maskCol = backend.allocate(dtype, Shape.of(rows, 1));
        maskWide = backend.allocate(dtype, Shape.of(rows, features));
        rowA = backend.allocate(dtype, Shape.of(1, features));
        rowB = backend.allocate(dtype, Shape.of(1, features));
        wide = backend.allocate(dtype, Shape.of(rows, features));
        wide2 = backend.allocate(dtype, Shape.of(rows, features));
        setValidRows(null);
    }

    /** Which rows count: {@code valid[r]} 1 or 0, null for all; rows of padded steps are 0. */
    public void setValidRows(double[] valid) {
        double[] v = valid;
        if (v == null) {
            v = new double[rows];
            java.util.Arrays.fill(v, 1);
        }
        if (v.length != rows) {
            throw new IllegalArgumentException("batch norm mask: expected " + rows + " rows, got " + v.length);
        }
        int n = 0;
        for (double e : v) {
            if (e != 0 && e != 1) {
                throw new IllegalArgumentException("batch norm mask: expected 0 or 1 per row, got " + e);
            }
            n += (int) e;
        }
        count = n;
        try (Tensor col = backend.upload(v, Shape.of(rows, 1), maskCol.dtype())) {
            backend.copy(col, maskCol);
        }
        backend.gemm(false, false, 1, maskCol, onesF, 0, maskWide);
    }

    /** The number of valid rows under the current mask. */
    public int count() {
        return count;
    }

    /**
     * Training forward with the batch statistics: out [N, F]; keeps xhat [N, F] (0 on padded rows) and rstd [1, F]
     * for {@link #backward}; moves {@code runningMean}/{@code runningVar} [F] (both null: leaves them).
     */
    public void forwardTraining(Tensor x, Tensor weight, Tensor bias, Tensor out, Tensor xhat, Tensor rstd,
                                Tensor runningMean, Tensor runningVar) {
        if (count < 2) {
            // PyTorch refuses the same: the unbiased variance of one value is undefined.
            throw new IllegalArgumentException("batch norm: training needs more than 1 value per feature (valid "
                    + "time steps x batch entries), got " + count + "; use a larger batch or norm: layer");
        }
        double invN = 1.0 / count;
        backend.gemm(true, false, invN, maskCol, x, 0, rowA);             // mean over valid rows
        backend.copy(x, xhat);
        backend.gemm(false, false, -1, onesN, rowA, 1, xhat);             // x - mean
        backend.binary(BinaryOp.MUL, xhat, maskWide, xhat);               // padded rows out of the statistics
        backend.binary(BinaryOp.MUL, xhat, xhat, wide);
        backend.gemm(true, false, invN, maskCol, wide, 0, rowB);          // biased variance
        if (runningMean != null) {
            double m = MOMENTUM;
            backend.axpby(m, rowA.reshape(features), 1 - m, runningMean);
            backend.axpby(m * count / (count - 1.0), rowB.reshape(features), 1 - m, runningVar);
        }
        inverseStd(rowB, rstd);
        backend.gemm(false, false, 1, onesN, rstd, 0, wide);
        backend.binary(BinaryOp.MUL, xhat, wide, xhat);
        affine(xhat, weight, bias, out);
    }

    /** Evaluation forward with the running statistics [F] (left unchanged): out [N, F]. */
    public void forwardEval(Tensor x, Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar,
                            Tensor out) {
        backend.copy(x, wide2);
        backend.gemm(false, false, -1, onesN, runningMean.reshape(1, features), 1, wide2);
        inverseStd(runningVar.reshape(1, features), rowB);
        backend.gemm(false, false, 1, onesN, rowB, 0, wide);
        backend.binary(BinaryOp.MUL, wide2, wide, wide2);
        affine(wide2, weight, bias, out);
    }

    /** rstd = 1 / sqrt(var + eps), both [1, F] (may be the same tensor). */
    private void inverseStd(Tensor var, Tensor rstd) {
        backend.binary(BinaryOp.ADD, var, epsF, rowA);
        backend.unary(UnaryOp.SQRT, rowA, rowA);
        backend.binary(BinaryOp.DIV, onesF, rowA, rstd);
    }

    /** out = xhat * w + b per feature, 0 on padded rows (as the RNN leaves them). */
    private void affine(Tensor xhat, Tensor weight, Tensor bias, Tensor out) {
        backend.gemm(false, false, 1, onesN, weight.reshape(1, features), 0, wide);
        backend.binary(BinaryOp.MUL, xhat, wide, out);
        backend.addRowVector(out, bias);
        backend.binary(BinaryOp.MUL, out, maskWide, out);
    }

    /**
     * Backward of a {@link #forwardTraining} under the same mask: dx [N, F] (0 on padded rows; dout there is
     * ignored), dWeight and dBias [F] overwritten. With dxhat = dout * w over valid rows,
     * dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)), the means over valid rows.
     */
    public void backward(Tensor dout, Tensor weight, Tensor xhat, Tensor rstd, Tensor dx, Tensor dWeight,
                         Tensor dBias) {
        double invN = 1.0 / count;
        backend.binary(BinaryOp.MUL, dout, maskWide, wide2);              // dout on valid rows only
        backend.sumRows(wide2, dBias, false);
        backend.binary(BinaryOp.MUL, wide2, xhat, wide);
        backend.sumRows(wide, dWeight, false);
        backend.gemm(false, false, 1, onesN, weight.reshape(1, features), 0, wide);
        backend.binary(BinaryOp.MUL, wide2, wide, wide2);                 // dxhat
        backend.gemm(true, false, invN, maskCol, wide2, 0, rowA);         // mean(dxhat)
        backend.binary(BinaryOp.MUL, wide2, xhat, wide);
        backend.gemm(true, false, invN, maskCol, wide, 0, rowB);          // mean(dxhat * xhat)
        backend.copy(wide2, dx);
        backend.gemm(false, false, -1, onesN, rowA, 1, dx);
        backend.gemm(false, false, 1, onesN, rowB, 0, wide);
        backend.binary(BinaryOp.MUL, xhat, wide, wide);
        backend.binary(BinaryOp.SUB, dx, wide, dx);
        backend.gemm(false, false, 1, onesN, rstd, 0, wide);
        backend.binary(BinaryOp.MUL, dx, wide, dx);
        backend.binary(BinaryOp.MUL, dx, maskWide, dx);
    }

    @Override
    public void close() {
        for (Tensor t : new Tensor[] {onesN, onesF, epsF, maskCol, maskWide, rowA, rowB, wide, wide2}) {
            t.close();
        }
    }
}
