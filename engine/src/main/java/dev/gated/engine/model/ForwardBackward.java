package dev.gated.engine.model;

import static dev.gated.engine.model.ModelParameters.BIAS;
import static dev.gated.engine.model.ModelParameters.RNN;
import static dev.gated.engine.model.ModelParameters.WEIGHT;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.CounterRng;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.model.ActivationBuffers.Buffers;
import dev.gated.engine.model.ActivationBuffers.Geometry;
import dev.gated.engine.rnn.RnnGradients;
import dev.gated.engine.rnn.RnnMode;
import dev.gated.engine.rnn.RnnPlan;
import dev.gated.engine.rnn.RnnSpec;
import dev.gated.engine.rnn.RnnTensors;

/** A {@link SequenceModel}'s passes on the backend: RNN, readout gather, dropout and head forward, and backward. */
final class ForwardBackward implements AutoCloseable {
    /** Dropout sites, part of each mask's key. */
    static final int SITE_INPUT = 0;
    static final int SITE_OUTPUT = 1;
    /** Between layers k and k+1: site SITE_BETWEEN + k. */
    static final int SITE_BETWEEN = 2;

    private final Backend backend;
    private final RnnSpec spec;
    private final RnnPlan plan;
    /** The layers as separate RNN calls, or null for the single fused call. */
    private final LayerStack stack;
    private final ModelParameters parameters;
    private final Tensor[] params;
    private final Tensor[] grads;
    /** The embedding layer, or null when batches carry float inputs. */
    private final EmbeddingLayer embedding;
    /** The input BatchNorm, or null without one. */
    private final InputNorm inputNorm;
    private final boolean everyStep;
    private final Dropout dropout;
    private final long seed;
    private final ActivationBuffers buffers;

    ForwardBackward(Backend backend, RnnSpec spec, RnnPlan plan, LayerStack stack, ModelParameters parameters,
                    EmbeddingLayer embedding, InputNorm inputNorm, int outputSize, Objective objective,
                    Dropout dropout, long seed) {
        this.backend = backend;
        this.inputNorm = inputNorm;
        this.parameters = parameters;
        this.embedding = embedding;
        this.spec = spec;
        this.plan = plan;
        this.stack = stack;
        this.params = parameters.params;
        this.grads = parameters.grads;
        this.everyStep = objective.everyStep();
        this.dropout = dropout;
        this.seed = seed;
        this.buffers = new ActivationBuffers(backend, spec, plan, stack, outputSize, dropout.output() > 0,
                inputNorm);
    }

    /** The seed of a dropout mask: a function of the model seed, the step and the site only. */
    static long dropoutSeed(long seed, long step, int site) {
        return CounterRng.mix(CounterRng.mix(seed ^ 0xD80F_0A75L) + CounterRng.mix(step) * 31 + site);
    }

    /**
     * RNN forward (from {@code state} when not null), gather of the rows the head reads, head; leaves the outputs
     * in the buffers' pred. Dropout applies when {@code dropoutStep >= 0} (training passes only); the input norm
     * (before input dropout) uses batch statistics in a training pass.
     */
    Pass forward(SequenceBatch batch, RnnMode mode, RecurrentState state, long dropoutStep) {
        return forward(batch, mode, state, dropoutStep, state != null);
    }

