package dev.gated.engine.metrics.text;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** N-gram counting for BLEU (word n-grams) and chrF (character n-grams), one map per order. */
final class Ngrams {
    private Ngrams() {
    }

    /**
     * Counts of the word n-grams of orders 1..maxOrder; element n-1 holds order n, keyed by the tokens joined with a
     * space (tokens never contain whitespace, so the key is unambiguous).
     */
    static List<Map<String, Integer>> words(List<String> tokens, int maxOrder) {
        List<Map<String, Integer>> out = new ArrayList<>(maxOrder);
        for (int n = 1; n <= maxOrder; n++) {
            Map<String, Integer> counts = new HashMap<>();
            for (int i = 0; i + n <= tokens.size(); i++) {
                counts.merge(String.join(" ", tokens.subList(i, i + n)), 1, Integer::sum);
            }
            out.add(counts);
        }
        return out;
    }

    /** Counts of the character n-grams of orders 1..maxOrder over code points (as Python indexes a str). */
    static List<Map<String, Integer>> chars(int[] codePoints, int maxOrder) {
        List<Map<String, Integer>> out = new ArrayList<>(maxOrder);
        for (int n = 1; n <= maxOrder; n++) {
            Map<String, Integer> counts = new HashMap<>();
            for (int i = 0; i + n <= codePoints.length; i++) {
                counts.merge(new String(codePoints, i, n), 1, Integer::sum);
            }
            out.add(counts);
        }
        return out;
    }

    /** Sum of the counts in one map. */
    static long total(Map<String, Integer> counts) {
        long t = 0;
        for (int c : counts.values()) {
            t += c;
        }
        return t;
    }

    /** Clipped matches: for each hypothesis n-gram, the smaller of its count and the reference's. */
    static long matches(Map<String, Integer> hyp, Map<String, Integer> ref) {
        long m = 0;
        for (Map.Entry<String, Integer> e : hyp.entrySet()) {
            Integer r = ref.get(e.getKey());
            if (r != null) {
                m += Math.min(e.getValue(), r);
            }
        }
        return m;
    }
}
