package dev.gated.engine.model.seq2seq;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.backend.UnaryOp;
import dev.gated.engine.data.parallel.PairBatch;
import dev.gated.engine.model.ParameterSet;
import dev.gated.engine.rnn.CellType;
import dev.gated.engine.rnn.RnnPlan;
import dev.gated.engine.rnn.RnnSpec;
import dev.gated.engine.rnn.RnnWorkspace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * An encoder–decoder for translation: source embedding, a (bidirectional) multi-layer LSTM or GRU encoder, a
 * decoder of the same cell and depth started from the encoder's final states, attention ({@link AttentionKind}),
 * and a generator (linear layer to target-vocabulary logits). Every heavy operation is a backend call, so the CPU
 * and GPU backends run the same model; the RNNs are the backend's own (no second RNN implementation).
 *
 * <p>Parameters carry PyTorch-style names in this order: {@code encoder.embedding.weight}, {@code encoder.rnn.*},
 * {@code decoder.embedding.weight}, {@code decoder.rnn.*}, then with attention {@code attention.key.weight}
 * (Luong's W_a or Bahdanau's W_k), for Bahdanau {@code attention.query.weight} and {@code attention.energy.weight},
 * {@code attention.out_context.weight} and {@code attention.out_state.weight} (the two halves of Luong's
 * {@code W_c} over [context; state]), and finally {@code generator.weight}, {@code generator.bias}.
 */
public final class Seq2SeqModel implements ParameterSet, AutoCloseable {
    private final Backend backend;
    private final Seq2SeqSpec spec;
    private final RnnPlan encoderPlan;
    private final RnnPlan decoderPlan;
    private final ParameterTable table;
    final int gSourceEmbedding;
    final int gEncoder;
    final int gTargetEmbedding;
    final int gDecoder;
    final int gKeys;
    final int gQuery;
    final int gEnergy;
    final int gOutContext;
    final int gOutState;
    final int gGeneratorWeight;
    final int gGeneratorBias;
    /** 0/1 matrices placing the embedding and the fed-back vector side by side in the decoder's input. */
    private final Tensor selectEmbedding;
    private final Tensor selectFeed;
    private final List<RnnWorkspace> decoderWorkspaces = new ArrayList<>();
    private int workspaceBatch;
    private boolean closed;

    /** A model with PyTorch's default initialisation drawn from {@code seed}. */
    public Seq2SeqModel(Backend backend, Seq2SeqSpec spec, long seed) {
        this.backend = backend;
        this.spec = spec;
        int h = spec.hidden();
        int e = spec.embeddingDim();
        this.encoderPlan = backend.rnnPlan(new RnnSpec(spec.cell(), e, spec.encoderHidden(), spec.layers(),
                spec.bidirectional(), spec.dtype()));
        this.decoderPlan = backend.rnnPlan(new RnnSpec(spec.cell(), spec.decoderInput(), h, spec.layers(), false,
                spec.dtype()));
        this.table = new ParameterTable(backend, spec.dtype());
        boolean attention = spec.attention() != AttentionKind.NONE;
        gSourceEmbedding = table.add("encoder.embedding.weight", Shape.of(spec.sourceVocab(), e), !spec.freezeSource());
        gEncoder = table.addRnn("encoder.rnn.", encoderPlan);
        gTargetEmbedding = table.add("decoder.embedding.weight", Shape.of(spec.targetVocab(), e), true);
        gDecoder = table.addRnn("decoder.rnn.", decoderPlan);
        gKeys = attention ? table.add("attention.key.weight", Shape.of(h, h), true) : -1;
        boolean additive = spec.attention() == AttentionKind.BAHDANAU;
        gQuery = additive ? table.add("attention.query.weight", Shape.of(h, h), true) : -1;
        gEnergy = additive ? table.add("attention.energy.weight", Shape.of(1, h), true) : -1;
        gOutContext = attention ? table.add("attention.out_context.weight", Shape.of(h, h), true) : -1;
        gOutState = attention ? table.add("attention.out_state.weight", Shape.of(h, h), true) : -1;
        gGeneratorWeight = table.add("generator.weight", Shape.of(spec.targetVocab(), h), true);
        gGeneratorBias = table.add("generator.bias", Shape.of(spec.targetVocab()), true);
        if (attention) {
            int din = spec.decoderInput();
            float[] s1 = new float[e * din];
            for (int i = 0; i < e; i++) {
                s1[i * din + i] = 1;
            }
            float[] s2 = new float[h * din];
            for (int i = 0; i < h; i++) {
                s2[i * din + e + i] = 1;
            }
            selectEmbedding = backend.upload(s1, Shape.of(e, din), spec.dtype());
            selectFeed = backend.upload(s2, Shape.of(h, din), spec.dtype());
        } else {
            selectEmbedding = null;
            selectFeed = null;
        }
        initialise(seed);
    }

