package dev.gated.cpu;

import dev.gated.engine.rnn.CellType;
import dev.gated.engine.rnn.RnnChecks;
import dev.gated.engine.rnn.RnnGradients;
import dev.gated.engine.rnn.RnnMode;
import dev.gated.engine.rnn.RnnParam;
import dev.gated.engine.rnn.RnnSpec;
import dev.gated.engine.rnn.RnnTensors;
import dev.gated.engine.rnn.RnnWorkspace;
import java.util.Arrays;

/**
 * The CPU RNN: buffers allocated once for (maxSeqLength, batchSize), and the algorithm over them.
 *
 * <p>Per layer and direction: the input projection of all steps is one GEMM; the recurrence runs in
 * independent tasks over (direction, chunk of sequences), each doing one small GEMM per step plus a fused
 * gate kernel per sequence; backward-data mirrors it and ends with one GEMM for the input gradient;
 * backward-weights is two GEMMs and a column sum. Row results never depend on how sequences are chunked
 * (see {@link Gemm}'s contract), so the thread count does not change a single bit.
 *
 * <p>Storage: row {@code t*B + b} of every per-step buffer belongs to sequence b at time t.
 */
final class CpuRnnWorkspace<A> implements RnnWorkspace {
    private enum State { EMPTY, FORWARD_DONE, BACKWARD_DATA_DONE }

    private final CpuRnnPlan plan;
    private final RnnKernels<A> k;
    private final RnnSpec spec;
    private final CellType cell;
    private final int maxT;
    private final int maxB;
    private final int hidden;
    private final int gh;
    private final int dirs;
    private final int layers;

    // Per layer*D + direction.
    private final A[] gates;      // x-projection, then activations [T*B, G*H]
    private final A[] dGates;     // pre-activation gradients, input side [T*B, G*H]
    private final A[] dGatesRec;  // recurrent side (GRU: differs in the n slot; LSTM: same array as dGates)
    private final A[] hPrev;      // state entering each step [T*B, H]
    private final A[] cOut;      // LSTM: c after each step [T*B, H]
    private final A[] cPrev;      // LSTM: c entering each step [T*B, H]
    private final A[] hn;         // GRU: W_hn h + b_hn [T*B, H]
    private final Object[] whhForward;   // W_hh^T packed for the per-step forward GEMM h W_hh^T
    private final Object[] whhBackward;  // W_hh packed for the per-step backward GEMM dG W_hh
    private final A[] biasSum;    // LSTM: b_ih + b_hh [G*H]
    // Per layer below the top: its output, the next layer's input [T*B, D*H].
    private final A[] out;
    // Per direction, rows owned by chunks of sequences.
    private final A[] rec;        // [B, G*H]
    private final A[] hState;     // [B, H]
    private final A[] cState;     // [B, H]
    private final A[] dgStep;     // [B, G*H]
    // Gradients flowing into lower layers, ping-pong [T*B, D*H].
    private final A[] dLayer;
    private A xClean;             // layer-0 input with padded steps zeroed, made on demand
    private final A biasGrad;     // LSTM: the bias gradient shared by b_ih and b_hh [G*H]

    private State state = State.EMPTY;
    private int[] lastLengths;
    private RnnChecks.Geometry lastGeometry;

