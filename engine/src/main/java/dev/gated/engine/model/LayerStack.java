package dev.gated.engine.model;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.BinaryOp;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.rnn.RnnGradients;
import dev.gated.engine.rnn.RnnMode;
import dev.gated.engine.rnn.RnnParam;
import dev.gated.engine.rnn.RnnPlan;
import dev.gated.engine.rnn.RnnSpec;
import dev.gated.engine.rnn.RnnTensors;
import dev.gated.engine.rnn.RnnWorkspace;

/**
 * A stacked RNN run as one single-layer RNN call per layer, so that something can happen between the layers
 * (the order is {@link Stacking}'s). The canonical weights stay in the model's fused multi-layer buffer (so names,
 * optimizer state, checkpoints and init_from are the fused model's): before each forward the layers' weights are
 * copied out of it, after each backward their gradients are copied into the fused gradient buffer, both through
 * {@link RnnPlan#readParameter}/{@link RnnPlan#writeParameter} — O(parameters) per step against the RNN's
 * O(steps x batch x parameters).
 *
 * <p>With {@code norm: batch} each layer's output goes through a {@link BatchNorm}: batch statistics (and a move of
 * the running statistics, {@link RunningStats} site {@code firstSite + k}) in a training forward, the running
 * statistics otherwise.
 */
final class LayerStack implements AutoCloseable {
    private final Backend backend;
    private final RnnSpec spec;
    private final Stacking stacking;
    private final double between;
    private final RnnPlan[] plans;
    private final Tensor[] weights;
    private final Tensor[] grads;
    /** Per layer and parameter: the single-layer name, the fused name, and a tensor to pass values through. */
    private final String[][] layerNames;
    private final String[][] fusedNames;
    private final Tensor[][] transfer;
    /** The BatchNorms' running statistics (norm: batch only) and the site of layer 0's. */
    private final RunningStats stats;
    private final int firstSite;

    LayerStack(Backend backend, RnnSpec spec, Stacking stacking, double between, RunningStats stats, int firstSite) {
        if (stacking.batchNorm() && stats == null) {
            throw new IllegalArgumentException("norm batch: running statistics required, got null");
        }
        this.backend = backend;
        this.spec = spec;
        this.stacking = stacking;
        this.between = between;
        this.stats = stats;
        this.firstSite = firstSite;
        int layers = spec.numLayers();
        plans = new RnnPlan[layers];
        weights = new Tensor[layers];
        grads = new Tensor[layers];
        layerNames = new String[layers][];
        fusedNames = new String[layers][];
        transfer = new Tensor[layers][];
        for (int k = 0; k < layers; k++) {
            RnnSpec layer = layerSpec(k);
            plans[k] = backend.rnnPlan(layer);
            weights[k] = backend.allocate(spec.dtype(), Shape.of(plans[k].weightSpaceSize()));
            grads[k] = backend.allocate(spec.dtype(), Shape.of(plans[k].weightSpaceSize()));
            var params = layer.parameters();
            layerNames[k] = new String[params.size()];
            fusedNames[k] = new String[params.size()];
            transfer[k] = new Tensor[params.size()];
            for (int p = 0; p < params.size(); p++) {
                RnnParam param = params.get(p);
                layerNames[k][p] = param.name();
                // weight_ih_l0[_reverse] of the one-layer RNN is weight_ih_l{k}[_reverse] of the stack.
                fusedNames[k][p] = param.name().replace("_l0", "_l" + k);
                transfer[k][p] = backend.allocate(spec.dtype(), param.shape());
            }
        }
    }

    RnnSpec layerSpec(int k) {
        return new RnnSpec(spec.cell(), spec.layerInputSize(k), spec.hiddenSize(), 1, spec.bidirectional(),
                spec.dtype());
    }

    int layers() {
        return plans.length;
    }

    /** Copies every layer's weights out of the fused buffer. */
    void pullWeights(RnnPlan fused, Tensor fusedWeights) {
        for (int k = 0; k < plans.length; k++) {
            for (int p = 0; p < layerNames[k].length; p++) {
                fused.readParameter(fusedWeights, fusedNames[k][p], transfer[k][p]);
                plans[k].writeParameter(weights[k], layerNames[k][p], transfer[k][p]);
            }
        }
    }

    /** Overwrites the fused gradient buffer with the layers' gradients of the last backward. */
    private void pushGradients(RnnPlan fused, Tensor fusedGrads) {
        backend.fill(fusedGrads, 0);
        for (int k = 0; k < plans.length; k++) {
            for (int p = 0; p < layerNames[k].length; p++) {
                plans[k].readParameter(grads[k], layerNames[k][p], transfer[k][p]);
                fused.writeParameter(fusedGrads, fusedNames[k][p], transfer[k][p]);
            }
        }
    }

