package dev.gated.engine.model;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.BinaryOp;
import dev.gated.engine.backend.CounterRng;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.rnn.CellType;
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
 * An RNN followed by a linear head. In PyTorch terms it is an {@code nn.LSTM}/{@code nn.GRU} called {@code rnn}
 * followed by an {@code nn.Linear} called {@code head}, and its parameters carry exactly those names
 * ({@code rnn.weight_ih_l0}, ..., {@code head.weight}, {@code head.bias}). The {@link Objective} decides which RNN
 * outputs the head reads and the loss:
 * <ul>
 *   <li>regression and classification: the top layer's output at each sequence's last valid step (for a
 *       bidirectional RNN the forward output at step {@code len-1} followed by the reverse output at step 0, which
 *       is what PyTorch's output holds at those steps), then MSE or softmax cross-entropy, averaged over the
 *       batch (and outputs);</li>
 *   <li>language model: the output at every valid step, softmax cross-entropy averaged over valid steps.</li>
 * </ul>
 *
 * <p>With {@link Stacking} options (residual, layer norm) or between-layer dropout the layers run as separate RNN
 * calls ({@link LayerStack}); the RNN weights keep their fused names, and layer norm adds
 * {@code layer_norms.<k>.weight/bias} between the {@code rnn.*} and {@code head.*} parameters.
 *
 * <p>Everything runs on the given {@link Backend}: the RNN weights live in the plan's flat weight buffer, the
 * head in two tensors, and activations in buffers reused while the batch geometry stays the same. Not
 * thread-safe.
 */
public final class SequenceModel implements AutoCloseable {
    public static final String RNN_PREFIX = "rnn.";
    public static final String HEAD_WEIGHT = "head.weight";
    public static final String HEAD_BIAS = "head.bias";
    /** PyTorch-style names of the LayerNorm after layer k: {@code layer_norms.<k>.weight} and {@code .bias}. */
    public static final String LAYER_NORM_PREFIX = "layer_norms.";

    /** Parameter groups, each one tensor on the backend: the RNN's flat buffer, the head's weight and bias. */
    static final int RNN = 0;
    static final int WEIGHT = 1;
    static final int BIAS = 2;

    private final Backend backend;
    private final RnnSpec spec;
    private final int outputSize;
    private final Objective objective;
    private final HeadLoss headLoss;
    private final RnnPlan plan;
    private final long seed;
    private final Dropout dropout;
    private final Stacking stacking;
    /** The layers as separate RNN calls, or null for the single fused call. */
    private final LayerStack stack;
    /** The step that keys the dropout masks of {@link #forwardBackward(SequenceBatch)} calls. */
    private long dropoutCalls;
    /** Parameters and gradients by group (RNN, WEIGHT, BIAS, then per layer LayerNorm gain and bias). */
    private final Tensor[] params;
    private final Tensor[] grads;
    /** Buffers per batch geometry, least recently used first; at most {@link #MAX_GEOMETRIES}. */
    private final Map<Geometry, Buffers> buffers = new LinkedHashMap<>(4, 0.75f, true);
    private static final int MAX_GEOMETRIES = 2;
    private boolean closed;

    /**
     * A model with freshly initialised parameters, drawn from {@code new SplittableRandom(seed)} in PyTorch's
     * order and with its bounds: the RNN tensors (state_dict order) uniform in [-1/sqrt(H), 1/sqrt(H)), then
     * the head's weight and bias uniform in [-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = D*H; no dropout.
     */
    public SequenceModel(Backend backend, RnnSpec spec, int outputSize, Objective objective, long seed) {
        this(backend, spec, outputSize, objective, seed, Init.DEFAULT, Dropout.NONE);
    }

    /**
     * A model initialised as {@link #SequenceModel(Backend, RnnSpec, int, Objective, long)} and then by
     * {@code init} ({@link Initializer}), with {@code dropout} in training passes.
     */
    public SequenceModel(Backend backend, RnnSpec spec, int outputSize, Objective objective, long seed, Init init,
                         Dropout dropout) {
        this(backend, spec, outputSize, objective, seed, init, dropout, Stacking.NONE, false);
    }

    /**
     * As {@link #SequenceModel(Backend, RnnSpec, int, Objective, long, Init, Dropout)}, with the layers joined as
     * {@code stacking} says; LayerNorm gains start at 1 and biases at 0 (PyTorch's), drawn after everything else,
     * so the RNN and head weights are those of the same seed without the options.
     */
    public SequenceModel(Backend backend, RnnSpec spec, int outputSize, Objective objective, long seed, Init init,
                         Dropout dropout, Stacking stacking) {
        this(backend, spec, outputSize, objective, seed, init, dropout, stacking, false);
    }

    /**
     * As {@link #SequenceModel(Backend, RnnSpec, int, Objective, long, Init, Dropout, Stacking)}, scored by
     * {@code loss} (e.g. {@link HeadLoss.Quantile} for quantile forecasts) instead of the objective's default.
     */
    public SequenceModel(Backend backend, RnnSpec spec, int outputSize, Objective objective, long seed, Init init,
                         Dropout dropout, Stacking stacking, HeadLoss loss) {
        this(backend, spec, outputSize, objective, seed, init, dropout, stacking, false, loss);
    }

    SequenceModel(Backend backend, RnnSpec spec, int outputSize, Objective objective, long seed, Init init,
                  Dropout dropout, Stacking stacking, boolean layerwise) {
        this(backend, spec, outputSize, objective, seed, init, dropout, stacking, layerwise,
                objective == null ? null : HeadLoss.defaultFor(objective));
    }

    /** {@code layerwise}: run the layers as separate calls even with no option that needs it (for tests). */
    SequenceModel(Backend backend, RnnSpec spec, int outputSize, Objective objective, long seed, Init init,
                  Dropout dropout, Stacking stacking, boolean layerwise, HeadLoss loss) {
        if (backend == null) {
            throw new IllegalArgumentException("backend: required, got null");
        }
        if (spec == null) {
            throw new IllegalArgumentException("spec: required, got null");
        }
        if (outputSize <= 0) {
            throw new IllegalArgumentException("outputSize: expected > 0, got " + outputSize);
        }
        if (objective == null) {
            throw new IllegalArgumentException("objective: required, got null");
        }
        if (loss == null) {
            throw new IllegalArgumentException("loss: required, got null");
        }
        loss.check(objective, outputSize);
        if (init == null || dropout == null || stacking == null) {
            throw new IllegalArgumentException("init, dropout, stacking: required, got " + init + ", " + dropout
                    + ", " + stacking);
        }
        if (spec.numLayers() < 2 && (stacking.residual() || dropout.between() > 0)) {
            throw new IllegalArgumentException((stacking.residual() ? "residual" : "dropout between layers")
                    + ": needs a stacked RNN (layers >= 2), got layers " + spec.numLayers());
        }
        this.stacking = stacking;
        this.headLoss = loss;
        this.seed = seed;
        this.dropout = dropout;
        this.backend = backend;
        this.spec = spec;
        this.outputSize = outputSize;
        this.objective = objective;
        int fanIn = spec.outputSize();
        this.plan = backend.rnnPlan(spec);
        boolean separate = layerwise || stacking.residual() || stacking.layerNorm() || dropout.between() > 0;
        this.stack = separate ? new LayerStack(backend, spec, stacking, dropout.between()) : null;
        int groups = 3 + (stacking.layerNorm() ? 2 * spec.numLayers() : 0);
        Shape[] shapes = new Shape[groups];
        shapes[RNN] = Shape.of(plan.weightSpaceSize());
        shapes[WEIGHT] = Shape.of(outputSize, fanIn);
        shapes[BIAS] = Shape.of(outputSize);
        for (int g = 3; g < groups; g++) {
            shapes[g] = Shape.of(fanIn);
        }
        this.params = new Tensor[groups];
        this.grads = new Tensor[groups];
        for (int g = 0; g < groups; g++) {
            params[g] = backend.allocate(spec.dtype(), shapes[g]);
            grads[g] = backend.allocate(spec.dtype(), shapes[g]);
        }

        SplittableRandom rnd = new SplittableRandom(seed);
        double rnnBound = 1 / Math.sqrt(spec.hiddenSize());
        for (RnnParam p : spec.parameters()) {
            writeParameter(RNN_PREFIX + p.name(), uniform(rnd, p.shape().numel(), rnnBound));
        }
        double headBound = 1 / Math.sqrt(fanIn);
        writeParameter(HEAD_WEIGHT, uniform(rnd, outputSize * fanIn, headBound));
        writeParameter(HEAD_BIAS, uniform(rnd, outputSize, headBound));
        Initializer.apply(this, init, seed);
        for (int k = 0; stacking.layerNorm() && k < spec.numLayers(); k++) {
            backend.fill(params[layerNormGroup(k, true)], 1);
        }
    }

    /** The group of layer k's LayerNorm gain ({@code weight}) or bias. */
    private static int layerNormGroup(int k, boolean weight) {
        return 3 + 2 * k + (weight ? 0 : 1);
    }

    /** A regression model (the objective of the original sequence regressor). */
    public SequenceModel(Backend backend, RnnSpec spec, int outputSize, long seed) {
        this(backend, spec, outputSize, Objective.REGRESSION, seed);
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

    public Objective objective() {
        return objective;
    }

    /** How the head's outputs are scored. */
    public HeadLoss headLoss() {
        return headLoss;
    }

    public Dropout dropout() {
        return dropout;
    }

    public Stacking stacking() {
        return stacking;
    }

    /** Trainable scalars: the RNN's and the head's. */
    public long parameterCount() {
        long layerNorms = stacking.layerNorm() ? 2L * spec.numLayers() * spec.outputSize() : 0;
        return spec.parameterCount() + layerNorms + (long) outputSize * spec.outputSize() + outputSize;
    }

    /**
     * PyTorch names, in state_dict order: {@code rnn.*}, then (with layer norm) {@code layer_norms.<k>.weight},
     * {@code layer_norms.<k>.bias} per layer, then {@code head.weight}, {@code head.bias}.
     */
    public List<String> parameterNames() {
        List<String> names = new ArrayList<>();
        for (RnnParam p : spec.parameters()) {
            names.add(RNN_PREFIX + p.name());
        }
        for (int k = 0; stacking.layerNorm() && k < spec.numLayers(); k++) {
            names.add(LAYER_NORM_PREFIX + k + ".weight");
            names.add(LAYER_NORM_PREFIX + k + ".bias");
        }
        names.add(HEAD_WEIGHT);
        names.add(HEAD_BIAS);
        return Collections.unmodifiableList(names);
    }

    public Shape parameterShape(String name) {
        return switch (name) {
            case HEAD_WEIGHT -> params[WEIGHT].shape();
            case HEAD_BIAS -> params[BIAS].shape();
            default -> layerNormGroup(name) >= 0 ? params[layerNormGroup(name)].shape()
                    : spec.parameter(rnnName(name)).shape();
        };
    }

    /** A parameter's values, row-major, in its PyTorch shape. */
    public double[] readParameter(String name) {
        return read(name, params);
    }

    /** The gradient of the last {@link #forwardBackward} for a parameter, in its PyTorch shape. */
    public double[] readGradient(String name) {
        return read(name, grads);
    }

    /** Overwrites a parameter; {@code values} are row-major in the parameter's PyTorch shape. */
    public void writeParameter(String name, double[] values) {
        write(name, values, params);
    }

    /** Reads parameter {@code name}'s part of per-group tensors laid out like the parameters (e.g. Adam's moments). */
    double[] read(String name, Tensor[] groups) {
        ensureOpen();
        return switch (name) {
            case HEAD_WEIGHT -> backend.download(groups[WEIGHT]);
            case HEAD_BIAS -> backend.download(groups[BIAS]);
            default -> {
                if (layerNormGroup(name) >= 0) {
                    yield backend.download(groups[layerNormGroup(name)]);
                }
                String rnnName = rnnName(name);
                try (Tensor t = backend.allocate(spec.dtype(), spec.parameter(rnnName).shape())) {
                    plan.readParameter(groups[RNN], rnnName, t);
                    yield backend.download(t);
                }
            }
        };
    }

    /** Writes parameter {@code name}'s part of per-group tensors laid out like the parameters. */
    void write(String name, double[] values, Tensor[] groups) {
        ensureOpen();
        Shape shape = parameterShape(name);
        if (values == null || values.length != shape.numel()) {
            throw new IllegalArgumentException(name + ": expected " + shape.numel() + " values for shape " + shape
                    + ", got " + (values == null ? "null" : values.length));
        }
        switch (name) {
            case HEAD_WEIGHT -> uploadInto(values, groups[WEIGHT]);
            case HEAD_BIAS -> uploadInto(values, groups[BIAS]);
            default -> {
                if (layerNormGroup(name) >= 0) {
                    uploadInto(values, groups[layerNormGroup(name)]);
                    return;
                }
                try (Tensor t = backend.upload(values, shape, spec.dtype())) {
                    plan.writeParameter(groups[RNN], rnnName(name), t);
                }
            }
        }
    }

    private void uploadInto(double[] values, Tensor dst) {
        try (Tensor t = backend.upload(values, dst.shape(), spec.dtype())) {
            backend.copy(t, dst);
        }
    }

    /** The group of a {@code layer_norms.<k>.weight/bias} name of this model, or -1 for any other name. */
    private int layerNormGroup(String name) {
        if (!stacking.layerNorm() || name == null || !name.startsWith(LAYER_NORM_PREFIX)) {
            return -1;
        }
        String rest = name.substring(LAYER_NORM_PREFIX.length());
        for (int k = 0; k < spec.numLayers(); k++) {
            if (rest.equals(k + ".weight")) {
                return layerNormGroup(k, true);
            }
            if (rest.equals(k + ".bias")) {
                return layerNormGroup(k, false);
            }
        }
        return -1;
    }

    private String rnnName(String name) {
        if (name == null || !name.startsWith(RNN_PREFIX)) {
            throw new IllegalArgumentException("parameter '" + name + "' is not part of this model; expected one of "
                    + parameterNames());
        }
        return name.substring(RNN_PREFIX.length());
    }

    /** The parameter tensors by group, for the optimizer. */
    Tensor[] parameterGroups() {
        ensureOpen();
        return params.clone();
    }

    /** The gradient tensors by group, for the optimizer. */
    Tensor[] gradientGroups() {
        ensureOpen();
        return grads.clone();
    }

    // ---- gradients as a whole ----

    /** The global L2 norm of all gradients (as {@code torch.nn.utils.clip_grad_norm_} computes it). */
    public double gradientNorm() {
        ensureOpen();
        double sum = 0;
        for (Tensor g : grads) {
            sum += backend.sumOfSquares(g);
        }
        return Math.sqrt(sum);
    }

    /**
     * Clips the gradients to a global norm of at most {@code maxNorm}, like PyTorch's {@code clip_grad_norm_}
     * (scale = maxNorm / (norm + 1e-6) when that is below 1); returns the norm before clipping.
     */
    public double clipGradientNorm(double maxNorm) {
        double norm = gradientNorm();
        double scale = maxNorm / (norm + 1e-6);
        if (scale < 1) {
            for (Tensor g : grads) {
                backend.axpby(0, g, scale, g);
            }
        }
        return norm;
    }

    /**
     * Clamps every gradient element to [-clipValue, clipValue], like PyTorch's {@code clip_grad_value_}; composed
     * from element-wise MIN and MAX against filled tensors, so every backend runs it unchanged.
     */
    public void clipGradientValue(double clipValue) {
        ensureOpen();
        if (!(clipValue > 0) || !Double.isFinite(clipValue)) {
            throw new IllegalArgumentException("clipValue: expected a finite number > 0, got " + clipValue);
        }
        for (Tensor g : grads) {
            try (Tensor bound = backend.allocate(g.dtype(), g.shape())) {
                backend.fill(bound, clipValue);
                backend.binary(BinaryOp.MIN, g, bound, g);
                backend.fill(bound, -clipValue);
                backend.binary(BinaryOp.MAX, g, bound, g);
            }
        }
    }

    /** The name of the first parameter whose gradient holds a NaN or infinity, or null when all are finite. */
    public String firstNonFiniteGradient() {
        ensureOpen();
        for (int g = 0; g < grads.length; g++) {
            if (!backend.allFinite(grads[g])) {
                if (g == RNN) {
                    for (RnnParam p : spec.parameters()) {
                        for (double v : readGradient(RNN_PREFIX + p.name())) {
                            if (!Double.isFinite(v)) {
                                return RNN_PREFIX + p.name();
                            }
                        }
                    }
                }
                if (g >= 3) {
                    return LAYER_NORM_PREFIX + (g - 3) / 2 + ((g - 3) % 2 == 0 ? ".weight" : ".bias");
                }
                return g == WEIGHT ? HEAD_WEIGHT : g == BIAS ? HEAD_BIAS : RNN_PREFIX + "(flat weights)";
            }
        }
        return null;
    }

    // ---- compute ----

    /**
     * The head's outputs in inference mode, row-major [rows, O]: one row per sequence (regression: predicted
     * values; classification: logits), or for a language model one row per valid step in (t, b) order.
     */
    public float[] predict(SequenceBatch batch) {
        try (Pass s = forward(batch, RnnMode.INFERENCE, null)) {
            return backend.downloadFloat(s.buffers.pred);
        }
    }

    /** The loss on a batch (inference mode; no gradients). */
    public double loss(SequenceBatch batch) {
        try (Pass s = forward(batch, RnnMode.INFERENCE, null)) {
            return loss(s, batch, false);
        }
    }

    /** The loss and the head's outputs (as {@link #predict}) in one inference pass. */
    public Evaluation evaluate(SequenceBatch batch) {
        try (Pass s = forward(batch, RnnMode.INFERENCE, null)) {
            double loss = loss(s, batch, false);
            return new Evaluation(loss, backend.downloadFloat(s.buffers.pred), s.buffers.geometry.rows);
        }
    }

    /** A batch's mean loss and the head's outputs, [rows, O] row-major. */
    public record Evaluation(double loss, float[] outputs, int rows) {
    }

    /**
     * The loss on a batch and the gradients of every parameter (overwritten, not accumulated), readable with
     * {@link #readGradient} and applied by an {@link Optimizer}. Dropout masks are keyed by a count of these
     * calls; the trainer uses {@link #forwardBackward(SequenceBatch, long)} with its step instead.
     */
    public double forwardBackward(SequenceBatch batch) {
        return forwardBackward(batch, dropoutCalls++);
    }

    /**
     * As {@link #forwardBackward(SequenceBatch)}, with dropout masks keyed by (seed, {@code step}, site): the same
     * step draws the same masks on every backend and after a resume.
     */
    public double forwardBackward(SequenceBatch batch, long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step: expected >= 0, got " + step);
        }
        try (Pass s = forward(batch, RnnMode.TRAINING, null, step)) {
            Buffers b = s.buffers;
            double loss = loss(s, batch, true);
            // Head: pred = readout * W^T + bias (readout after output dropout, when there is one).
            backend.gemm(true, false, 1, b.dPred, s.readout, 0, grads[WEIGHT]);
            backend.sumRows(b.dPred, grads[BIAS], false);
            if (s.outputSeed != null) {
                backend.gemm(false, false, 1, b.dPred, params[WEIGHT], 0, b.dReadoutPre);
                // Dropout's backward is the same call on the gradient with the same seed and offset.
                backend.dropout(b.dReadoutPre, b.dReadout, dropout.output(), s.outputSeed, 0);
            } else {
                backend.gemm(false, false, 1, b.dPred, params[WEIGHT], 0, b.dReadout);
            }
            // Only the steps the head read receive a gradient.
            backend.fill(b.dy, 0);
            backend.scatterAddRows(b.dReadoutRows, s.rows, b.dyRows);
            if (stack != null) {
                stack.backward(b.layers, batch.lengths(), b.dy, b.dx, layerNormParams(params),
                        layerNormParams(grads), s.betweenSeeds, plan, grads[RNN]);
                return loss;
            }
            RnnTensors io = RnnTensors.of(s.x, b.y);
            backend.rnnBackwardData(plan, b.workspace, batch.lengths(), io, RnnGradients.of(b.dy, b.dx), params[RNN]);
            backend.fill(grads[RNN], 0);
            backend.rnnBackwardWeights(plan, b.workspace, batch.lengths(), io, grads[RNN]);
            return loss;
        }
    }

    private double loss(Pass s, SequenceBatch batch, boolean withGradient) {
        return headLoss.compute(backend, objective, s.buffers.pred, batch, withGradient ? s.buffers.dPred : null);
    }

    private static int validSteps(int[] lengths) {
        int n = 0;
        for (int len : lengths) {
            n += len;
        }
        return n;
    }

    private Pass forward(SequenceBatch batch, RnnMode mode, State state) {
        return forward(batch, mode, state, -1);
    }

    /** Dropout sites, part of each mask's key. */
    static final int SITE_INPUT = 0;
    static final int SITE_OUTPUT = 1;
    /** Between layers k and k+1: site SITE_BETWEEN + k. */
    static final int SITE_BETWEEN = 2;

    /** The seed of a dropout mask: a function of the model seed, the step and the site only. */
    static long dropoutSeed(long seed, long step, int site) {
        return CounterRng.mix(CounterRng.mix(seed ^ 0xD80F_0A75L) + CounterRng.mix(step) * 31 + site);
    }

    /**
     * RNN forward, gather of the rows the head reads, head; leaves the outputs in the buffers' pred. Dropout
     * applies when {@code dropoutStep >= 0} (training passes only).
     */
    private Pass forward(SequenceBatch batch, RnnMode mode, State state, long dropoutStep) {
        ensureOpen();
        if (batch.inputSize() != spec.inputSize()) {
            throw new IllegalArgumentException("batch: expected inputSize " + spec.inputSize() + ", got "
                    + batch.inputSize());
        }
        int t = batch.seqLength();
        int bs = batch.batchSize();
        boolean everyStep = objective.everyStep() && state == null;
        int[] rows = everyStep ? everyStepRows(batch.lengths(), bs, spec.directions())
                : lastStepRows(batch.lengths(), bs, spec.directions());
        Buffers b = buffers(new Geometry(t, bs, rows.length / spec.directions()));
        Tensor x = backend.upload(batch.x(), spec.inputShape(t, bs), spec.dtype());
        boolean drop = dropoutStep >= 0 && mode == RnnMode.TRAINING;
        if (drop && dropout.input() > 0) {
            Tensor raw = x;
            try {
                x = backend.allocate(spec.dtype(), raw.shape());
                backend.dropout(raw, x, dropout.input(), dropoutSeed(seed, dropoutStep, SITE_INPUT), 0);
            } finally {
                raw.close();
            }
        }
        try {
            long[] betweenSeeds = null;
            if (stack != null) {
                if (drop && dropout.between() > 0) {
                    betweenSeeds = new long[spec.numLayers() - 1];
                    for (int k = 0; k < betweenSeeds.length; k++) {
                        betweenSeeds[k] = dropoutSeed(seed, dropoutStep, SITE_BETWEEN + k);
                    }
                }
                stack.pullWeights(plan, params[RNN]);
                LayerStack.States states = state == null ? null
                        : new LayerStack.States(state.h, state.c, state.hNext, state.cNext);
                stack.forward(b.layers, mode, batch.lengths(), x, b.y, layerNormParams(params), betweenSeeds, states);
            } else {
                RnnTensors io = state == null ? RnnTensors.of(x, b.y)
                        : new RnnTensors(x, b.y, state.h[0], state.c == null ? null : state.c[0], state.hNext[0],
                        state.cNext == null ? null : state.cNext[0]);
                backend.rnnForward(plan, b.workspace, mode, batch.lengths(), io, params[RNN]);
            }
            backend.gatherRows(b.yRows, rows, b.readoutRows);
            Tensor readout = b.readout;
            Long outputSeed = null;
            if (drop && dropout.output() > 0) {
                outputSeed = dropoutSeed(seed, dropoutStep, SITE_OUTPUT);
                backend.dropout(b.readout, b.readoutDropped, dropout.output(), outputSeed, 0);
                readout = b.readoutDropped;
            }
            backend.gemm(false, true, 1, readout, params[WEIGHT], 0, b.pred);
            backend.addRowVector(b.pred, params[BIAS]);
            return new Pass(b, x, rows, readout, outputSeed, betweenSeeds);
        } catch (RuntimeException e) {
            x.close();
            throw e;
        }
    }

    /**
     * Rows of y viewed as [T*B*D, H] that feed the head, in the order of the readout viewed as [B*D, H]: for
     * sequence b, direction 0 at step len-1, direction 1 (reverse) at step 0.
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

    /** Rows of y viewed as [T*B*D, H] for every valid step (t, b), in (t, b) order, both directions at step t. */
    static int[] everyStepRows(int[] lengths, int batch, int directions) {
        int[] rows = new int[validSteps(lengths) * directions];
        int n = 0;
        int seqLength = 0;
        for (int len : lengths) {
            seqLength = Math.max(seqLength, len);
        }
        for (int t = 0; t < seqLength; t++) {
            for (int b = 0; b < batch; b++) {
                if (t < lengths[b]) {
                    for (int d = 0; d < directions; d++) {
                        rows[n++] = (t * batch + b) * directions + d;
                    }
                }
            }
        }
        return rows;
    }

    // ---- stepwise inference (text generation) ----

    /**
     * Recurrent state carried from one call of {@link #predictNext} to the next: h (and c for LSTM), each
     * [L*D, B, H], zeros at the start.
     */
    public final class State implements AutoCloseable {
        /** One tensor [L*D, B, H] for the fused RNN; one [D, B, H] per layer when the layers run separately. */
        private Tensor[] h;
        private Tensor[] c;
        private Tensor[] hNext;
        private Tensor[] cNext;
        private final int batch;

        private State(int batch) {
            this.batch = batch;
            int n = stack == null ? 1 : spec.numLayers();
            Shape shape = stack == null ? spec.stateShape(batch) : stack.layerSpec(0).stateShape(batch);
            boolean lstm = spec.cell() == CellType.LSTM;
            h = new Tensor[n];
            hNext = new Tensor[n];
            c = lstm ? new Tensor[n] : null;
            cNext = lstm ? new Tensor[n] : null;
            for (int k = 0; k < n; k++) {
                h[k] = backend.allocate(spec.dtype(), shape);
                hNext[k] = backend.allocate(spec.dtype(), shape);
                if (lstm) {
                    c[k] = backend.allocate(spec.dtype(), shape);
                    cNext[k] = backend.allocate(spec.dtype(), shape);
                }
            }
        }

        private void advance() {
            Tensor[] t = h;
            h = hNext;
            hNext = t;
            t = c;
            c = cNext;
            cNext = t;
        }

        @Override
        public void close() {
            for (Tensor[] ts : java.util.Arrays.asList(h, c, hNext, cNext)) {
                for (int k = 0; ts != null && k < ts.length; k++) {
                    ts[k].close();
                }
            }
        }
    }

    /** A zero recurrent state for {@code batch} sequences. */
    public State newState(int batch) {
        ensureOpen();
        if (spec.bidirectional()) {
            throw new IllegalStateException("stepwise prediction needs a unidirectional RNN; this one is bidirectional");
        }
        return new State(batch);
    }

    /**
     * Runs the batch from {@code state} (inference mode), advances the state to each sequence's last step, and
     * returns the head's outputs at that step, [B, O]: for a language model, the logits of the next symbol.
     */
    public float[] predictNext(SequenceBatch batch, State state) {
        if (state.batch != batch.batchSize()) {
            throw new IllegalArgumentException("state: made for batch " + state.batch + ", got batch "
                    + batch.batchSize());
        }
        try (Pass s = forward(batch, RnnMode.INFERENCE, state)) {
            state.advance();
            return backend.downloadFloat(s.buffers.pred);
        }
    }

    // ---- buffers ----

    /** Training batches and an evaluation batch usually differ in size: both keep their buffers. */
    private Buffers buffers(Geometry geometry) {
        Buffers b = buffers.get(geometry);
        if (b == null) {
            if (buffers.size() >= MAX_GEOMETRIES) {
                Iterator<Buffers> eldest = buffers.values().iterator();
                eldest.next().close();
                eldest.remove();
            }
            b = new Buffers(geometry);
            buffers.put(geometry, b);
        }
        return b;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this SequenceModel is closed");
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
        for (int g = 0; g < params.length; g++) {
            params[g].close();
            grads[g].close();
        }
        if (stack != null) {
            stack.close();
        }
        plan.close();
    }

    /** The per-call tensors of one forward pass. */
    private record Pass(Buffers buffers, Tensor x, int[] rows, Tensor readout, Long outputSeed, long[] betweenSeeds)
            implements AutoCloseable {
        @Override
        public void close() {
            x.close();
        }
    }

    /** Steps, batch and rows the head reads (per direction). */
    private record Geometry(int seqLength, int batch, int rows) {
    }

    /** Activations and their gradients for one batch geometry, reused across steps. */
    private final class Buffers implements AutoCloseable {
        final Geometry geometry;
        /** The fused RNN's workspace, or the separate layers' buffers (the other one is null). */
        final RnnWorkspace workspace;
        final LayerStack.Buffers layers;
        final Tensor y;
        final Tensor dy;
        final Tensor dx;
        final Tensor readout;
        final Tensor dReadout;
        /** Output dropout: the readout after dropout, the readout gradient before it. */
        final Tensor readoutDropped;
        final Tensor dReadoutPre;
        final Tensor pred;
        final Tensor dPred;
        /** Views: y and dy as [T*B*D, H], readout and dReadout as [rows*D, H]. */
        final Tensor yRows;
        final Tensor dyRows;
        final Tensor readoutRows;
        final Tensor dReadoutRows;

        Buffers(Geometry g) {
            int d = spec.directions();
            int h = spec.hiddenSize();
            this.geometry = g;
            this.workspace = stack == null ? plan.workspace(g.seqLength, g.batch) : null;
            this.layers = stack == null ? null : stack.buffers(g.seqLength, g.batch);
            this.y = backend.allocate(spec.dtype(), spec.outputShape(g.seqLength, g.batch));
            this.dy = backend.allocate(spec.dtype(), spec.outputShape(g.seqLength, g.batch));
            this.dx = backend.allocate(spec.dtype(), spec.inputShape(g.seqLength, g.batch));
            this.readout = backend.allocate(spec.dtype(), Shape.of(g.rows, d * h));
            this.dReadout = backend.allocate(spec.dtype(), Shape.of(g.rows, d * h));
            boolean outputDropout = dropout.output() > 0;
            this.readoutDropped = outputDropout ? backend.allocate(spec.dtype(), Shape.of(g.rows, d * h)) : null;
            this.dReadoutPre = outputDropout ? backend.allocate(spec.dtype(), Shape.of(g.rows, d * h)) : null;
            this.pred = backend.allocate(spec.dtype(), Shape.of(g.rows, outputSize));
            this.dPred = backend.allocate(spec.dtype(), Shape.of(g.rows, outputSize));
            this.yRows = y.reshape(g.seqLength * g.batch * d, h);
            this.dyRows = dy.reshape(g.seqLength * g.batch * d, h);
            this.readoutRows = readout.reshape(g.rows * d, h);
            this.dReadoutRows = dReadout.reshape(g.rows * d, h);
        }

        @Override
        public void close() {
            for (Tensor t : new Tensor[] {y, dy, dx, readout, dReadout, readoutDropped, dReadoutPre, pred, dPred}) {
                if (t != null) {
                    t.close();
                }
            }
            if (workspace != null) {
                workspace.close();
            }
            if (layers != null) {
                layers.close();
            }
        }
    }

    /** LayerNorm gain, bias per layer among the groups {@code groups} (params or grads); empty without. */
    private static Tensor[] layerNormParams(Tensor[] groups) {
        return java.util.Arrays.copyOfRange(groups, 3, groups.length);
    }
}
