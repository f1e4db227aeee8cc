package dev.gated.engine.model;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.io.HostTensor;
import dev.gated.engine.model.ForwardBackward.Pass;
import dev.gated.engine.rnn.RnnMode;
import dev.gated.engine.rnn.RnnPlan;
import dev.gated.engine.rnn.RnnSpec;
import java.util.List;

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
 * <p>With {@link Stacking} options (residual, a norm between layers) or between-layer dropout the layers run as
 * separate RNN calls ({@link LayerStack}); the RNN weights keep their fused names, and layer norm adds
 * {@code layer_norms.<k>.weight/bias} (batch norm {@code batch_norms.<k>.weight/bias}) between the {@code rnn.*}
 * and {@code head.*} parameters; an input norm adds {@code input_norm.weight/bias} before {@code rnn.*}. Batch
 * norms also have buffers ({@link #bufferNames()}: running statistics, see {@link BatchNorm}).
 *
 * <p>With an {@link Embedding} ({@link #withEmbedding}) the model reads token ids instead of float inputs: an
 * {@code nn.Embedding} called {@code embedding} comes first, and its {@code embedding.weight} is the first parameter.
 *
 * <p>Everything runs on the given {@link Backend}: the RNN weights live in the plan's flat weight buffer, the
 * head in two tensors, and activations in buffers reused while the batch geometry stays the same. Not
 * thread-safe. The parts: {@link ModelParameters} (tensors by group and PyTorch name), {@link ForwardBackward}
 * (the passes), {@link ActivationBuffers} (per batch geometry) and {@link RecurrentState} (stepwise inference).
 */
public final class SequenceModel implements ParameterSet, AutoCloseable {
    public static final String RNN_PREFIX = "rnn.";
    public static final String HEAD_WEIGHT = "head.weight";
    public static final String HEAD_BIAS = "head.bias";
    /** PyTorch-style names of the LayerNorm after layer k: {@code layer_norms.<k>.weight} and {@code .bias}. */
    public static final String LAYER_NORM_PREFIX = "layer_norms.";
    /** PyTorch-style names of the BatchNorm after layer k: {@code batch_norms.<k>.weight}, {@code .running_mean}... */
    public static final String BATCH_NORM_PREFIX = "batch_norms.";
    /** PyTorch-style names of the BatchNorm over the inputs: {@code input_norm.weight}, {@code .running_mean}... */
    public static final String INPUT_NORM_PREFIX = "input_norm.";
    /** The embedding layer's weight [V, E] (models with an {@link Embedding} only). */
    public static final String EMBEDDING_WEIGHT = "embedding.weight";

    private final Backend backend;
    private final RnnSpec spec;
    private final int outputSize;
    private final Objective objective;
    private final HeadLoss headLoss;
    private final RnnPlan plan;
    private final Dropout dropout;
    private final Stacking stacking;
    /** The layers as separate RNN calls, or null for the single fused call. */
    private final LayerStack stack;
    /** The step that keys the dropout masks of {@link #forwardBackward(SequenceBatch)} calls. */
    private long dropoutCalls;
    private final ModelParameters parameters;
    private final ForwardBackward passes;
    /** The embedding layer, or null without one. */
    private final EmbeddingLayer embedding;
    /** The BatchNorms' running statistics (empty without batch norm). */
    private final RunningStats stats;
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
        this(backend, spec, outputSize, objective, seed, init, dropout, stacking, layerwise, loss, null);
    }

    /**
     * A model that reads token ids through {@code embedding}, {@code spec.inputSize()} equal to its dim; otherwise as
     * {@link #SequenceModel(Backend, RnnSpec, int, Objective, long)}. Its weight is drawn after everything else, from
     * the same stream, so the other parameters equal those of the same seed without the embedding.
     */
    public static SequenceModel withEmbedding(Backend backend, Embedding embedding, RnnSpec spec, int outputSize,
                                              Objective objective, long seed) {
        return withEmbedding(backend, embedding, spec, outputSize, objective, seed, Init.DEFAULT, Dropout.NONE,
                Stacking.NONE, null);
    }

    /**
     * As {@link #SequenceModel(Backend, RnnSpec, int, Objective, long, Init, Dropout, Stacking, HeadLoss)} with an
     * embedding layer; {@code loss} null for the objective's default. Input dropout applies to the embedded x.
     */
    public static SequenceModel withEmbedding(Backend backend, Embedding embedding, RnnSpec spec, int outputSize,
                                              Objective objective, long seed, Init init, Dropout dropout,
                                              Stacking stacking, HeadLoss loss) {
        if (embedding == null) {
            throw new IllegalArgumentException("embedding: required, got null");
        }
        return new SequenceModel(backend, spec, outputSize, objective, seed, init, dropout, stacking, false,
                loss == null && objective != null ? HeadLoss.defaultFor(objective) : loss, embedding);
    }

    private SequenceModel(Backend backend, RnnSpec spec, int outputSize, Objective objective, long seed, Init init,
                          Dropout dropout, Stacking stacking, boolean layerwise, HeadLoss loss, Embedding embedding) {
        ModelArguments.check(backend, spec, outputSize, objective, init, dropout, stacking, loss, embedding);
        this.embedding = embedding == null ? null : new EmbeddingLayer(backend, embedding, spec);
        this.stacking = stacking;
        this.headLoss = loss;
        this.dropout = dropout;
        this.backend = backend;
        this.spec = spec;
        this.outputSize = outputSize;
        this.objective = objective;
        this.plan = backend.rnnPlan(spec);
        this.stats = RunningStats.of(backend, spec, stacking);
        InputNorm inputNorm = stacking.inputNorm() ? new InputNorm(backend, spec, stats, 0) : null;
        boolean separate = layerwise || stacking.needsSeparateLayers() || dropout.between() > 0;
        this.stack = separate ? new LayerStack(backend, spec, stacking, dropout.between(), stats,
                stacking.inputNorm() ? 1 : 0) : null;
        this.parameters = new ModelParameters(backend, spec, plan, outputSize, stacking, embedding);
        this.passes = new ForwardBackward(backend, spec, plan, stack, parameters, this.embedding, inputNorm,
                outputSize, objective, dropout, seed);

        Initializer.initialise(this, parameters, this.embedding, init, seed);
    }

    /** A regression model (the objective of the original sequence regressor). */
    public SequenceModel(Backend backend, RnnSpec spec, int outputSize, long seed) {
        this(backend, spec, outputSize, Objective.REGRESSION, seed);
    }


    @Override
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

    /** The embedding layer's config, empty for a model that reads float inputs. */
    public java.util.Optional<Embedding> embedding() {
        return java.util.Optional.ofNullable(embedding == null ? null : embedding.config);
    }

    /**
     * The float batch the RNN reads for a token batch: x [T, B, E] with the current embedding rows at valid steps
     * and 0 at padded ones (for host-side tools such as the health probe); a float batch is returned as it is.
     */
    public SequenceBatch embedInputs(SequenceBatch batch) {
        return embedding == null || !batch.hasTokens() ? batch
                : embedding.embedOnHost(readParameter(EMBEDDING_WEIGHT), batch);
    }

    /** Parameter scalars: the embedding's (frozen or not), the RNN's, the norms' and the head's (no buffers). */
    public long parameterCount() {
        long layerNorms = stacking.norm() != Stacking.Norm.NONE ? 2L * spec.numLayers() * spec.outputSize() : 0;
        long inputNorm = stacking.inputNorm() ? 2L * spec.inputSize() : 0;
        long emb = embedding == null ? 0 : (long) embedding.config.vocabSize() * embedding.config.dim();
        return emb + inputNorm + spec.parameterCount() + layerNorms + (long) outputSize * spec.outputSize()
                + outputSize;
    }

    /**
     * PyTorch names, in state_dict order: {@code embedding.weight} (with an embedding), {@code input_norm.weight},
     * {@code .bias} (with an input norm), {@code rnn.*}, then (with a norm between layers)
     * {@code layer_norms.<k>.weight} or {@code batch_norms.<k>.weight}, then {@code .bias} per layer, then
     * {@code head.weight}, {@code head.bias}.
     */
    @Override
    public List<String> parameterNames() {
        return parameters.names();
    }

    /** The batch norms' running statistics ({@code input_norm.running_mean}, ..., {@code batch_norms.<k>.*}). */
    @Override
    public List<String> bufferNames() {
        return stats.names();
    }

    @Override
    public Shape bufferShape(String name) {
        return stats.shape(name);
    }

    @Override
    public HostTensor readBuffer(String name) {
        ensureOpen();
        return stats.read(name);
    }

    @Override
    public void writeBuffer(String name, HostTensor value) {
        ensureOpen();
        stats.write(name, value);
    }

    @Override
    public Shape parameterShape(String name) {
        return parameters.shape(name);
    }

    /** A parameter's values, row-major, in its PyTorch shape. */
    public double[] readParameter(String name) {
        return read(name, parameters.params);
    }

    /** The gradient of the last {@link #forwardBackward} for a parameter, in its PyTorch shape. */
    public double[] readGradient(String name) {
        return read(name, parameters.grads);
    }

    /** Overwrites a parameter; {@code values} are row-major in the parameter's PyTorch shape. */
    public void writeParameter(String name, double[] values) {
        write(name, values, parameters.params);
    }

    /** Reads parameter {@code name}'s part of per-group tensors laid out like the parameters (e.g. Adam's moments). */
    @Override
    public double[] read(String name, Tensor[] groups) {
        ensureOpen();
        return parameters.read(name, groups);
    }

    /** Writes parameter {@code name}'s part of per-group tensors laid out like the parameters. */
    @Override
    public void write(String name, double[] values, Tensor[] groups) {
        ensureOpen();
        parameters.write(name, values, groups);
    }

    /** The parameter tensors by group, for the optimizer. */
    @Override
    public Tensor[] parameterGroups() {
        ensureOpen();
        return parameters.params.clone();
    }

    /** The gradient tensors by group, for the optimizer. */
    @Override
    public Tensor[] gradientGroups() {
        ensureOpen();
        return parameters.grads.clone();
    }

    /** False for a group that is not trained (a frozen embedding): optimizers and penalties skip it. */
    @Override
    public boolean trainable(int group) {
        return parameters.trainable(group);
    }

    // ---- gradients as a whole ----

    /** The global L2 norm of all gradients (as {@code torch.nn.utils.clip_grad_norm_} computes it). */
    public double gradientNorm() {
        ensureOpen();
        return parameters.gradientNorm();
    }

    /**
     * Clips the gradients to a global norm of at most {@code maxNorm}, like PyTorch's {@code clip_grad_norm_}
     * (scale = maxNorm / (norm + 1e-6) when that is below 1); returns the norm before clipping.
     */
    public double clipGradientNorm(double maxNorm) {
        ensureOpen();
        return parameters.clipGradientNorm(maxNorm);
    }

    /**
     * Clamps every gradient element to [-clipValue, clipValue], like PyTorch's {@code clip_grad_value_}; composed
     * from element-wise MIN and MAX against filled tensors, so every backend runs it unchanged.
     */
    public void clipGradientValue(double clipValue) {
        ensureOpen();
        parameters.clipGradientValue(clipValue);
    }

    /** The name of the first parameter whose gradient holds a NaN or infinity, or null when all are finite. */
    public String firstNonFiniteGradient() {
        ensureOpen();
        return parameters.firstNonFiniteGradient();
    }

    // ---- compute ----

    /**
     * The head's outputs in inference mode, row-major [rows, O]: one row per sequence (regression: predicted
     * values; classification: logits), or for a language model one row per valid step in (t, b) order.
     */
    public float[] predict(SequenceBatch batch) {
        try (Pass s = forward(batch, RnnMode.INFERENCE, null, -1)) {
            return backend.downloadFloat(s.buffers().pred);
        }
    }

    /** The loss on a batch (inference mode; no gradients). */
    public double loss(SequenceBatch batch) {
        try (Pass s = forward(batch, RnnMode.INFERENCE, null, -1)) {
            return loss(s, batch, false);
        }
    }

    /** The loss and the head's outputs (as {@link #predict}) in one inference pass. */
    public Evaluation evaluate(SequenceBatch batch) {
        try (Pass s = forward(batch, RnnMode.INFERENCE, null, -1)) {
            double loss = loss(s, batch, false);
            return new Evaluation(loss, backend.downloadFloat(s.buffers().pred), s.buffers().geometry.rows());
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
            double loss = loss(s, batch, true);
            passes.backward(s, batch);
            return loss;
        }
    }

    /** The passes of an open model, for {@link StatefulStreams}. */
    ForwardBackward passes() {
        ensureOpen();
        return passes;
    }

    /** The forward pass of an open model. */
    private Pass forward(SequenceBatch batch, RnnMode mode, RecurrentState state, long dropoutStep) {
        ensureOpen();
        return passes.forward(batch, mode, state, dropoutStep);
    }

    private double loss(Pass s, SequenceBatch batch, boolean withGradient) {
        Tensor dPred = withGradient ? s.buffers().dPred : null;
        return headLoss.compute(backend, objective, s.buffers().pred, batch, dPred);
    }

    // ---- stepwise inference (text generation) ----

    /**
     * Recurrent state carried from one call of {@link #predictNext} to the next: h (and c for LSTM), each
     * [L*D, B, H], zeros at the start.
     */
    public static final class State implements AutoCloseable {
        final RecurrentState tensors;

        private State(RecurrentState tensors) {
            this.tensors = tensors;
        }

        @Override
        public void close() {
            tensors.close();
        }
    }

    /** A zero recurrent state for {@code batch} sequences. */
    public State newState(int batch) {
        ensureOpen();
        if (spec.bidirectional()) {
            throw new IllegalStateException("stepwise prediction needs a unidirectional RNN; this one is bidirectional");
        }
        return new State(new RecurrentState(backend, spec, stack, batch));
    }

    /**
     * Runs the batch from {@code state} (inference mode), advances the state to each sequence's last step, and
     * returns the head's outputs at that step, [B, O]: for a language model, the logits of the next symbol.
     */
    public float[] predictNext(SequenceBatch batch, State state) {
        RecurrentState tensors = state.tensors;
        if (tensors.batch != batch.batchSize()) {
            throw new IllegalArgumentException("state: made for batch " + tensors.batch + ", got batch "
                    + batch.batchSize());
        }
        try (Pass s = forward(batch, RnnMode.INFERENCE, tensors, -1)) {
            tensors.advance();
            return backend.downloadFloat(s.buffers().pred);
        }
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
        passes.close();
        parameters.close();
        stats.close();
        if (stack != null) {
            stack.close();
        }
        plan.close();
    }
}
