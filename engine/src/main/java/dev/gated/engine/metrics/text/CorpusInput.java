package dev.gated.engine.metrics.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks a corpus handed to {@link Bleu} or {@link ChrF} and drops null references.
 *
 * <p>sacreBLEU silently truncates to the shorter of hypotheses and references (it zips them) and fails with an
 * IndexError on an empty corpus; both are refused here, since a silently shortened test set gives a wrong score.
 */
final class CorpusInput {
    private CorpusInput() {
    }

    /**
     * The references of each sentence with nulls removed (sacreBLEU's {@code None}: "no reference in this stream").
     * An empty string stays: sacreBLEU keeps it as a reference of no tokens.
     */
    static List<List<String>> check(String metric, List<String> hypotheses, List<? extends List<String>> references) {
        if (hypotheses == null || references == null) {
            throw new IllegalArgumentException(metric + ": hypotheses and references must not be null");
        }
        if (hypotheses.isEmpty()) {
            throw new IllegalArgumentException(metric + ": the corpus is empty (no hypotheses)");
        }
        if (hypotheses.size() != references.size()) {
            throw new IllegalArgumentException(metric + ": " + hypotheses.size() + " hypotheses but references for "
                    + references.size() + " sentences; expected one reference list per hypothesis");
        }
        List<List<String>> out = new ArrayList<>(references.size());
        for (int i = 0; i < hypotheses.size(); i++) {
            if (hypotheses.get(i) == null) {
                throw new IllegalArgumentException(metric + ": hypothesis " + i + " is null");
            }
            out.add(sentenceReferences(metric, i, references.get(i)));
        }
        return out;
    }

    /** The non-null references of sentence {@code index}; at least one must remain. */
    static List<String> sentenceReferences(String metric, int index, List<String> refs) {
        List<String> kept = new ArrayList<>();
        if (refs != null) {
            for (String r : refs) {
                if (r != null) {
                    kept.add(r);
                }
            }
        }
        if (kept.isEmpty()) {
            throw new IllegalArgumentException(metric + ": sentence " + index + " has no reference");
        }
        return kept;
    }
}
