package dev.gated.engine.model;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.rnn.RnnSpec;
import java.util.SplittableRandom;

/**
 * An {@link Embedding}'s passes on the backend: the forward gathers weight rows into x with
 * {@link Backend#gatherRows}; the backward scatter-adds the RNN's input gradient of the valid, non-padding steps
 * into the weight gradient with {@link Backend#scatterAddRows}, in (t, b) order, so the result does not depend on the
 * backend's threads.
 */
final class EmbeddingLayer {
    final Embedding config;
    private final Backend backend;
    private final RnnSpec spec;

    EmbeddingLayer(Backend backend, Embedding config, RnnSpec spec) {
        if (spec.inputSize() != config.dim()) {
            throw new IllegalArgumentException("embedding: the RNN's input size must equal the embedding dim "
                    + config.dim() + ", got input size " + spec.inputSize());
        }
        this.backend = backend;
        this.config = config;
        this.spec = spec;
    }

    Shape shape() {
        return Shape.of(config.vocabSize(), config.dim());
    }

    /** PyTorch's initialisation: N(0, 1) per element, the padding row zero. */
    double[] initialWeights(SplittableRandom rnd) {
        int e = config.dim();
        double[] w = new double[config.vocabSize() * e];
        for (int i = 0; i < w.length; i++) {
            w[i] = rnd.nextGaussian();
        }
        if (config.hasPadding()) {
            java.util.Arrays.fill(w, config.paddingId() * e, (config.paddingId() + 1) * e, 0);
        }
        return w;
    }

    /**
     * The weight row to read per step (t, b), at {@code t*B + b}: the token id at valid steps (checked against the
     * vocabulary), the padding row (row 0 without one) at padded steps.
     */
    int[] gatherIds(SequenceBatch batch) {
        if (!batch.hasTokens()) {
            throw new IllegalArgumentException("batch: this model has an embedding layer (vocab " + config.vocabSize()
                    + ", dim " + config.dim() + "), so batches must carry token ids (SequenceBatch.ofTokens), got"
                    + " float inputs x [inputSize " + batch.inputSize() + "]");
        }
        int bs = batch.batchSize();
        int[] tokens = batch.tokens();
        int[] lengths = batch.lengths();
        int[] ids = new int[tokens.length];
        int pad = config.hasPadding() ? config.paddingId() : 0;
        for (int i = 0; i < tokens.length; i++) {
            int t = i / bs;
            int b = i % bs;
            if (t >= lengths[b]) {
                ids[i] = pad;
                continue;
            }
            if (tokens[i] < 0 || tokens[i] >= config.vocabSize()) {
                throw new IllegalArgumentException("tokens[" + i + "] (step " + t + ", sequence " + b
                        + "): expected a token id in [0, " + config.vocabSize() + ") (the embedding's vocabulary"
                        + " size), got " + tokens[i]);
            }
            ids[i] = tokens[i];
        }
        return ids;
    }

    /** x [T, B, E] with x[t, b] = weight[id(t, b)]; the caller closes it. */
    Tensor embed(Tensor weight, SequenceBatch batch) {
        int t = batch.seqLength();
        int bs = batch.batchSize();
        int[] ids = gatherIds(batch);
        Tensor x = backend.allocate(spec.dtype(), spec.inputShape(t, bs));
        try {
            backend.gatherRows(weight, ids, x.reshape(t * bs, config.dim()));
        } catch (RuntimeException e) {
            x.close();
            throw e;
        }
        return x;
    }

    /**
     * Overwrites {@code grad} [V, E] with the gradient from {@code dx} [T, B, E], the loss gradient of the embedded x:
     * the rows of the valid steps whose id is not the padding id, summed per id.
     */
    void backward(Tensor dx, SequenceBatch batch, Tensor grad) {
        backend.fill(grad, 0);
        int bs = batch.batchSize();
        int[] tokens = batch.tokens();
        int[] lengths = batch.lengths();
        int n = 0;
        int[] positions = new int[tokens.length];
        int[] ids = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            if (i / bs < lengths[i % bs] && tokens[i] != config.paddingId()) {
                positions[n] = i;
                ids[n++] = tokens[i];
            }
        }
        if (n == 0) {
            return;
        }
        try (Tensor rows = backend.allocate(spec.dtype(), Shape.of(n, config.dim()))) {
            backend.gatherRows(dx.reshape(tokens.length, config.dim()), java.util.Arrays.copyOf(positions, n), rows);
            backend.scatterAddRows(rows, java.util.Arrays.copyOf(ids, n), grad);
        }
    }

    /** The float batch the RNN sees for a token batch: x [T, B, E] from the host copy {@code weight} [V, E]. */
    SequenceBatch embedOnHost(double[] weight, SequenceBatch batch) {
        int[] ids = gatherIds(batch);
        int e = config.dim();
        float[] x = new float[ids.length * e];
        for (int i = 0; i < ids.length; i++) {
            boolean valid = i / batch.batchSize() < batch.lengths()[i % batch.batchSize()];
            for (int k = 0; valid && k < e; k++) {
                x[i * e + k] = (float) weight[ids[i] * e + k];
            }
        }
        return new SequenceBatch(batch.seqLength(), batch.batchSize(), e, batch.outputSize(), x, batch.lengths(),
                batch.y(), batch.labels());
    }
}
