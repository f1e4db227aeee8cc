package dev.gated.engine.model;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.rnn.RnnSpec;

/** The checks of a {@link SequenceModel}'s constructor arguments, each failing with what was expected. */
final class ModelArguments {
    private ModelArguments() {
    }

    static void check(Backend backend, RnnSpec spec, int outputSize, Objective objective, Init init, Dropout dropout,
                      Stacking stacking, HeadLoss loss, Embedding embedding) {
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
        if (stacking.inputNorm() && embedding != null) {
            throw new IllegalArgumentException("input_norm batch: normalises float input features; this model reads "
                    + "token ids through an embedding, so it has none (use norm: batch or layer between layers)");
        }
    }
}
