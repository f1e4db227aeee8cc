package dev.gated.engine.model;

/** What a {@link SequenceModel} is trained to do: which RNN outputs feed the head, and the loss. */
public enum Objective {
    /** Top-layer output at each sequence's last valid step → head → MSE over the target values. */
    REGRESSION,
    /** Top-layer output at each sequence's last valid step → head → softmax cross-entropy over one class. */
    CLASSIFICATION,
    /** Top-layer output at every valid step → head → softmax cross-entropy over the next symbol. */
    LANGUAGE_MODEL;

    /** Whether the head reads every valid step (true) or only each sequence's last one. */
    public boolean everyStep() {
        return this == LANGUAGE_MODEL;
    }

    /** Whether the targets are classes (cross-entropy) rather than values (MSE). */
    public boolean classes() {
        return this != REGRESSION;
    }
}
