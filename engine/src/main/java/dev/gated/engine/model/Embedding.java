package dev.gated.engine.model;

/**
 * A {@link SequenceModel}'s embedding layer, PyTorch's {@code nn.Embedding(vocabSize, dim, padding_idx=paddingId)}
 * registered before the RNN: token ids [T*B] ({@link dev.gated.engine.data.SequenceBatch#ofTokens}) become the
 * RNN's input x [T, B, dim] by gathering rows of the parameter {@code embedding.weight} [vocabSize, dim]. The RNN's
 * input size must equal {@code dim}.
 *
 * <p>Initialised as PyTorch does, N(0, 1) per element with the padding row zero. The padding row receives no
 * gradient (PyTorch's {@code padding_idx}), so it stays as written; pre-trained vectors are written with
 * {@code writeParameter("embedding.weight", ...)} and should have a zero padding row (PyTorch zeroes it only at
 * construction, so a non-zero one is kept as given).
 *
 * @param vocabSize V, the number of token ids: ids at valid steps must lie in [0, V)
 * @param dim       E, the vector size
 * @param paddingId the id whose row is the padding vector and gets no gradient, in [0, V); {@link #NO_PADDING}
 *                  (-1) for none (PyTorch's {@code padding_idx=None})
 * @param frozen    true: not trained ({@code requires_grad=False}): no gradient, no part of the gradient norm, no
 *                  optimizer update (weight decay included) and no L1/L2 penalty
 */
public record Embedding(int vocabSize, int dim, int paddingId, boolean frozen) {
    /** The paddingId of an embedding without a padding row. */
    public static final int NO_PADDING = -1;

    public Embedding {
        if (vocabSize <= 0 || dim <= 0) {
            throw new IllegalArgumentException("embedding: expected vocabSize, dim > 0, got " + vocabSize + ", " + dim);
        }
        if (paddingId < NO_PADDING || paddingId >= vocabSize) {
            throw new IllegalArgumentException("embedding paddingId: expected an id in [0, " + vocabSize
                    + ") or -1 (none), got " + paddingId);
        }
    }

    /** A trainable embedding with padding id 0 (like {@code padding_idx=0}). */
    public Embedding(int vocabSize, int dim) {
        this(vocabSize, dim, 0, false);
    }

    /** This embedding, frozen or trainable. */
    public Embedding withFrozen(boolean frozen) {
        return new Embedding(vocabSize, dim, paddingId, frozen);
    }

    /** True when one of the ids is the padding id. */
    public boolean hasPadding() {
        return paddingId != NO_PADDING;
    }
}
