package dev.gated.engine.model;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.BinaryOp;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.backend.UnaryOp;
import dev.gated.engine.rnn.RnnParam;

/**
 * L1 and L2 penalties on a {@link SequenceModel}'s weights: {@code l1 * sum|w| + l2 / 2 * sum w^2} is added to
 * the loss and {@code l1 * sign(w) + l2 * w} to the gradients (sign(0) = 0, torch.sign). Only weight tensors are
 * penalised ({@code weight_ih}, {@code weight_hh}, {@code head.weight}, a trainable {@code embedding.weight} but
 * its padding row) unless {@code includeBiases}; a 0/1 mask
 * per parameter group selects them, because the RNN's weights and biases share one flat buffer.
 *
 * <p>The L2 penalty differs from the optimizer's {@code weight_decay}: it is part of the loss, so it passes
 * through gradient clipping and Adam's per-element scaling; AdamW's decoupled decay shrinks the weights directly
 * and is not affected by either (and SGD's weight_decay equals L2 only before clipping). Built from existing
 * element-wise ops, so every backend runs it unchanged. Not thread-safe.
 */
public final class Penalties implements AutoCloseable {
    private final SequenceModel model;
    private final Backend backend;
    private final double l1;
    private final double l2;
    private final Tensor[] masks;
    private final Tensor[] scratch;

    public Penalties(SequenceModel model, double l1, double l2, boolean includeBiases) {
        if (!(l1 >= 0) || !(l2 >= 0) || !Double.isFinite(l1) || !Double.isFinite(l2)) {
            throw new IllegalArgumentException("l1, l2: expected finite numbers >= 0, got " + l1 + ", " + l2);
        }
        this.model = model;
        this.backend = model.backend();
        this.l1 = l1;
        this.l2 = l2;
        Tensor[] params = model.parameterGroups();
        this.masks = new Tensor[params.length];
        this.scratch = new Tensor[params.length];
        for (int g = 0; g < params.length; g++) {
            masks[g] = backend.allocate(params[g].dtype(), params[g].shape());
            scratch[g] = backend.allocate(params[g].dtype(), params[g].shape());
        }
        for (RnnParam p : model.spec().parameters()) {
            if (includeBiases || p.name().startsWith("weight_")) {
                model.write(SequenceModel.RNN_PREFIX + p.name(), ones(p.shape().numel()), masks);
            }
        }
        model.write(SequenceModel.HEAD_WEIGHT, ones(model.parameterShape(SequenceModel.HEAD_WEIGHT).numel()), masks);
        if (model.embedding().isPresent() && !model.embedding().get().frozen()) {
            // A trainable embedding is a weight; its padding row is not penalised (it gets no gradient).
            Embedding e = model.embedding().get();
            double[] mask = ones(e.vocabSize() * e.dim());
            if (e.hasPadding()) {
                java.util.Arrays.fill(mask, e.paddingId() * e.dim(), (e.paddingId() + 1) * e.dim(), 0);
            }
            model.write(SequenceModel.EMBEDDING_WEIGHT, mask, masks);
        }
        if (includeBiases) {
            model.write(SequenceModel.HEAD_BIAS, ones(model.outputSize()), masks);
            // Norm gains and biases are treated as biases: pulling a gain towards 0 would undo the norm.
            for (String name : model.parameterNames()) {
                if (name.startsWith(SequenceModel.LAYER_NORM_PREFIX) || name.startsWith(SequenceModel.BATCH_NORM_PREFIX)
                        || name.startsWith(SequenceModel.INPUT_NORM_PREFIX)) {
                    model.write(name, ones(model.parameterShape(name).numel()), masks);
                }
            }
        }
    }

    private static double[] ones(int n) {
        double[] v = new double[n];
        java.util.Arrays.fill(v, 1);
        return v;
    }

    public boolean active() {
        return l1 > 0 || l2 > 0;
    }

    /** The penalty at the current weights (no gradient change). */
    public double value() {
        return run(false);
    }

    /** Adds the penalty's gradient to the model's gradients and returns the penalty. */
    public double addGradient() {
        return run(true);
    }

    private double run(boolean gradient) {
        if (!active()) {
            return 0;
        }
        Tensor[] params = model.parameterGroups();
        Tensor[] grads = model.gradientGroups();
        double penalty = 0;
        for (int g = 0; g < params.length; g++) {
            if (!model.trainable(g)) {
                continue;
            }
            Tensor w = scratch[g];
            backend.binary(BinaryOp.MUL, params[g], masks[g], w);
            if (l2 > 0) {
                penalty += l2 / 2 * backend.sumOfSquares(w);
                if (gradient) {
                    backend.axpby(l2, w, 1, grads[g]);
                }
            }
            if (l1 > 0) {
                // sum |w| first, then sign(w) into the same temporary.
                try (Tensor t = backend.allocate(w.dtype(), w.shape())) {
                    backend.unary(UnaryOp.ABS, w, t);
                    penalty += l1 * backend.sum(t);
                    if (gradient) {
                        backend.unary(UnaryOp.SIGN, w, t);
                        backend.axpby(l1, t, 1, grads[g]);
                    }
                }
            }
        }
        return penalty;
    }

    @Override
    public void close() {
        for (int g = 0; g < masks.length; g++) {
            masks[g].close();
            scratch[g].close();
        }
    }
}
