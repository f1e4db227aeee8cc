package dev.gated.engine.config;

/**
 * {@code translation.attention}: how the decoder of a translation model looks at the encoder's states. In a job
 * file each constant is written in lower case.
 */
public enum AttentionKind {
    /** Multiplicative (general) attention, Luong et al. 2015: score(h, s) = h' W s, after the decoder step. */
    LUONG,
    /** Additive attention, Bahdanau et al. 2015: score(h, s) = v' tanh(W h + U s), before the decoder step. */
    BAHDANAU,
    /** No attention: the decoder starts from the encoder's final state only. */
    NONE
}
