package dev.gated.engine.model;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.SgdConfig;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.rnn.RnnGradients;
import dev.gated.engine.rnn.RnnMode;
import dev.gated.engine.rnn.RnnParam;
import dev.gated.engine.rnn.RnnPlan;
import dev.gated.engine.rnn.RnnSpec;
import dev.gated.engine.rnn.RnnTensors;
import dev.gated.engine.rnn.RnnWorkspace;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Sequence-to-one regression: an RNN, the top layer's output at each sequence's last valid step, a linear head,
 * and MSE. In PyTorch terms it is an {@code nn.LSTM}/{@code nn.GRU} called {@code rnn} followed by an
 * {@code nn.Linear} called {@code head}, and its parameters carry exactly those names ({@code rnn.weight_ih_l0},
 * ..., {@code head.weight}, {@code head.bias}).
 *
 * <p>For a bidirectional RNN the head reads the forward output at step {@code len-1} followed by the reverse
 * output at step 0, which is what PyTorch's output holds at those steps.
 *
 * <p>Everything runs on the given {@link Backend}: the RNN weights live in the plan's flat weight buffer, the
 * head in two tensors, and activations in buffers reused while the batch geometry stays the same. Not
 * thread-safe.
 */
public final class SequenceRegressor implements AutoCloseable {
    public static final String RNN_PREFIX = "rnn.";
    public static final String HEAD_WEIGHT = "head.weight";
    public static final String HEAD_BIAS = "head.bias";

    private final Backend backend;
    private final RnnSpec spec;
    private final int outputSize;
    private final RnnPlan plan;
    private final Tensor rnnWeights;
    private final Tensor rnnGrad;
    private final Tensor headWeight;
    private final Tensor headWeightGrad;
    private final Tensor headBias;
    private final Tensor headBiasGrad;
    /** Buffers per batch geometry (T, B), least recently used first; at most {@link #MAX_GEOMETRIES}. */
    private final Map<Long, Buffers> buffers = new LinkedHashMap<>(4, 0.75f, true);
    private static final int MAX_GEOMETRIES = 2;
    private long updates;
    private boolean closed;

    /**
     * A model with freshly initialised parameters, drawn from {@code new SplittableRandom(seed)} in PyTorch's
     * order and with its bounds: the RNN tensors (state_dict order) uniform in [-1/sqrt(H), 1/sqrt(H)), then
     * the head's weight and bias uniform in [-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = D*H.
     */
    public SequenceRegressor(Backend backend, RnnSpec spec, int outputSize, long seed) {
        if (backend == null) {
            throw new IllegalArgumentException("backend: required, got null");
        }
        if (spec == null) {
            throw new IllegalArgumentException("spec: required, got null");
        }
        if (outputSize <= 0) {
            throw new IllegalArgumentException("outputSize: expected > 0, got " + outputSize);
        }
        this.backend = backend;
        this.spec = spec;
        this.outputSize = outputSize;
        int fanIn = spec.outputSize();
        this.plan = backend.rnnPlan(spec);
        this.rnnWeights = backend.allocate(spec.dtype(), Shape.of(plan.weightSpaceSize()));
        this.rnnGrad = backend.allocate(spec.dtype(), Shape.of(plan.weightSpaceSize()));
        this.headWeight = backend.allocate(spec.dtype(), Shape.of(outputSize, fanIn));
        this.headWeightGrad = backend.allocate(spec.dtype(), Shape.of(outputSize, fanIn));
        this.headBias = backend.allocate(spec.dtype(), Shape.of(outputSize));
        this.headBiasGrad = backend.allocate(spec.dtype(), Shape.of(outputSize));

        SplittableRandom rnd = new SplittableRandom(seed);
        double rnnBound = 1 / Math.sqrt(spec.hiddenSize());
        for (RnnParam p : spec.parameters()) {
            writeParameter(RNN_PREFIX + p.name(), uniform(rnd, p.shape().numel(), rnnBound));
        }
        double headBound = 1 / Math.sqrt(fanIn);
        writeParameter(HEAD_WEIGHT, uniform(rnd, outputSize * fanIn, headBound));
        writeParameter(HEAD_BIAS, uniform(rnd, outputSize, headBound));
    }

