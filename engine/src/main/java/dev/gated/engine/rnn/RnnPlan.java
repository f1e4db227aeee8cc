package dev.gated.engine.rnn;

import dev.gated.engine.backend.Tensor;

/**
 * A backend's prepared RNN, like a cuDNN RNN descriptor. Weights live in one flat buffer whose layout
 * belongs to the backend; canonical (PyTorch-named) tensors go in and out only through
 * {@link #writeParameter} and {@link #readParameter}.
 */
public interface RnnPlan extends AutoCloseable {
    RnnSpec spec();

    /** Elements of the flat weight buffer (and of its gradient). */
    int weightSpaceSize();

    /** Copies a canonical tensor (shape as {@link RnnSpec#parameters()} says) into the flat buffer. */
    void writeParameter(Tensor weightSpace, String name, Tensor value);

    /** Copies a canonical tensor out of the flat buffer (or out of a flat gradient buffer). */
    void readParameter(Tensor weightSpace, String name, Tensor out);

    /**
     * Workspace and reserve space for batches of up to {@code batchSize} sequences of up to
     * {@code maxSeqLength} steps: allocated once and reused across steps. A training forward fills it,
     * backward-data reads it and leaves in it what backward-weights needs.
     */
    RnnWorkspace workspace(int maxSeqLength, int batchSize);

    @Override
    void close();
}
