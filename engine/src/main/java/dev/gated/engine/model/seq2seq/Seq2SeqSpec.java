package dev.gated.engine.model.seq2seq;

import dev.gated.engine.backend.DType;
import dev.gated.engine.model.Dropout;
import dev.gated.engine.rnn.CellType;
import java.util.Objects;

/**
 * The shape of an encoder–decoder. The decoder has {@code hidden} units per layer and as many layers as the encoder;
 * a bidirectional encoder has {@code hidden / 2} per direction, so its two final states, joined, start the decoder
 * (OpenNMT's convention), and its outputs have {@code hidden} features like the decoder's states.
 *
 * @param sourceVocab  source vocabulary size (id 0 is {@code <pad>}, whose embedding row stays 0)
 * @param targetVocab  target vocabulary size
 * @param embeddingDim both embeddings' width
 * @param freezeSource keep the source embedding as loaded (pre-trained vectors with {@code freeze: true})
 * @param dropout      training only: {@code input} zeroes elements of both embeddings' outputs, {@code output}
 *                     elements of the attentional states the generator reads (the places OpenNMT puts it outside
 *                     the RNNs); {@code between} must be 0
 */
public record Seq2SeqSpec(CellType cell, int sourceVocab, int targetVocab, int embeddingDim, int hidden, int layers,
                          boolean bidirectional, AttentionKind attention, DType dtype, boolean freezeSource,
                          Dropout dropout) {
    public Seq2SeqSpec {
        Objects.requireNonNull(cell, "cell");
        Objects.requireNonNull(dropout, "dropout");
        if (dropout.between() > 0) {
            throw new IllegalArgumentException("model.dropout.between: the encoder and decoder each run as one "
                    + "backend RNN call, with no step between their layers; use dropout.input or dropout.output");
        }
        Objects.requireNonNull(attention, "attention");
        Objects.requireNonNull(dtype, "dtype");
        if (sourceVocab < 1 || targetVocab < 5 || embeddingDim < 1 || hidden < 1 || layers < 1) {
            throw new IllegalArgumentException("seq2seq: expected sourceVocab >= 1, targetVocab >= 5 (4 special "
                    + "tokens and a word), embeddingDim, hidden and layers >= 1; got " + sourceVocab + ", "
                    + targetVocab + ", " + embeddingDim + ", " + hidden + ", " + layers);
        }
        if (bidirectional && hidden % 2 != 0) {
            throw new IllegalArgumentException("model.hidden: a bidirectional encoder splits the hidden size "
                    + "between its two directions, so it must be even; got " + hidden);
        }
    }

    /** Without dropout. */
    public Seq2SeqSpec(CellType cell, int sourceVocab, int targetVocab, int embeddingDim, int hidden, int layers,
                       boolean bidirectional, AttentionKind attention, DType dtype, boolean freezeSource) {
        this(cell, sourceVocab, targetVocab, embeddingDim, hidden, layers, bidirectional, attention, dtype,
                freezeSource, Dropout.NONE);
    }

    /** Units per direction of the encoder. */
    public int encoderHidden() {
        return bidirectional ? hidden / 2 : hidden;
    }

    /** Width of the decoder RNN's input: the target embedding, plus the fed-back state or context. */
    public int decoderInput() {
        return embeddingDim + (attention == AttentionKind.NONE ? 0 : hidden);
    }
}