    /**
     * As {@link #forward(SequenceBatch, RnnMode, RecurrentState, long)}; {@code lastStepOnly}: the head reads each
     * sequence's last step only (stepwise prediction) rather than what the objective reads (a language model: every
     * step, as truncated BPTT needs from a carried state).
     */
    Pass forward(SequenceBatch batch, RnnMode mode, RecurrentState state, long dropoutStep, boolean lastStepOnly) {
        if (embedding == null && batch.hasTokens()) {
            throw new IllegalArgumentException("batch: carries token ids, but this model has no embedding layer"
                    + " (build it with SequenceModel.withEmbedding), so it reads float inputs x [inputSize "
                    + spec.inputSize() + "]");
        }
        if (embedding == null && batch.inputSize() != spec.inputSize()) {
            throw new IllegalArgumentException("batch: expected inputSize " + spec.inputSize() + ", got "
                    + batch.inputSize());
        }
        int t = batch.seqLength();
        int bs = batch.batchSize();
        int[] rows = everyStep && !lastStepOnly ? everyStepRows(batch.lengths(), bs, spec.directions())
                : lastStepRows(batch.lengths(), bs, spec.directions());
        Tensor x = embedding != null ? embedding.embed(params[parameters.embeddingGroup], batch)
                : backend.upload(batch.x(), spec.inputShape(t, bs), spec.dtype());
        Buffers b = buffers.get(new Geometry(t, bs, rows.length / spec.directions()));
        if (inputNorm != null) {
            Tensor raw = x;
            try {
                x = inputNorm.forward(b.inputNorm, raw, batch.lengths(), mode, parameters.inputNorm(params));
            } finally {
                raw.close();
            }
        }
        boolean drop = dropoutStep >= 0 && mode == RnnMode.TRAINING;
        Long inputSeed = null;
        if (drop && dropout.input() > 0) {
            Tensor raw = x;
            try {
                x = backend.allocate(spec.dtype(), raw.shape());
                inputSeed = dropoutSeed(seed, dropoutStep, SITE_INPUT);
                backend.dropout(raw, x, dropout.input(), inputSeed, 0);
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
                LayerStack.States states = state == null ? null : state.layers();
                stack.forward(b.layers, mode, batch.lengths(), x, b.y, parameters.layerNorms(params), betweenSeeds,
                        states);
            } else {
                RnnTensors io = state == null ? RnnTensors.of(x, b.y) : state.fused(x, b.y);
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
            return new Pass(b, x, rows, readout, outputSeed, betweenSeeds, inputSeed, state);
        } catch (RuntimeException e) {
            x.close();
            throw e;
        }
    }

    /**
     * The gradients of every parameter (overwritten, not accumulated) from a training pass whose buffers' dPred
     * holds the loss gradient.
     */
    void backward(Pass s, SequenceBatch batch) {
        Buffers b = s.buffers;
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
            stack.backward(b.layers, batch.lengths(), b.dy, b.dx, parameters.layerNorms(params),
                    parameters.layerNorms(grads), s.betweenSeeds, plan, grads[RNN],
                    s.state == null ? null : s.state.layers());
        } else {
            // The initial state the forward started from (cuDNN's backward reads hx, cx again).
            RnnTensors io = s.state == null ? RnnTensors.of(s.x, b.y) : s.state.fused(s.x, b.y);
            backend.rnnBackwardData(plan, b.workspace, batch.lengths(), io, RnnGradients.of(b.dy, b.dx),
                    params[RNN]);
            backend.fill(grads[RNN], 0);
            backend.rnnBackwardWeights(plan, b.workspace, batch.lengths(), io, grads[RNN]);
        }
        if (embedding != null && parameters.trainable(parameters.embeddingGroup)) {
            embeddingBackward(s, batch);
        }
        if (inputNorm != null) {
            inputNormBackward(s);
        }
    }

    /** The input norm's weight and bias gradients from dx, through input dropout's backward when there was one. */
    private void inputNormBackward(Pass s) {
        Tensor dx = s.buffers.dx;
        if (s.inputSeed == null) {
            inputNorm.backward(s.buffers.inputNorm, dx, parameters.inputNorm(params), parameters.inputNorm(grads));
            return;
        }
        try (Tensor dNormed = backend.allocate(dx.dtype(), dx.shape())) {
            // Dropout's backward is the same call on the gradient with the same seed and offset.
            backend.dropout(dx, dNormed, dropout.input(), s.inputSeed, 0);
            inputNorm.backward(s.buffers.inputNorm, dNormed, parameters.inputNorm(params),
                    parameters.inputNorm(grads));
        }
    }

    /** The embedding gradient from dx, through input dropout's backward when the pass dropped inputs. */
    private void embeddingBackward(Pass s, SequenceBatch batch) {
        Tensor dx = s.buffers.dx;
        if (s.inputSeed == null) {
            embedding.backward(dx, batch, grads[parameters.embeddingGroup]);
            return;
        }
        try (Tensor dEmbedded = backend.allocate(dx.dtype(), dx.shape())) {
            // Dropout's backward is the same call on the gradient with the same seed and offset.
            backend.dropout(dx, dEmbedded, dropout.input(), s.inputSeed, 0);
            embedding.backward(dEmbedded, batch, grads[parameters.embeddingGroup]);
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

    private static int validSteps(int[] lengths) {
        int n = 0;
        for (int len : lengths) {
            n += len;
        }
        return n;
    }

    @Override
    public void close() {
        buffers.close();
    }

    /**
     * The per-call tensors of one forward pass (and the state it started from, or null); closing it frees the
     * uploaded input.
     */
    record Pass(Buffers buffers, Tensor x, int[] rows, Tensor readout, Long outputSeed, long[] betweenSeeds,
                Long inputSeed, RecurrentState state) implements AutoCloseable {
        @Override
        public void close() {
            x.close();
        }
    }
}