    /** Per-layer recurrent state for stepwise inference, each [D, B, H]. */
    record States(Tensor[] h, Tensor[] c, Tensor[] hNext, Tensor[] cNext) {
    }

    /**
     * Forward through every layer; y gets the top layer's output. {@code betweenSeeds[k]} keys the dropout on
     * layer k's output (null: no dropout, as in evaluation); {@code ln} holds the norms' gain, bias per layer. A
     * training forward with norm batch moves the running statistics.
     */
    void forward(Buffers b, RnnMode mode, int[] lengths, Tensor x, Tensor y, Tensor[] ln, long[] betweenSeeds,
                 States state) {
        if (stacking.layerNorm()) {
            b.layerNorm.rowMask(validRows(lengths, b.seqLength, b.batch), b.mask);
        }
        if (stacking.batchNorm()) {
            b.batchNorm.setValidRows(validRows(lengths, b.seqLength, b.batch));
        }
        Tensor in = x;
        for (int k = 0; k < plans.length; k++) {
            b.inputs[k] = in;
            RnnTensors io = io(state, k, in, b.r[k]);
            backend.rnnForward(plans[k], b.workspaces[k], mode, lengths, io, weights[k]);
            Tensor h = b.h[k];
            if (stacking.layerNorm()) {
                b.layerNorm.forward(rows(b.r[k]), ln[2 * k], ln[2 * k + 1], rows(h), b.xhat[k], b.rstd[k]);
                // Padded steps would otherwise hold the bias; keep them 0 as the RNN leaves them.
                backend.binary(BinaryOp.MUL, rows(h), b.mask, rows(h));
                if (residual(k)) {
                    backend.binary(BinaryOp.ADD, h, in, h);
                }
            } else if (stacking.batchNorm()) {
                int site = firstSite + k;
                if (mode == RnnMode.TRAINING) {
                    b.batchNorm.forwardTraining(rows(b.r[k]), ln[2 * k], ln[2 * k + 1], rows(h), b.xhat[k],
                            b.rstd[k], stats.mean(site), stats.var(site));
                    stats.tracked(site);
                } else {
                    b.batchNorm.forwardEval(rows(b.r[k]), ln[2 * k], ln[2 * k + 1], stats.mean(site),
                            stats.var(site), rows(h));
                }
                if (residual(k)) {
                    backend.binary(BinaryOp.ADD, h, in, h);
                }
            } else if (residual(k)) {
                backend.binary(BinaryOp.ADD, b.r[k], in, h);
            }
            if (k + 1 < plans.length) {
                if (betweenSeeds != null && between > 0) {
                    backend.dropout(h, b.dropped[k + 1], between, betweenSeeds[k], 0);
                    in = b.dropped[k + 1];
                } else {
                    in = h;
                }
            }
        }
        backend.copy(b.h[plans.length - 1], y);
    }

    /**
     * Backward from dy (the top layer's output gradient; overwritten as scratch) to dx, after a training forward on
     * the same buffers; overwrites the fused gradient buffer and the norms' gradients {@code lnGrads}.
     * {@code state}: the one the forward started from, or null.
     */
    void backward(Buffers b, int[] lengths, Tensor dy, Tensor dx, Tensor[] ln, Tensor[] lnGrads, long[] betweenSeeds,
                  RnnPlan fused, Tensor fusedGrads, States state) {
        Tensor g = dy;
        for (int k = plans.length - 1; k >= 0; k--) {
            Tensor dr = g;
            if (stacking.layerNorm()) {
                backend.binary(BinaryOp.MUL, rows(g), b.mask, rows(g));
                b.layerNorm.backward(rows(g), ln[2 * k], b.xhat[k], b.rstd[k], rows(b.dr), lnGrads[2 * k],
                        lnGrads[2 * k + 1]);
                dr = b.dr;
            } else if (stacking.batchNorm()) {
                b.batchNorm.backward(rows(g), ln[2 * k], b.xhat[k], b.rstd[k], rows(b.dr), lnGrads[2 * k],
                        lnGrads[2 * k + 1]);
                dr = b.dr;
            }
            // Ping-pong so that the gradient of this layer's input never aliases its output gradient.
            Tensor din = k == 0 ? dx : b.din[k % 2];
            RnnTensors io = io(state, k, b.inputs[k], b.r[k]);
            backend.rnnBackwardData(plans[k], b.workspaces[k], lengths, io, RnnGradients.of(dr, din), weights[k]);
            backend.fill(grads[k], 0);
            backend.rnnBackwardWeights(plans[k], b.workspaces[k], lengths, io, grads[k]);
            if (k == 0) {
                break;
            }
            if (residual(k)) {
                backend.axpby(1, g, 1, din);
            }
            if (between > 0) {
                // Dropout's backward is the same call on the gradient with the same seed and offset.
                backend.dropout(din, b.dDropped, between, betweenSeeds[k - 1], 0);
                g = b.dDropped;
            } else {
                g = din;
            }
        }
        pushGradients(fused, fusedGrads);
    }

