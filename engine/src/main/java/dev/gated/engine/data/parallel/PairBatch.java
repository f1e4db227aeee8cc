package dev.gated.engine.data.parallel;

import dev.gated.engine.data.words.WordVocabulary;
import java.util.List;

/**
 * A padded, time-major batch of sentence pairs for an encoder-decoder: every id array is [T, B] with entry
 * {@code [t * batchSize + b]}, and {@link WordVocabulary#PAD_ID} (0) past each sequence's length.
 *
 * <ul>
 *   <li>{@code source} [sourceSteps, B]: the source ids, {@code sourceLengths[b]} of them; a pair with an empty
 *       source gets one {@code <pad>} step (length 1), so every sequence has a state to start the decoder from;</li>
 *   <li>{@code targetInput} [targetSteps, B]: what the decoder reads, {@code <bos> y1 .. yn};</li>
 *   <li>{@code targetOutput} [targetSteps, B]: what it must predict at each step, {@code y1 .. yn <eos>};</li>
 *   <li>{@code targetLengths[b]} = n + 1 (an empty target is just {@code <eos>}, length 1).</li>
 * </ul>
 *
 * @param sourceSteps the longest {@code sourceLengths}
 * @param targetSteps the longest {@code targetLengths}
 * @param pairs       the batch's pairs, in batch order (pair b is column b)
 */
public record PairBatch(int batchSize, int sourceSteps, int targetSteps, int[] source, int[] sourceLengths,
                        int[] targetInput, int[] targetOutput, int[] targetLengths, List<EncodedPair> pairs) {
    public PairBatch {
        if (batchSize < 1 || sourceSteps < 1 || targetSteps < 1) {
            throw new IllegalArgumentException("batch: expected batchSize, sourceSteps, targetSteps >= 1, got "
                    + batchSize + ", " + sourceSteps + ", " + targetSteps);
        }
        check("source", source, sourceSteps, batchSize);
        check("targetInput", targetInput, targetSteps, batchSize);
        check("targetOutput", targetOutput, targetSteps, batchSize);
        lengths("sourceLengths", sourceLengths, batchSize, sourceSteps);
        lengths("targetLengths", targetLengths, batchSize, targetSteps);
        pairs = List.copyOf(pairs);
        if (pairs.size() != batchSize) {
            throw new IllegalArgumentException("pairs: expected " + batchSize + " pairs, got " + pairs.size());
        }
    }

    /** The batch of {@code pairs}, in their order; see the class comment for the layout. */
    public static PairBatch of(List<EncodedPair> pairs) {
        int b = pairs.size();
        if (b == 0) {
            throw new IllegalArgumentException("pairs: expected at least one pair, got none");
        }
        int[] sourceLengths = new int[b];
        int[] targetLengths = new int[b];
        int sourceSteps = 1;
        int targetSteps = 1;
        for (int i = 0; i < b; i++) {
            EncodedPair p = pairs.get(i);
            sourceLengths[i] = Math.max(1, p.sourceLength());
            targetLengths[i] = p.targetLength() + 1;
            sourceSteps = Math.max(sourceSteps, sourceLengths[i]);
            targetSteps = Math.max(targetSteps, targetLengths[i]);
        }
        int[] source = new int[sourceSteps * b]; // zero-filled: PAD_ID is 0
        int[] targetInput = new int[targetSteps * b];
        int[] targetOutput = new int[targetSteps * b];
        for (int i = 0; i < b; i++) {
            EncodedPair p = pairs.get(i);
            for (int t = 0; t < p.sourceLength(); t++) {
                source[t * b + i] = p.sourceId(t);
            }
            int n = p.targetLength();
            targetInput[i] = WordVocabulary.BOS_ID;
            for (int t = 0; t < n; t++) {
                targetInput[(t + 1) * b + i] = p.targetId(t);
                targetOutput[t * b + i] = p.targetId(t);
            }
            targetOutput[n * b + i] = WordVocabulary.EOS_ID;
        }
        return new PairBatch(b, sourceSteps, targetSteps, source, sourceLengths, targetInput, targetOutput,
                targetLengths, pairs);
    }

    /** The real (unpadded) target steps of the batch, sum of {@code targetLengths}: the tokens a loss averages. */
    public int targetTokens() {
        int n = 0;
        for (int l : targetLengths) {
            n += l;
        }
        return n;
    }

    private static void check(String name, int[] ids, int steps, int batchSize) {
        if (ids == null || ids.length != steps * batchSize) {
            throw new IllegalArgumentException(name + ": expected " + (long) steps * batchSize + " ids [T=" + steps
                    + ", B=" + batchSize + "], got " + (ids == null ? "null" : ids.length));
        }
    }

    private static void lengths(String name, int[] lengths, int batchSize, int steps) {
        if (lengths == null || lengths.length != batchSize) {
            throw new IllegalArgumentException(name + ": expected " + batchSize + " lengths, got "
                    + (lengths == null ? "null" : lengths.length));
        }
        int max = 0;
        for (int b = 0; b < batchSize; b++) {
            if (lengths[b] < 1 || lengths[b] > steps) {
                throw new IllegalArgumentException(name + "[" + b + "]: expected a length in [1, " + steps + "], got "
                        + lengths[b]);
            }
            max = Math.max(max, lengths[b]);
        }
        if (max != steps) {
            throw new IllegalArgumentException(name + ": expected the longest to be the batch's " + steps
                    + " steps, got " + max);
        }
    }
}