    CpuRnnWorkspace(CpuRnnPlan plan, RnnKernels<A> kernels, int maxSeqLength, int batchSize) {
        this.plan = plan;
        this.k = kernels;
        this.spec = plan.spec();
        this.cell = spec.cell();
        this.maxT = maxSeqLength;
        this.maxB = batchSize;
        this.hidden = spec.hiddenSize();
        this.gh = spec.gates() * hidden;
        this.dirs = spec.directions();
        this.layers = spec.numLayers();
        int ld = layers * dirs;
        long rows = (long) maxT * maxB;
        if (rows * Math.max(gh, spec.outputSize()) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("workspace: T*B*G*H = " + rows * gh
                    + " exceeds the CPU backend's 2^31-1 elements per buffer; use a smaller batch or shorter sequences");
        }
        int tb = (int) rows;
        boolean lstm = cell == CellType.LSTM;
        Object probe = k.alloc(0);
        gates = newArray(probe, ld);
        dGates = newArray(probe, ld);
        dGatesRec = newArray(probe, ld);
        hPrev = newArray(probe, ld);
        cOut = newArray(probe, ld);
        cPrev = newArray(probe, ld);
        hn = newArray(probe, ld);
        whhForward = new Object[ld];
        whhBackward = new Object[ld];
        biasSum = newArray(probe, ld);
        for (int i = 0; i < ld; i++) {
            gates[i] = k.alloc(tb * gh);
            dGates[i] = k.alloc(tb * gh);
            dGatesRec[i] = lstm ? dGates[i] : k.alloc(tb * gh);
            hPrev[i] = k.alloc(tb * hidden);
            if (lstm) {
                cOut[i] = k.alloc(tb * hidden);
                cPrev[i] = k.alloc(tb * hidden);
                biasSum[i] = k.alloc(gh);
            } else {
                hn[i] = k.alloc(tb * hidden);
            }
        }
        out = newArray(probe, layers - 1);
        for (int l = 0; l < layers - 1; l++) {
            out[l] = k.alloc(tb * spec.outputSize());
        }
        rec = newArray(probe, dirs);
        hState = newArray(probe, dirs);
        cState = newArray(probe, dirs);
        dgStep = newArray(probe, dirs);
        for (int d = 0; d < dirs; d++) {
            rec[d] = k.alloc(maxB * gh);
            hState[d] = k.alloc(maxB * hidden);
            cState[d] = k.alloc(maxB * hidden);
            dgStep[d] = k.alloc(maxB * gh);
        }
        biasGrad = k.alloc(gh);
        dLayer = newArray(probe, layers > 1 ? 2 : 0);
        for (int i = 0; i < dLayer.length; i++) {
            dLayer[i] = k.alloc(tb * spec.outputSize());
        }
    }

    @SuppressWarnings("unchecked")
    private static <A> A[] newArray(Object probe, int n) {
        return (A[]) java.lang.reflect.Array.newInstance(probe.getClass(), n);
    }

    CpuRnnPlan plan() {
        return plan;
    }

    @Override
    public int maxSeqLength() {
        return maxT;
    }

    @Override
    public int batchSize() {
        return maxB;
    }

    @Override
    public void close() {
    }

    private CpuThreads threads() {
        return plan.backend().threads();
    }

    private A data(CpuTensor t) {
        return t == null ? null : k.data(t);
    }

    private static int time(int direction, int len, int s) {
        return direction == 0 ? s : len - 1 - s;
    }

    /** Fixed chunks of the batch; the count may follow the thread count because results do not depend on it. */
    private int chunks(int batch) {
        return Math.max(1, Math.min(batch, threads().threads()));
    }

    // ---------------------------------------------------------------- forward

    /** Inference runs the same passes but leaves nothing a backward call may use. */
    void forward(RnnMode mode, int[] lengths, RnnChecks.Geometry g, RnnTensors io, CpuTensor weights) {
        final int t = g.seqLength();
        final int b = g.batch();
        final A w = k.data(weights);
        final A y = k.data((CpuTensor) io.y());
        final A hx = data((CpuTensor) io.hx());
        final A cx = data((CpuTensor) io.cx());
        final A hy = data((CpuTensor) io.hy());
        final A cy = data((CpuTensor) io.cy());
        final int nChunks = chunks(b);
        final int outW = spec.outputSize();
        for (int l = 0; l < layers; l++) {
            final int layer = l;
            final int in = spec.layerInputSize(l);
            final A x = l == 0 ? k.data((CpuTensor) io.x()) : out[l - 1];
            final A yl = l == layers - 1 ? y : out[l];
            zeroPadding(yl, outW, lengths, t, b, 0, outW);
            for (int d = 0; d < dirs; d++) {
                int ld = l * dirs + d;
                k.gemm(threads(), false, true, t * b, gh, in, x, 0, in, w, plan.offset(l, d, RnnParam.Kind.WEIGHT_IH),
                        in, false, gates[ld], 0, gh);
                whhForward[ld] = k.pack(whhForward[ld], true, hidden, gh, w, plan.offset(l, d, RnnParam.Kind.WEIGHT_HH),
                        hidden);
                if (cell == CellType.LSTM) {
                    k.add(w, plan.offset(l, d, RnnParam.Kind.BIAS_IH), w, plan.offset(l, d, RnnParam.Kind.BIAS_HH),
                            biasSum[ld], 0, gh);
                    zeroPadding(cPrev[ld], hidden, lengths, t, b, 0, hidden);
                }
                zeroPadding(hPrev[ld], hidden, lengths, t, b, 0, hidden);
            }
            threads().parallelFor(dirs * nChunks, task -> {
                int d = task / nChunks;
                int c = task % nChunks;
                forwardChunk(layer, d, b * c / nChunks, b * (c + 1) / nChunks, lengths, b, w, yl, hx, cx, hy, cy);
            });
        }
        state = mode == RnnMode.TRAINING ? State.FORWARD_DONE : State.EMPTY;
        lastLengths = lengths.clone();
        lastGeometry = g;
    }

