package dev.gated.engine.data.words;

/** Which tokens a sentence longer than the maximum length loses. */
public enum Truncation {
    /** Keep the first tokens, cut the end (Keras {@code truncating='post'}). */
    END,
    /** Keep the last tokens, cut the start (Keras {@code truncating='pre'}). */
    START
}