    /** Layer k's RNN tensors: from and to {@code state} when there is one (else zeros in, nothing out). */
    private static RnnTensors io(States state, int k, Tensor in, Tensor out) {
        return state == null ? RnnTensors.of(in, out) : new RnnTensors(in, out, state.h[k],
                state.c == null ? null : state.c[k], state.hNext[k], state.cNext == null ? null : state.cNext[k]);
    }

    private boolean residual(int k) {
        return stacking.residual() && k > 0;
    }

    private Tensor rows(Tensor t) {
        return t.reshape(t.shape().numel() / spec.outputSize(), spec.outputSize());
    }

    /** 1 for rows (t, b) with t < lengths[b], else 0, in [T*B] order. */
    static double[] validRows(int[] lengths, int seqLength, int batch) {
        double[] v = new double[seqLength * batch];
        for (int t = 0; t < seqLength; t++) {
            for (int i = 0; i < batch; i++) {
                v[t * batch + i] = t < lengths[i] ? 1 : 0;
            }
        }
        return v;
    }

    /** Activations and their gradients of every layer for one batch geometry, reused across steps. */
    Buffers buffers(int seqLength, int batch) {
        return new Buffers(seqLength, batch);
    }

    final class Buffers implements AutoCloseable {
        final int seqLength;
        final int batch;
        final RnnWorkspace[] workspaces;
        /** Each layer's RNN output, its output after the norm/residual (r itself when neither), its input. */
        final Tensor[] r;
        final Tensor[] h;
        final Tensor[] inputs;
        /** Dropped-out layer outputs, at the index of the layer that reads them. */
        final Tensor[] dropped;
        final Tensor[] xhat;
        final Tensor[] rstd;
        final Tensor mask;
        final LayerNorm layerNorm;
        final BatchNorm batchNorm;
        final Tensor dr;
        final Tensor[] din;
        final Tensor dDropped;

        Buffers(int seqLength, int batch) {
            this.seqLength = seqLength;
            this.batch = batch;
            int layers = plans.length;
            int n = seqLength * batch;
            int f = spec.outputSize();
            Shape out = spec.outputShape(seqLength, batch);
            workspaces = new RnnWorkspace[layers];
            r = new Tensor[layers];
            h = new Tensor[layers];
            inputs = new Tensor[layers];
            dropped = new Tensor[layers];
            xhat = new Tensor[layers];
            rstd = new Tensor[layers];
            boolean ln = stacking.layerNorm();
            boolean norm = stacking.norm() != Stacking.Norm.NONE;
            // LayerNorm keeps one inverse std per row, BatchNorm one per feature.
            Shape rstdShape = ln ? Shape.of(n, 1) : Shape.of(1, f);
            for (int k = 0; k < layers; k++) {
                workspaces[k] = plans[k].workspace(seqLength, batch);
                r[k] = backend.allocate(spec.dtype(), out);
                h[k] = norm || residual(k) ? backend.allocate(spec.dtype(), out) : r[k];
                dropped[k] = k > 0 && between > 0 ? backend.allocate(spec.dtype(), out) : null;
                xhat[k] = norm ? backend.allocate(spec.dtype(), Shape.of(n, f)) : null;
                rstd[k] = norm ? backend.allocate(spec.dtype(), rstdShape) : null;
            }
            mask = ln ? backend.allocate(spec.dtype(), Shape.of(n, f)) : null;
            layerNorm = ln ? new LayerNorm(backend, spec.dtype(), n, f) : null;
            batchNorm = stacking.batchNorm() ? new BatchNorm(backend, spec.dtype(), n, f) : null;
            dr = norm ? backend.allocate(spec.dtype(), out) : null;
            din = new Tensor[] {backend.allocate(spec.dtype(), out), backend.allocate(spec.dtype(), out)};
            dDropped = between > 0 ? backend.allocate(spec.dtype(), out) : null;
        }

        @Override
        public void close() {
            for (int k = 0; k < r.length; k++) {
                if (h[k] != r[k]) {
                    h[k].close();
                }
                r[k].close();
                closeAll(dropped[k], xhat[k], rstd[k]);
                workspaces[k].close();
            }
            closeAll(mask, dr, din[0], din[1], dDropped);
            if (layerNorm != null) {
                layerNorm.close();
            }
            if (batchNorm != null) {
                batchNorm.close();
            }
        }
    }

    private static void closeAll(Tensor... ts) {
        for (Tensor t : ts) {
            if (t != null) {
                t.close();
            }
        }
    }

    @Override
    public void close() {
        for (int k = 0; k < plans.length; k++) {
            for (Tensor t : transfer[k]) {
                t.close();
            }
            weights[k].close();
            grads[k].close();
            plans[k].close();
        }
    }
}