    private void forwardChunk(int l, int d, int b0, int b1, int[] lengths, int batch, A w, A yl,
                              A hx, A cx, A hy, A cy) {
        int ld = l * dirs + d;
        int outW = spec.outputSize();
        A h = hState[d];
        A c = cState[d];
        A r = rec[d];
        int stateBase = ld * batch * hidden;
        loadStates(hx, stateBase, h, b0, b1);
        if (cell == CellType.LSTM) {
            loadStates(cx, stateBase, c, b0, b1);
        }
        int steps = maxLength(lengths, b0, b1);
        int bIh = plan.offset(l, d, RnnParam.Kind.BIAS_IH);
        int bHh = plan.offset(l, d, RnnParam.Kind.BIAS_HH);
        for (int s = 0; s < steps; s++) {
            k.gemmPacked(CpuThreads.SERIAL, false, b1 - b0, h, b0 * hidden, hidden, whhForward[ld], false, r, b0 * gh, gh);
            for (int b = b0; b < b1; b++) {
                int len = lengths[b];
                if (s >= len) {
                    continue;
                }
                int row = time(d, len, s) * batch + b;
                int yOff = row * outW + d * hidden;
                k.copy(h, b * hidden, hPrev[ld], row * hidden, hidden);
                if (cell == CellType.LSTM) {
                    k.copy(c, b * hidden, cPrev[ld], row * hidden, hidden);
                    k.lstmForward(hidden, gates[ld], row * gh, r, b * gh, biasSum[ld], 0, c, b * hidden,
                            cOut[ld], row * hidden, yl, yOff);
                    k.copy(cOut[ld], row * hidden, c, b * hidden, hidden);
                } else {
                    k.gruForward(hidden, gates[ld], row * gh, r, b * gh, w, bIh, w, bHh, h, b * hidden,
                            hn[ld], row * hidden, yl, yOff);
                }
                k.copy(yl, yOff, h, b * hidden, hidden);
            }
        }
        storeStates(h, hy, stateBase, b0, b1);
        storeStates(c, cy, stateBase, b0, b1);
    }

    /** Rows [b0, b1) of a per-direction state buffer from this layer-direction's slice of src, or zeros. */
    private void loadStates(A src, int base, A state, int b0, int b1) {
        if (src == null) {
            k.zero(state, b0 * hidden, (b1 - b0) * hidden);
        } else {
            k.copy(src, base + b0 * hidden, state, b0 * hidden, (b1 - b0) * hidden);
        }
    }

    /** The inverse of {@link #loadStates}; nothing when the caller did not ask for dst. */
    private void storeStates(A state, A dst, int base, int b0, int b1) {
        if (dst != null) {
            k.copy(state, b0 * hidden, dst, base + b0 * hidden, (b1 - b0) * hidden);
        }
    }

    private static int maxLength(int[] lengths, int b0, int b1) {
        int m = 0;
        for (int b = b0; b < b1; b++) {
            m = Math.max(m, lengths[b]);
        }
        return m;
    }

    /** Zeroes columns [col0, col0+width) of rows t*B+b for every t >= lengths[b]. */
    private void zeroPadding(A buf, int ld, int[] lengths, int t, int batch, int col0, int width) {
        for (int b = 0; b < batch; b++) {
            for (int s = lengths[b]; s < t; s++) {
                k.zero(buf, (s * batch + b) * ld + col0, width);
            }
        }
    }

