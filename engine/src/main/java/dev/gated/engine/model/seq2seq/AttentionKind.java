package dev.gated.engine.model.seq2seq;

/**
 * How the decoder looks at the encoder's outputs ({@code translation.attention}, in lower case in a job file).
 * {@code LUONG}: Luong et al. (2015) global attention with the "general" score {@code h_t · W_a e_s} on the decoder's
 * new state, and input feeding (the previous attentional state joins the next input). {@code BAHDANAU}: Bahdanau et
 * al. (2015) additive attention {@code v · tanh(W_q s_{t-1} + W_k e_s)} on the previous state, whose context joins
 * the step's input. {@code NONE}: the encoder's final states start the decoder and nothing more.
 */
public enum AttentionKind {
    LUONG, BAHDANAU, NONE
}
