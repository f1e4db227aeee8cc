package dev.gated.engine.model.seq2seq;

/**
 * How {@link Translator} decodes.
 *
 * @param beamWidth     1 = greedy decoding, else beam search of that width
 * @param lengthPenalty GNMT's α for the beam's length normalisation (0 = none)
 * @param maxLength     the most tokens emitted per sentence, eos included
 * @param bos           the token fed on the first step
 * @param eos           the token that ends a sentence
 */
public record Decoding(int beamWidth, double lengthPenalty, int maxLength, int bos, int eos) {
    public Decoding {
        if (beamWidth < 1 || maxLength < 1 || !(lengthPenalty >= 0)) {
            throw new IllegalArgumentException("decoding: expected beam width >= 1, max length >= 1 and length "
                    + "penalty >= 0, got " + beamWidth + ", " + maxLength + ", " + lengthPenalty);
        }
    }

    public Decoding withBeamWidth(int width) {
        return new Decoding(width, lengthPenalty, maxLength, bos, eos);
    }
}