    // ---------------------------------------------------------------- backward data

    private void requireState(State needed, String call, int[] lengths, RnnChecks.Geometry g) {
        if (state.ordinal() < needed.ordinal()) {
            throw new IllegalStateException(call + ": this workspace holds no "
                    + (needed == State.FORWARD_DONE ? "rnnForward" : "rnnBackwardData")
                    + " result; call rnnForward(TRAINING)" + (needed == State.FORWARD_DONE ? "" : " and rnnBackwardData")
                    + " on the same batch first");
        }
        if (!g.equals(lastGeometry) || !Arrays.equals(lengths, lastLengths)) {
            throw new IllegalArgumentException(call + ": expected the batch of the last rnnForward (T = "
                    + lastGeometry.seqLength() + ", B = " + lastGeometry.batch() + ", lengths "
                    + Arrays.toString(lastLengths) + "), got T = " + g.seqLength() + ", B = " + g.batch()
                    + ", lengths " + Arrays.toString(lengths));
        }
    }

    void backwardData(int[] lengths, RnnChecks.Geometry g, RnnTensors io, RnnGradients grads, CpuTensor weights) {
        requireState(State.FORWARD_DONE, "rnnBackwardData", lengths, g);
        final int t = g.seqLength();
        final int b = g.batch();
        final A w = k.data(weights);
        final A dhy = data((CpuTensor) grads.dhy());
        final A dcy = data((CpuTensor) grads.dcy());
        final A dhx = data((CpuTensor) grads.dhx());
        final A dcx = data((CpuTensor) grads.dcx());
        final int nChunks = chunks(b);
        for (int l = layers - 1; l >= 0; l--) {
            final int layer = l;
            final A dIn = l == layers - 1 ? k.data((CpuTensor) grads.dy()) : dLayer[l & 1];
            final A dOut = l == 0 ? k.data((CpuTensor) grads.dx()) : dLayer[(l - 1) & 1];
            final int in = spec.layerInputSize(l);
            for (int d = 0; d < dirs; d++) {
                int ld = l * dirs + d;
                whhBackward[ld] = k.pack(whhBackward[ld], false, gh, hidden, w, plan.offset(l, d, RnnParam.Kind.WEIGHT_HH),
                        hidden);
                zeroPadding(dGates[ld], gh, lengths, t, b, 0, gh);
                if (dGatesRec[ld] != dGates[ld]) {
                    zeroPadding(dGatesRec[ld], gh, lengths, t, b, 0, gh);
                }
            }
            threads().parallelFor(dirs * nChunks, task -> {
                int d = task / nChunks;
                int c = task % nChunks;
                backwardChunk(layer, d, b * c / nChunks, b * (c + 1) / nChunks, lengths, b, w, dIn, dhy, dcy, dhx, dcx);
            });
            for (int d = 0; d < dirs; d++) {
                k.gemm(threads(), false, false, t * b, in, gh, dGates[l * dirs + d], 0, gh, w,
                        plan.offset(l, d, RnnParam.Kind.WEIGHT_IH), in, d > 0, dOut, 0, in);
            }
        }
        state = State.BACKWARD_DATA_DONE;
    }