    /**
     * PyTorch's defaults: RNN tensors and linear weights uniform(±1/sqrt(fan)), with fan the RNN's hidden size or
     * the layer's input width; embeddings N(0, 1) with the {@code <pad>} row 0.
     */
    private void initialise(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (String name : parameterNames()) {
            Shape shape = parameterShape(name);
            double[] v = new double[shape.numel()];
            if (name.endsWith("embedding.weight")) {
                for (int i = shape.dim(1); i < v.length; i++) {
                    v[i] = rnd.nextGaussian();
                }
            } else {
                double fan = name.startsWith("encoder.rnn.") ? spec.encoderHidden()
                        : name.startsWith("decoder.rnn.") ? spec.hidden()
                        : name.equals("generator.bias") ? spec.hidden() : shape.dim(shape.rank() - 1);
                double bound = 1 / Math.sqrt(fan);
                for (int i = 0; i < v.length; i++) {
                    v[i] = (rnd.nextDouble() * 2 - 1) * bound;
                }
            }
            writeParameter(name, v);
        }
    }

    public Seq2SeqSpec spec() {
        return spec;
    }

    // ---- training ----

    /**
     * Zeroes the gradients, runs the batch forward with scheduled sampling ({@code teacherForcing} = probability of
     * reading the reference token; 1 = plain teacher forcing) and backward; returns the mean token cross-entropy.
     */
    public double forwardBackward(PairBatch batch, double teacherForcing, long samplingSeed) {
        ensureOpen();
        table.zeroGradients();
        try (Scope scope = new Scope(backend, spec.dtype())) {
            TrainingPass pass = new TrainingPass(this, scope, batch);
            double loss = pass.forward(teacherForcing, samplingSeed, true);
            pass.backward();
            return loss;
        }
    }

    /** The teacher-forced mean token cross-entropy of a batch, without gradients. */
    public double loss(PairBatch batch) {
        ensureOpen();
        try (Scope scope = new Scope(backend, spec.dtype())) {
            return new TrainingPass(this, scope, batch).forward(1, 0, false);
        }
    }

    public double gradientNorm() {
        return table.gradientNorm();
    }

    /** Clips the gradients to a global norm like PyTorch's {@code clip_grad_norm_}; returns the norm before. */
    public double clipGradientNorm(double maxNorm) {
        return table.clipGradientNorm(maxNorm);
    }

    /** The first parameter whose gradient holds a NaN or infinity, or null. */
    public String firstNonFiniteGradient() {
        return table.firstNonFiniteGradient();
    }

    public long parameterCount() {
        return table.parameterCount();
    }

    // ---- parameters ----

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public List<String> parameterNames() {
        return table.names();
    }

    @Override
    public Shape parameterShape(String name) {
        return table.shape(name);
    }

    @Override
    public Tensor[] parameterGroups() {
        ensureOpen();
        return table.parameterGroups();
    }

    @Override
    public Tensor[] gradientGroups() {
        ensureOpen();
        return table.gradientGroups();
    }

    @Override
    public boolean trainable(int group) {
        return table.trainable(group);
    }

    @Override
    public double[] read(String name, Tensor[] groups) {
        ensureOpen();
        return table.read(name, groups);
    }

    @Override
    public void write(String name, double[] values, Tensor[] groups) {
        ensureOpen();
        table.write(name, values, groups);
    }

    public double[] readParameter(String name) {
        return read(name, parameterGroups());
    }

    /** The gradient of the last {@link #forwardBackward} for a parameter, in its PyTorch shape. */
    public double[] readGradient(String name) {
        return read(name, gradientGroups());
    }

    public void writeParameter(String name, double[] values) {
        write(name, values, parameterGroups());
    }

    // ---- pieces the passes share ----

    Tensor param(int group) {
        return table.param(group);
    }

    Tensor grad(int group) {
        return table.grad(group);
    }

    boolean lstm() {
        return spec.cell() == CellType.LSTM;
    }

    RnnPlan encoderPlan() {
        return encoderPlan;
    }

    RnnPlan decoderPlan() {
        return decoderPlan;
    }

