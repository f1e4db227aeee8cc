package dev.gated.engine.model;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.BinaryOp;
import dev.gated.engine.backend.DType;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.backend.UnaryOp;

/**
 * LayerNorm over the last axis of an [N, F] tensor, composed from existing backend ops so every backend runs it
 * unchanged: per-row means are a gemm with a ones column (x * 1_F / F), and per-row values are broadcast back
 * to [N, F] with a rank-1 gemm (v * 1_F^T). Cost per call: a handful of N x F x 1 gemms and element-wise passes,
 * O(N*F), against the RNN's O(N*F*G*H) per layer. Scratch tensors are sized for one N and reused.
 */
final class LayerNorm implements AutoCloseable {
    private final Backend backend;
    private final int rows;
    private final int features;
    private final Tensor onesCol;
    private final Tensor onesRow;
    private final Tensor onesN;
    private final Tensor epsN;
    private final Tensor colA;
    private final Tensor colB;
    private final Tensor wide;
    private final Tensor wide2;

    LayerNorm(Backend backend, DType dtype, int rows, int features) {
        this.backend = backend;
        this.rows = rows;
        this.features = features;
        onesCol = backend.allocate(dtype, Shape.of(features, 1));
        onesRow = backend.allocate(dtype, Shape.of(1, features));
        onesN = backend.allocate(dtype, Shape.of(rows, 1));
        epsN = backend.allocate(dtype, Shape.of(rows, 1));
        backend.fill(onesCol, 1);
        backend.fill(onesRow, 1);
        backend.fill(onesN, 1);
        backend.fill(epsN, Stacking.LAYER_NORM_EPS);
        colA = backend.allocate(dtype, Shape.of(rows, 1));
        colB = backend.allocate(dtype, Shape.of(rows, 1));
        wide = backend.allocate(dtype, Shape.of(rows, features));
        wide2 = backend.allocate(dtype, Shape.of(rows, features));
    }

    /** out = gain * (x - mean) / sqrt(var + eps) + bias per row; keeps xhat [N, F] and rstd [N, 1] for backward. */
    void forward(Tensor x, Tensor gain, Tensor bias, Tensor out, Tensor xhat, Tensor rstd) {
        double invF = 1.0 / features;
        backend.gemm(false, false, invF, x, onesCol, 0, colA);            // mean
        backend.copy(x, xhat);
        backend.gemm(false, false, -1, colA, onesRow, 1, xhat);           // x - mean
        backend.binary(BinaryOp.MUL, xhat, xhat, wide);
        backend.gemm(false, false, invF, wide, onesCol, 0, colB);         // biased variance, as PyTorch
        backend.binary(BinaryOp.ADD, colB, epsN, colB);
        backend.unary(UnaryOp.SQRT, colB, colB);
        backend.binary(BinaryOp.DIV, onesN, colB, rstd);
        backend.gemm(false, false, 1, rstd, onesRow, 0, wide);
        backend.binary(BinaryOp.MUL, xhat, wide, xhat);
        backend.gemm(false, false, 1, onesN, gain.reshape(1, features), 0, wide);
        backend.binary(BinaryOp.MUL, xhat, wide, out);
        backend.addRowVector(out, bias);
    }

    /**
     * dx from dout (overwritten: dGain, dBias); dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) with
     * dxhat = dout * gain.
     */
    void backward(Tensor dout, Tensor gain, Tensor xhat, Tensor rstd, Tensor dx, Tensor dGain, Tensor dBias) {
        double invF = 1.0 / features;
        backend.sumRows(dout, dBias, false);
        backend.binary(BinaryOp.MUL, dout, xhat, wide);
        backend.sumRows(wide, dGain, false);
        backend.gemm(false, false, 1, onesN, gain.reshape(1, features), 0, wide2);
        backend.binary(BinaryOp.MUL, dout, wide2, wide2);                  // dxhat
        backend.gemm(false, false, invF, wide2, onesCol, 0, colA);         // mean(dxhat)
        backend.binary(BinaryOp.MUL, wide2, xhat, wide);
        backend.gemm(false, false, invF, wide, onesCol, 0, colB);          // mean(dxhat * xhat)
        backend.copy(wide2, dx);
        backend.gemm(false, false, -1, colA, onesRow, 1, dx);
        backend.gemm(false, false, 1, colB, onesRow, 0, wide);
        backend.binary(BinaryOp.MUL, xhat, wide, wide);
        backend.binary(BinaryOp.SUB, dx, wide, dx);
        backend.gemm(false, false, 1, rstd, onesRow, 0, wide);
        backend.binary(BinaryOp.MUL, dx, wide, dx);
    }

    /** mask [N, F]: 1 on the rows in {@code validRows}, 0 elsewhere (padded steps), from a [N, 1] column. */
    void rowMask(double[] validColumn, Tensor mask) {
        try (Tensor col = backend.upload(validColumn, Shape.of(rows, 1), mask.dtype())) {
            backend.gemm(false, false, 1, col, onesRow, 0, mask);
        }
    }

    @Override
    public void close() {
        for (Tensor t : new Tensor[] {onesCol, onesRow, onesN, epsN, colA, colB, wide, wide2}) {
            t.close();
        }
    }
}