    private void backwardChunk(int l, int d, int b0, int b1, int[] lengths, int batch, A w, A dIn,
                               A dhy, A dcy, A dhx, A dcx) {
        int ld = l * dirs + d;
        int outW = spec.outputSize();
        A dh = hState[d];
        A dc = cState[d];
        A step = dgStep[d];
        int stateBase = ld * batch * hidden;
        loadStates(dhy, stateBase, dh, b0, b1);
        if (cell == CellType.LSTM) {
            loadStates(dcy, stateBase, dc, b0, b1);
        }
        for (int s = maxLength(lengths, b0, b1) - 1; s >= 0; s--) {
            for (int b = b0; b < b1; b++) {
                int len = lengths[b];
                if (s >= len) {
                    k.zero(step, b * gh, gh);
                    continue;
                }
                int row = time(d, len, s) * batch + b;
                k.add(dh, b * hidden, dIn, row * outW + d * hidden, dh, b * hidden, hidden);
                if (cell == CellType.LSTM) {
                    k.lstmBackward(hidden, gates[ld], row * gh, cOut[ld], row * hidden, cPrev[ld], row * hidden,
                            dh, b * hidden, dc, b * hidden, dGates[ld], row * gh);
                    k.zero(dh, b * hidden, hidden);
                } else {
                    k.gruBackward(hidden, gates[ld], row * gh, hn[ld], row * hidden, hPrev[ld], row * hidden,
                            dh, b * hidden, dGates[ld], row * gh, dGatesRec[ld], row * gh);
                }
                k.copy(dGatesRec[ld], row * gh, step, b * gh, gh);
            }
            k.gemmPacked(CpuThreads.SERIAL, false, b1 - b0, step, b0 * gh, gh, whhBackward[ld], true, dh, b0 * hidden,
                    hidden);
        }
        storeStates(dh, dhx, stateBase, b0, b1);
        storeStates(dc, dcx, stateBase, b0, b1);
    }

    // ---------------------------------------------------------------- backward weights

    void backwardWeights(int[] lengths, RnnChecks.Geometry g, RnnTensors io, CpuTensor dWeights) {
        requireState(State.BACKWARD_DATA_DONE, "rnnBackwardWeights", lengths, g);
        final int tb = g.seqLength() * g.batch();
        final A dw = k.data(dWeights);
        for (int l = 0; l < layers; l++) {
            int in = spec.layerInputSize(l);
            A x = l == 0 ? layerZeroInput(lengths, g, io) : out[l - 1];
            for (int d = 0; d < dirs; d++) {
                int ld = l * dirs + d;
                int wIh = plan.offset(l, d, RnnParam.Kind.WEIGHT_IH);
                int wHh = plan.offset(l, d, RnnParam.Kind.WEIGHT_HH);
                int bIh = plan.offset(l, d, RnnParam.Kind.BIAS_IH);
                int bHh = plan.offset(l, d, RnnParam.Kind.BIAS_HH);
                // The bias gradients are dG's column sums, taken while the weight-gradient GEMM reads dG.
                if (dGatesRec[ld] == dGates[ld]) {
                    // LSTM: b_ih and b_hh see the same dG, so their gradient is summed once and added to both.
                    k.zero(biasGrad, 0, gh);
                    k.gemmTransAColumnSums(threads(), gh, in, tb, dGates[ld], 0, gh, x, 0, in, true, dw, wIh, in,
                            biasGrad, 0);
                    k.gemm(threads(), true, false, gh, hidden, tb, dGatesRec[ld], 0, gh, hPrev[ld], 0, hidden, true,
                            dw, wHh, hidden);
                    k.add(dw, bIh, biasGrad, 0, dw, bIh, gh);
                    k.add(dw, bHh, biasGrad, 0, dw, bHh, gh);
                } else {
                    k.gemmTransAColumnSums(threads(), gh, in, tb, dGates[ld], 0, gh, x, 0, in, true, dw, wIh, in,
                            dw, bIh);
                    k.gemmTransAColumnSums(threads(), gh, hidden, tb, dGatesRec[ld], 0, gh, hPrev[ld], 0, hidden,
                            true, dw, wHh, hidden, dw, bHh);
                }
            }
        }
    }

    /** x itself, or a copy with padded steps zeroed: cuDNN ignores them, and 0 * NaN would poison dW. */
    private A layerZeroInput(int[] lengths, RnnChecks.Geometry g, RnnTensors io) {
        A x = k.data((CpuTensor) io.x());
        boolean padded = Arrays.stream(lengths).anyMatch(len -> len < g.seqLength());
        if (!padded) {
            return x;
        }
        int n = g.seqLength() * g.batch() * spec.inputSize();
        if (xClean == null) {
            xClean = k.alloc(maxT * maxB * spec.inputSize());
        }
        k.copy(x, 0, xClean, 0, n);
        zeroPadding(xClean, spec.inputSize(), lengths, g.seqLength(), g.batch(), 0, spec.inputSize());
        return xClean;
    }
}
