package dev.gated.engine.decode;

/**
 * One decoded sequence. The token array is not copied, so do not modify it; as for any record with an array
 * component, {@code equals} compares it by reference (compare {@code tokens()} with {@code Arrays.equals}).
 *
 * @param tokens the output tokens, without {@code bos} and without the final {@code eos}
 * @param logProb sum of the natural-log probabilities of every emitted token, eos included
 * @param score the ranking score: {@code logProb} divided by the length penalty (equal to it for greedy
 *     decoding and for α = 0)
 * @param finished whether the hypothesis emitted {@code eos}; false when it was cut at {@code maxLength}
 */
public record Hypothesis(int[] tokens, double logProb, double score, boolean finished) {
    /** Tokens the model emitted: the output tokens, plus one for eos when finished. */
    public int length() {
        return tokens.length + (finished ? 1 : 0);
    }
}
