package dev.gated.engine.data.words;

import java.util.List;
import java.util.Locale;

/**
 * How much of a vocabulary a pre-trained embedding file covers. Only the regular words count (ids &ge; 4), not
 * the special tokens.
 *
 * @param words           regular words in the vocabulary, V - 4
 * @param found           of them, those that got a pre-trained vector: {@code exact + lowercase}
 * @param exact           found under exactly their spelling
 * @param lowercase       found only under another case ("Paris" as "paris"): the lower-cased forms are equal
 * @param fileVectors     vectors in the file, all read, most of them not kept
 * @param missingExamples up to {@link #MAX_EXAMPLES} words without a vector, most frequent first (id order)
 */
public record Coverage(int words, int found, int exact, int lowercase, long fileVectors,
                       List<String> missingExamples) {
    public static final int MAX_EXAMPLES = 10;

    public Coverage {
        missingExamples = List.copyOf(missingExamples);
        if (found != exact + lowercase || found > words) {
            throw new IllegalArgumentException("coverage: expected found = exact + lowercase <= words, got found "
                    + found + ", exact " + exact + ", lowercase " + lowercase + ", words " + words);
        }
    }

    /** {@code found / words}, 1 for a vocabulary without regular words. */
    public double fraction() {
        return words == 0 ? 1 : (double) found / words;
    }

    /** Words without a pre-trained vector. */
    public int missing() {
        return words - found;
    }

    /** One line for the log, e.g. {@code 9 of 10 words (90.0%) have pre-trained vectors: 8 exact, 1 lower-cased}. */
    public String summary() {
        String s = String.format(Locale.ROOT, "%d of %d words (%.1f%%) have pre-trained vectors: %d exact, %d "
                + "lower-cased", found, words, 100 * fraction(), exact, lowercase);
        return missingExamples.isEmpty() ? s : s + "; missing e.g. " + String.join(", ", missingExamples);
    }
}
