package dev.gated.engine.metrics.text;

import java.util.List;
import java.util.Map;

/**
 * chrF (Popović, 2015) computed as sacreBLEU 2.x does with its defaults ({@code CHRF()}: character n-grams of orders
 * 1..6, no word n-grams, beta 2, whitespace removed, case kept, {@code eps_smoothing=False}: signature
 * {@code nc:6|nw:0|space:no|eff:yes}).
 *
 * <p>Per order n, the statistics are hypothesis n-grams, reference n-grams and clipped matches (the hypothesis count
 * is taken as 0 when the reference has no n-gram of that order). With several references, a sentence keeps the
 * statistics of the reference with the best sentence-level chrF (the first on a tie). The statistics are summed over
 * the corpus; then the precision and recall of the orders where both hypothesis and reference have n-grams are
 * averaged (sacreBLEU's effective order), and the score is one F-beta of the two averages, times 100. Note that
 * this is not the mean of per-order F-scores: that is sacreBLEU's {@code eps_smoothing=True} variant, not its
 * default.
 *
 * <p>References are given per sentence, as for {@link Bleu}. Instances are immutable and thread-safe.
 */
public final class ChrF {
    /** sacreBLEU's default character n-gram order. */
    public static final int CHAR_ORDER = 6;
    /** sacreBLEU's default beta: recall weighs twice as much as precision. */
    public static final int BETA = 2;

    private final int charOrder;
    private final int beta;

    /** sacreBLEU's defaults: chrF2 over character 6-grams. */
    public ChrF() {
        this(CHAR_ORDER, BETA);
    }

    /**
     * @param charOrder highest character n-gram order, at least 1
     * @param beta      recall's weight relative to precision, at least 0 (sacreBLEU takes an integer)
     */
    public ChrF(int charOrder, int beta) {
        if (charOrder < 1 || beta < 0) {
            throw new IllegalArgumentException("ChrF: expected charOrder >= 1 and beta >= 0, got " + charOrder
                    + " and " + beta);
        }
        this.charOrder = charOrder;
        this.beta = beta;
    }

    /**
     * Corpus chrF on 0..100, as sacreBLEU's {@code CHRF().corpus_score}.
     *
     * @throws IllegalArgumentException on an empty corpus, a count mismatch or a sentence without reference
     */
    public double corpusScore(List<String> hypotheses, List<? extends List<String>> references) {
        List<List<String>> refs = CorpusInput.check("chrF", hypotheses, references);
        long[] sum = new long[3 * charOrder];
        for (int i = 0; i < hypotheses.size(); i++) {
            long[] s = segmentStatistics(hypotheses.get(i), refs.get(i));
            for (int k = 0; k < sum.length; k++) {
                sum[k] += s[k];
            }
        }
        return fScore(sum);
    }

    /** Sentence chrF on 0..100, as sacreBLEU's {@code CHRF().sentence_score}. */
    public double sentenceScore(String hypothesis, List<String> references) {
        if (hypothesis == null) {
            throw new IllegalArgumentException("chrF: the hypothesis is null");
        }
        return fScore(segmentStatistics(hypothesis, CorpusInput.sentenceReferences("chrF", 0, references)));
    }

    /** [hyp, ref, match] per order, flattened, from the reference with the best sentence chrF. */
    private long[] segmentStatistics(String hypothesis, List<String> references) {
        List<Map<String, Integer>> hyp = Ngrams.chars(PythonText.codePointsWithoutSpace(hypothesis), charOrder);
        long[] best = null;
        double bestF = -1.0;
        for (String ref : references) {
            List<Map<String, Integer>> r = Ngrams.chars(PythonText.codePointsWithoutSpace(ref), charOrder);
            long[] s = new long[3 * charOrder];
            for (int n = 0; n < charOrder; n++) {
                Map<String, Integer> h = hyp.get(n);
                Map<String, Integer> rn = r.get(n);
                // as sacreBLEU: hypothesis n-grams only count where the reference has n-grams of that order
                s[3 * n] = rn.isEmpty() ? 0 : Ngrams.total(h);
                s[3 * n + 1] = Ngrams.total(rn);
                s[3 * n + 2] = Ngrams.matches(h, rn);
            }
            double f = fScore(s);
            if (f > bestF) {
                bestF = f;
                best = s;
            }
        }
        return best;
    }

    /** sacreBLEU's {@code CHRF._compute_f_score} without eps smoothing, in the same order of operations. */
    double fScore(long[] stats) {
        int factor = beta * beta;
        double avgPrec = 0.0;
        double avgRec = 0.0;
        int effectiveOrder = 0;
        for (int i = 0; i < charOrder; i++) {
            long nHyp = stats[3 * i];
            long nRef = stats[3 * i + 1];
            long nMatch = stats[3 * i + 2];
            if (nHyp > 0 && nRef > 0) {
                avgPrec += (double) nMatch / nHyp;
                avgRec += (double) nMatch / nRef;
                effectiveOrder++;
            }
        }
        if (effectiveOrder == 0) {
            avgPrec = 0.0;
            avgRec = 0.0;
        } else {
            avgPrec /= effectiveOrder;
            avgRec /= effectiveOrder;
        }
        if (avgPrec + avgRec == 0) {
            return 0.0;
        }
        double score = (1 + factor) * avgPrec * avgRec;
        score /= (factor * avgPrec) + avgRec;
        return 100 * score;
    }
}
