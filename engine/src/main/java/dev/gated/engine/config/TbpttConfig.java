package dev.gated.engine.config;

/**
 * {@code training.tbptt}: stateful training with truncated backpropagation through time, for a character-level
 * language model ({@code data.kind: text}). The training text is cut into {@code training.batch_size} contiguous
 * streams; each optimizer step reads the next {@code forward} steps of every stream, starting from the hidden (and
 * cell) state the previous step ended with, and backpropagates through the last {@code backward} of them only
 * (the first {@code forward - backward} steps just advance the state, in inference mode). The state is reset to
 * zero at the start of every epoch; validation and test run statefully over their own streams in chunks of
 * {@code forward} steps. See docs/TEXT.md, "Long texts: truncated BPTT".
 *
 * @param forward  K1 &ge; 1: time steps each optimizer step consumes per stream
 * @param backward K2 in [1, K1]: the last K2 of them carry the loss and the gradient (default K1)
 */
public record TbpttConfig(int forward, int backward) {
    public TbpttConfig {
        if (forward < 1) {
            throw new IllegalArgumentException("training.tbptt.forward: expected an integer >= 1, got " + forward);
        }
        if (backward < 1 || backward > forward) {
            throw new IllegalArgumentException("training.tbptt.backward: expected an integer in [1, forward = "
                    + forward + "], got " + backward);
        }
    }

    /** Steps per chunk that only advance the state (no loss, no gradient). */
    public int advanceSteps() {
        return forward - backward;
    }
}