    private static double[] uniform(SplittableRandom rnd, int n, double bound) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextDouble(-bound, bound);
        }
        return v;
    }

    public Backend backend() {
        return backend;
    }

    public RnnSpec spec() {
        return spec;
    }

    public int outputSize() {
        return outputSize;
    }

    /** Number of SGD updates applied so far. */
    public long updates() {
        return updates;
    }

    /** Trainable scalars: the RNN's and the head's. */
    public long parameterCount() {
        return spec.parameterCount() + (long) outputSize * spec.outputSize() + outputSize;
    }

    /** PyTorch names, in state_dict order: {@code rnn.*} then {@code head.weight}, {@code head.bias}. */
    public List<String> parameterNames() {
        List<String> names = new ArrayList<>();
        for (RnnParam p : spec.parameters()) {
            names.add(RNN_PREFIX + p.name());
        }
        names.add(HEAD_WEIGHT);
        names.add(HEAD_BIAS);
        return Collections.unmodifiableList(names);
    }

    public Shape parameterShape(String name) {
        return switch (name) {
            case HEAD_WEIGHT -> headWeight.shape();
            case HEAD_BIAS -> headBias.shape();
            default -> spec.parameter(rnnName(name)).shape();
        };
    }

    /** A parameter's values, row-major, in its PyTorch shape. */
    public double[] readParameter(String name) {
        return read(name, false);
    }

    /** The gradient of the last {@link #forwardBackward} for a parameter, in its PyTorch shape. */
    public double[] readGradient(String name) {
        return read(name, true);
    }

    /** Overwrites a parameter; {@code values} are row-major in the parameter's PyTorch shape. */
    public void writeParameter(String name, double[] values) {
        ensureOpen();
        Shape shape = parameterShape(name);
        if (values == null || values.length != shape.numel()) {
            throw new IllegalArgumentException(name + ": expected " + shape.numel() + " values for shape " + shape
                    + ", got " + (values == null ? "null" : values.length));
        }
        switch (name) {
            case HEAD_WEIGHT -> uploadInto(values, headWeight);
            case HEAD_BIAS -> uploadInto(values, headBias);
            default -> {
                try (Tensor t = backend.upload(values, shape, spec.dtype())) {
                    plan.writeParameter(rnnWeights, rnnName(name), t);
                }
            }
        }
    }

    private void uploadInto(double[] values, Tensor dst) {
        try (Tensor t = backend.upload(values, dst.shape(), spec.dtype())) {
            backend.copy(t, dst);
        }
    }

    private double[] read(String name, boolean gradient) {
        ensureOpen();
        return switch (name) {
            case HEAD_WEIGHT -> backend.download(gradient ? headWeightGrad : headWeight);
            case HEAD_BIAS -> backend.download(gradient ? headBiasGrad : headBias);
            default -> {
                String rnnName = rnnName(name);
                try (Tensor t = backend.allocate(spec.dtype(), spec.parameter(rnnName).shape())) {
                    plan.readParameter(gradient ? rnnGrad : rnnWeights, rnnName, t);
                    yield backend.download(t);
                }
            }
        };
    }

    private String rnnName(String name) {
        if (name == null || !name.startsWith(RNN_PREFIX)) {
            throw new IllegalArgumentException("parameter '" + name + "' is not part of this model; expected one of "
                    + parameterNames());
        }
        return name.substring(RNN_PREFIX.length());
    }

    // ---- compute ----

    /** The model's predictions [B, O], row-major (inference mode). */
    public float[] predict(SequenceBatch batch) {
        try (Step s = forward(batch, RnnMode.INFERENCE)) {
            return backend.downloadFloat(s.buffers.pred);
        }
    }

    /** The MSE on a batch, averaged over samples and outputs (inference mode; no gradients). */
    public double loss(SequenceBatch batch) {
        try (Step s = forward(batch, RnnMode.INFERENCE)) {
            return backend.mseLoss(s.buffers.pred, s.target, null);
        }
    }

    /**
     * The loss on a batch and the gradients of every parameter (overwritten, not accumulated), readable with
     * {@link #readGradient} and applied by {@link #sgdUpdate}.
     */
    public double forwardBackward(SequenceBatch batch) {
        try (Step s = forward(batch, RnnMode.TRAINING)) {
            Buffers b = s.buffers;
            double loss = backend.mseLoss(b.pred, s.target, b.dPred);
            // Head: pred = last * W^T + bias.
            backend.gemm(true, false, 1, b.dPred, b.last, 0, headWeightGrad);
            backend.sumRows(b.dPred, headBiasGrad, false);
            backend.gemm(false, false, 1, b.dPred, headWeight, 0, b.dLast);
            // Only the gathered steps of y receive a gradient.
            backend.fill(b.dy, 0);
            backend.scatterAddRows(b.dLastRows, s.rows, b.dyRows);
            RnnTensors io = RnnTensors.of(s.x, b.y);
            backend.rnnBackwardData(plan, b.workspace, batch.lengths(), io, RnnGradients.of(b.dy, b.dx), rnnWeights);
            backend.fill(rnnGrad, 0);
            backend.rnnBackwardWeights(plan, b.workspace, batch.lengths(), io, rnnGrad);
            return loss;
        }
    }

    /** One plain-SGD update with the gradients of the last {@link #forwardBackward}. */
    public void sgdUpdate(SgdConfig config) {
        ensureOpen();
        updates++;
        backend.sgdStep(rnnWeights, rnnGrad, null, config, updates);
        backend.sgdStep(headWeight, headWeightGrad, null, config, updates);
        backend.sgdStep(headBias, headBiasGrad, null, config, updates);
    }

    /** {@link #forwardBackward} then {@link #sgdUpdate}; returns the loss before the update. */
    public double trainStep(SequenceBatch batch, SgdConfig config) {
        double loss = forwardBackward(batch);
        sgdUpdate(config);
        return loss;
    }

    /** RNN forward, gather of the last valid steps, head; leaves pred in the buffers. */
    private Step forward(SequenceBatch batch, RnnMode mode) {
        ensureOpen();
        if (batch.inputSize() != spec.inputSize() || batch.outputSize() != outputSize) {
            throw new IllegalArgumentException("batch: expected inputSize " + spec.inputSize() + " and outputSize "
                    + outputSize + ", got " + batch.inputSize() + " and " + batch.outputSize());
        }
        int t = batch.seqLength();
        int bs = batch.batchSize();
        Buffers b = buffers(t, bs);
        Tensor x = backend.upload(batch.x(), spec.inputShape(t, bs), spec.dtype());
        Tensor target = null;
        try {
            target = backend.upload(batch.y(), Shape.of(bs, outputSize), spec.dtype());
            int[] rows = lastStepRows(batch.lengths(), bs, spec.directions());
            backend.rnnForward(plan, b.workspace, mode, batch.lengths(), RnnTensors.of(x, b.y), rnnWeights);
            backend.gatherRows(b.yRows, rows, b.lastRows);
            backend.gemm(false, true, 1, b.last, headWeight, 0, b.pred);
            backend.addRowVector(b.pred, headBias);
            return new Step(b, x, target, rows);
        } catch (RuntimeException e) {
            x.close();
            if (target != null) {
                target.close();
            }
            throw e;
        }
    }

    /**
     * Rows of y viewed as [T*B*D, H] that feed the head, in the order of last viewed as [B*D, H]: for sequence b,
     * direction 0 at step len-1, direction 1 (reverse) at step 0.
     */
    static int[] lastStepRows(int[] lengths, int batch, int directions) {
        int[] rows = new int[batch * directions];
        for (int b = 0; b < batch; b++) {
            rows[b * directions] = ((lengths[b] - 1) * batch + b) * directions;
            if (directions == 2) {
                rows[b * directions + 1] = b * directions + 1;
            }
        }
        return rows;
    }

    /** Training batches and an evaluation batch usually differ in size: both keep their buffers. */
    private Buffers buffers(int seqLength, int batch) {
        long key = ((long) seqLength << 32) | batch;
        Buffers b = buffers.get(key);
        if (b == null) {
            if (buffers.size() >= MAX_GEOMETRIES) {
                Iterator<Buffers> eldest = buffers.values().iterator();
                eldest.next().close();
                eldest.remove();
            }
            b = new Buffers(seqLength, batch);
            buffers.put(key, b);
        }
        return b;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this SequenceRegressor is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        buffers.values().forEach(Buffers::close);
        buffers.clear();
        for (Tensor t : new Tensor[] {rnnWeights, rnnGrad, headWeight, headWeightGrad, headBias, headBiasGrad}) {
            t.close();
        }
        plan.close();
    }

    /** The per-call tensors of one forward pass. */
    private record Step(Buffers buffers, Tensor x, Tensor target, int[] rows) implements AutoCloseable {
        @Override
        public void close() {
            x.close();
            target.close();
        }
    }

    /** Activations and their gradients for one batch geometry, reused across steps. */
    private final class Buffers implements AutoCloseable {
        final RnnWorkspace workspace;
        final Tensor y;
        final Tensor dy;
        final Tensor dx;
        final Tensor last;
        final Tensor dLast;
        final Tensor pred;
        final Tensor dPred;
        /** Views: y and dy as [T*B*D, H], last and dLast as [B*D, H]. */
        final Tensor yRows;
        final Tensor dyRows;
        final Tensor lastRows;
        final Tensor dLastRows;

        Buffers(int seqLength, int batch) {
            int d = spec.directions();
            int h = spec.hiddenSize();
            this.workspace = plan.workspace(seqLength, batch);
            this.y = backend.allocate(spec.dtype(), spec.outputShape(seqLength, batch));
            this.dy = backend.allocate(spec.dtype(), spec.outputShape(seqLength, batch));
            this.dx = backend.allocate(spec.dtype(), spec.inputShape(seqLength, batch));
            this.last = backend.allocate(spec.dtype(), Shape.of(batch, d * h));
            this.dLast = backend.allocate(spec.dtype(), Shape.of(batch, d * h));
            this.pred = backend.allocate(spec.dtype(), Shape.of(batch, outputSize));
            this.dPred = backend.allocate(spec.dtype(), Shape.of(batch, outputSize));
            this.yRows = y.reshape(seqLength * batch * d, h);
            this.dyRows = dy.reshape(seqLength * batch * d, h);
            this.lastRows = last.reshape(batch * d, h);
            this.dLastRows = dLast.reshape(batch * d, h);
        }

        @Override
        public void close() {
            for (Tensor t : new Tensor[] {y, dy, dx, last, dLast, pred, dPred}) {
                t.close();
            }
            workspace.close();
        }
    }
}