    /** The one-step workspace of decoder step {@code t}, kept across batches of up to the largest batch seen. */
    RnnWorkspace decoderWorkspace(int t, int batch) {
        if (batch > workspaceBatch) {
            decoderWorkspaces.forEach(RnnWorkspace::close);
            decoderWorkspaces.clear();
            workspaceBatch = batch;
        }
        while (decoderWorkspaces.size() <= t) {
            decoderWorkspaces.add(decoderPlan.workspace(1, workspaceBatch));
        }
        return decoderWorkspaces.get(t);
    }

    /** x [B, Din] = [emb; feed] (feed: Luong's previous attentional state or Bahdanau's context; none without). */
    void decoderInput(Tensor emb, Tensor feed, Tensor x) {
        if (selectEmbedding == null) {
            backend.copy(emb, x);
            return;
        }
        backend.gemm(false, false, 1, emb, selectEmbedding, 0, x);
        backend.gemm(false, false, 1, feed, selectFeed, 1, x);
    }

    /** dEmb = dx's embedding part; dFeed = (or += with {@code accumulate}) its fed-back part. */
    void decoderInputBackward(Tensor dx, Tensor dEmb, Tensor dFeed, boolean accumulate) {
        if (selectEmbedding == null) {
            backend.copy(dx, dEmb);
            return;
        }
        backend.gemm(false, true, 1, dx, selectEmbedding, 0, dEmb);
        backend.gemm(false, true, 1, dx, selectFeed, accumulate ? 1 : 0, dFeed);
    }

    /** out = tanh(W_c [ctx; state]) with W_c's two halves as two products. */
    void attentionalOutput(Tensor ctx, Tensor state, Tensor pre, Tensor out) {
        Linear.forward(backend, ctx, param(gOutContext), pre, false);
        Linear.forward(backend, state, param(gOutState), pre, true);
        backend.unary(UnaryOp.TANH, pre, out);
    }

    void attentionalOutputBackward(Tensor ctx, Tensor state, Tensor pre, Tensor out, Tensor dOut, Tensor dPre,
                                   Tensor dCtx, Tensor dState) {
        backend.unaryBackward(UnaryOp.TANH, pre, out, dOut, dPre);
        Linear.backward(backend, ctx, param(gOutContext), dPre, grad(gOutContext), dCtx, false);
        Linear.backward(backend, state, param(gOutState), dPre, grad(gOutState), dState, false);
    }

    /** logits [N, V] = x W_g^T + b_g. */
    void generate(Tensor x, Tensor logits) {
        Linear.forward(backend, x, param(gGeneratorWeight), logits, false);
        backend.addRowVector(logits, param(gGeneratorBias));
    }

    /** The most likely next token of each of the B rows of {@code out} (ties: the lowest id). */
    int[] argmax(Tensor out, int b) {
        try (Tensor logits = backend.allocate(spec.dtype(), Shape.of(b, spec.targetVocab()))) {
            generate(out, logits);
            float[] l = backend.downloadFloat(logits);
            int v = spec.targetVocab();
            int[] best = new int[b];
            for (int i = 0; i < b; i++) {
                for (int k = 1; k < v; k++) {
                    if (l[i * v + k] > l[i * v + best[i]]) {
                        best[i] = k;
                    }
                }
            }
            return best;
        }
    }

    /**
     * grad[id] += dx[i] for every row i of {@code dx} [T·B, E] whose step is within its sequence's length and whose id
     * is not {@code <pad>} (PyTorch's padding_idx gets no gradient).
     */
    void embeddingBackward(Scope scope, Tensor dx, int[] tokens, int[] lengths, int batch, Tensor grad) {
        int[] positions = new int[tokens.length];
        int[] ids = new int[tokens.length];
        int n = 0;
        for (int i = 0; i < tokens.length; i++) {
            if (i / batch < lengths[i % batch] && tokens[i] != 0) {
                positions[n] = i;
                ids[n++] = tokens[i];
            }
        }
        if (n == 0) {
            return;
        }
        Tensor rows = scope.zeros(n, spec.embeddingDim());
        backend.gatherRows(dx, Arrays.copyOf(positions, n), rows);
        backend.scatterAddRows(rows, Arrays.copyOf(ids, n), grad);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this model is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        decoderWorkspaces.forEach(RnnWorkspace::close);
        if (selectEmbedding != null) {
            selectEmbedding.close();
            selectFeed.close();
        }
        table.close();
        encoderPlan.close();
        decoderPlan.close();
    }

}
