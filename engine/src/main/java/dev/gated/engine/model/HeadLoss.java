package dev.gated.engine.model;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.BinaryOp;
import dev.gated.engine.backend.DType;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.backend.UnaryOp;
import dev.gated.engine.data.SequenceBatch;

import java.util.Arrays;
import java.util.Locale;

/**
 * How a {@link SequenceModel}'s head outputs are scored: the loss value and its gradient with respect to the
 * outputs, on the model's backend.
 */
public sealed interface HeadLoss permits HeadLoss.MeanSquaredError, HeadLoss.CrossEntropy, HeadLoss.Quantile {

    /** {@code mean((pred - y)^2)} over the batch and outputs: the regression loss. */
    record MeanSquaredError() implements HeadLoss {
        @Override
        public double compute(Backend backend, Objective objective, Tensor pred, SequenceBatch batch, Tensor dPred) {
            try (Tensor target = values(backend, pred, batch)) {
                return backend.mseLoss(pred, target, dPred);
            }
        }
    }

    /** Softmax cross-entropy averaged over the scored rows: classification and language models. */
    record CrossEntropy() implements HeadLoss {
        @Override
        public double compute(Backend backend, Objective objective, Tensor pred, SequenceBatch batch, Tensor dPred) {
            return backend.softmaxCrossEntropy(pred, labels(objective, pred.shape().dim(1), batch), dPred);
        }
    }

    /**
     * The pinball (quantile) loss: head output column j is the {@code levels[j]}-quantile of its target. With
     * {@code u = y - pred}, {@code rho(u) = max(tau u, (tau - 1) u) = tau u + relu(-u)}; the loss is its mean over
     * the batch and the outputs, and its gradient {@code (1{u < 0} - tau) / (B * O)} (at {@code u = 0} exactly,
     * {@code -tau}: the right derivative). Composed from element-wise backend operations, so every backend runs it.
     */
    record Quantile(double[] levels) implements HeadLoss {
        public Quantile {
            if (levels == null || levels.length == 0) {
                throw new IllegalArgumentException("levels: expected at least one quantile level");
            }
            levels = levels.clone();
            for (double q : levels) {
                if (!(q > 0 && q < 1)) {
                    throw new IllegalArgumentException("levels: expected each in (0, 1), got " + Arrays.toString(levels));
                }
            }
        }

        @Override
        public double[] levels() {
            return levels.clone();
        }

        @Override
        public double compute(Backend backend, Objective objective, Tensor pred, SequenceBatch batch, Tensor dPred) {
            Shape shape = pred.shape();
            int cols = shape.dim(1);
            if (cols != levels.length) {
                throw new IllegalArgumentException("quantile loss: " + levels.length + " levels for " + cols
                        + " outputs");
            }
            DType dtype = pred.dtype();
            double n = (double) shape.dim(0) * cols;
            try (Tensor target = values(backend, pred, batch);
                 Tensor tauRow = backend.upload(levels, Shape.of(cols), dtype);
                 Tensor tau = backend.allocate(dtype, shape);
                 Tensor u = backend.allocate(dtype, shape);
                 Tensor a = backend.allocate(dtype, shape);
                 Tensor b = backend.allocate(dtype, shape)) {
                backend.addRowVector(tau, tauRow);
                backend.binary(BinaryOp.SUB, target, pred, u);
                backend.unary(UnaryOp.NEG, u, a);
                backend.unary(UnaryOp.RELU, a, b);
                backend.binary(BinaryOp.MUL, tau, u, a);
                backend.binary(BinaryOp.ADD, a, b, a);
                double loss = backend.sum(a) / n;
                if (dPred != null) {
                    // 1{u < 0} = relu(sign(-u)); then minus tau, over n.
                    backend.unary(UnaryOp.NEG, u, a);
                    backend.unary(UnaryOp.SIGN, a, b);
                    backend.unary(UnaryOp.RELU, b, a);
                    backend.binary(BinaryOp.SUB, a, tau, dPred);
                    backend.axpby(0, dPred, 1 / n, dPred);
                }
                return loss;
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Quantile q && Arrays.equals(levels, q.levels);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(levels);
        }

        @Override
        public String toString() {
            return "Quantile" + Arrays.toString(levels);
        }
    }

    /** The loss each objective trains with unless told otherwise. */
    static HeadLoss defaultFor(Objective objective) {
        return objective.classes() ? new CrossEntropy() : new MeanSquaredError();
    }

    /**
     * The loss of the head outputs {@code pred} [rows, O] on the batch's targets; with {@code dPred} not null, its
     * gradient written there (overwritten).
     */
    double compute(Backend backend, Objective objective, Tensor pred, SequenceBatch batch, Tensor dPred);

    /** Checks that this loss fits the objective and the model's output width. */
    default void check(Objective objective, int outputSize) {
        boolean classes = this instanceof CrossEntropy;
        if (classes != objective.classes()) {
            throw new IllegalArgumentException("loss: a " + objective.name().toLowerCase(Locale.ROOT) + " model "
                    + "needs " + (objective.classes() ? "cross-entropy" : "a value loss (MSE or quantile)") + ", got "
                    + this);
        }
        if (this instanceof Quantile q && q.levels.length != outputSize) {
            throw new IllegalArgumentException("loss: " + q.levels.length + " quantile levels for " + outputSize
                    + " outputs; expected one level per output");
        }
    }

    /** The batch's value targets on the backend, [B, O]. */
    private static Tensor values(Backend backend, Tensor pred, SequenceBatch batch) {
        int o = pred.shape().dim(1);
        if (batch.y() == null || batch.outputSize() != o) {
            throw new IllegalArgumentException("batch: a regression model needs value targets y [B, " + o + "], got "
                    + (batch.y() == null ? "class labels" : "y [B, " + batch.outputSize() + "]"));
        }
        return backend.upload(batch.y(), Shape.of(batch.batchSize(), o), pred.dtype());
    }

    /** The class of each scored row: per sequence, or per valid step in (t, b) order. */
    private static int[] labels(Objective objective, int outputSize, SequenceBatch batch) {
        // With T = 1 one class per step is one per sequence (a one-step chunk of truncated BPTT).
        if (batch.labels() == null || batch.outputSize() != outputSize
                || batch.seqLength() > 1 && batch.labelsPerStep() != objective.everyStep()) {
            throw new IllegalArgumentException("batch: a " + objective.name().toLowerCase(Locale.ROOT)
                    + " model needs " + (objective.everyStep() ? "one class per step" : "one class per sequence")
                    + " in [0, " + outputSize + "), got " + (batch.labels() == null ? "value targets"
                    : (batch.labelsPerStep() ? "one class per step" : "one class per sequence") + " in [0, "
                    + batch.outputSize() + ")"));
        }
        if (!objective.everyStep()) {
            return batch.labels();
        }
        int steps = 0;
        for (int len : batch.lengths()) {
            steps += len;
        }
        int[] labels = new int[steps];
        int n = 0;
        for (int t = 0; t < batch.seqLength(); t++) {
            for (int b = 0; b < batch.batchSize(); b++) {
                if (t < batch.lengths()[b]) {
                    labels[n++] = batch.labels()[t * batch.batchSize() + b];
                }
            }
        }
        return labels;
    }
}
