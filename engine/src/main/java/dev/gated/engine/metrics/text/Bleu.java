package dev.gated.engine.metrics.text;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Corpus BLEU (Papineni et al., 2002) computed as sacreBLEU 2.x does with its defaults ({@code BLEU()}:
 * {@code tok:13a|smooth:exp|case:mixed|eff:no}, n-gram orders 1..4).
 *
 * <p>Each segment is right-stripped and tokenised; its n-gram counts are clipped by the largest count of that n-gram
 * in any one of its references; matches and totals are summed over the corpus. The brevity penalty compares the
 * total hypothesis length with the sum of the closest reference lengths (on a tie, the shorter reference). The score
 * is the brevity penalty times the geometric mean of the precisions, with sacreBLEU's {@code exp} smoothing: the k-th
 * order with no match counts as precision 1 / (2^k * total). With no match at any order the score is 0; an order
 * with no hypothesis n-grams at all stops the loop and, without effective order, makes the score 0.
 *
 * <p>References are given per sentence: {@code references.get(i)} holds the references of hypothesis i (one or
 * several; nulls are skipped, as sacreBLEU skips {@code None}). {@link References} converts sacreBLEU's stream
 * layout. Instances are immutable and thread-safe if the tokeniser is.
 */
public final class Bleu {
    /** sacreBLEU's default maximum n-gram order. */
    public static final int MAX_NGRAM_ORDER = 4;

    /** sacreBLEU's {@code my_log(0)}: log floored to this value, so a zero precision drives the score to 0. */
    private static final double LOG_OF_ZERO = -9999999999.0;

    private final UnaryOperator<String> tokenizer;
    private final int maxOrder;

    /** sacreBLEU's defaults: the 13a tokeniser and n-grams up to order 4. */
    public Bleu() {
        this(new Tokenizer13a(), MAX_NGRAM_ORDER);
    }

    /**
     * @param tokenizer     maps a segment to its tokens joined by whitespace ({@code UnaryOperator.identity()} is
     *                      sacreBLEU's {@code tokenize='none'})
     * @param maxNgramOrder highest n-gram order, at least 1
     */
    public Bleu(UnaryOperator<String> tokenizer, int maxNgramOrder) {
        if (tokenizer == null || maxNgramOrder < 1) {
            throw new IllegalArgumentException("Bleu: expected a tokenizer and maxNgramOrder >= 1, got "
                    + tokenizer + " and " + maxNgramOrder);
        }
        this.tokenizer = tokenizer;
        this.maxOrder = maxNgramOrder;
    }

    /**
     * Corpus BLEU, as sacreBLEU's {@code BLEU().corpus_score}.
     *
     * @param hypotheses one string per sentence (an empty string is a valid, empty hypothesis)
     * @param references per sentence, its references (at least one non-null each)
     * @throws IllegalArgumentException on an empty corpus, a count mismatch or a sentence without reference
     */
    public BleuScore corpusScore(List<String> hypotheses, List<? extends List<String>> references) {
        List<List<String>> refs = CorpusInput.check("BLEU", hypotheses, references);
        long[] sum = new long[2 + 2 * maxOrder];
        for (int i = 0; i < hypotheses.size(); i++) {
            long[] s = segmentStatistics(hypotheses.get(i), refs.get(i));
            for (int k = 0; k < sum.length; k++) {
                sum[k] += s[k];
            }
        }
        return fromSums(sum, false);
    }

    /**
     * Sentence BLEU, as sacreBLEU's {@code sentence_bleu} (exp smoothing with effective order: orders with no
     * hypothesis n-gram are left out of the mean). BLEU is a corpus metric; this is for per-sentence inspection.
     */
    public BleuScore sentenceScore(String hypothesis, List<String> references) {
        if (hypothesis == null) {
            throw new IllegalArgumentException("BLEU: the hypothesis is null");
        }
        List<String> refs = CorpusInput.sentenceReferences("BLEU", 0, references);
        return fromSums(segmentStatistics(hypothesis, refs), true);
    }

    private BleuScore fromSums(long[] s, boolean effectiveOrder) {
        long[] correct = new long[maxOrder];
        long[] total = new long[maxOrder];
        System.arraycopy(s, 2, correct, 0, maxOrder);
        System.arraycopy(s, 2 + maxOrder, total, 0, maxOrder);
        return fromStatistics(correct, total, s[0], s[1], effectiveOrder);
    }

    /** [hypLen, closest refLen, correct[1..N], total[1..N]] for one segment, as sacreBLEU's segment statistics. */
    private long[] segmentStatistics(String hypothesis, List<String> references) {
        List<Map<String, Integer>> refNgrams = null;
        List<Integer> refLens = new ArrayList<>(references.size());
        for (String ref : references) {
            List<String> tokens = tokens(ref);
            refLens.add(tokens.size());
            List<Map<String, Integer>> these = Ngrams.words(tokens, maxOrder);
            if (refNgrams == null) {
                refNgrams = these;
            } else {
                // several references: an n-gram may match as often as it occurs in the richest one
                for (int n = 0; n < maxOrder; n++) {
                    Map<String, Integer> merged = new HashMap<>(refNgrams.get(n));
                    these.get(n).forEach((g, c) -> merged.merge(g, c, Math::max));
                    refNgrams.set(n, merged);
                }
            }
        }
        List<String> hypTokens = tokens(hypothesis);
        List<Map<String, Integer>> hypNgrams = Ngrams.words(hypTokens, maxOrder);
        long[] s = new long[2 + 2 * maxOrder];
        s[0] = hypTokens.size();
        s[1] = closestRefLength(hypTokens.size(), refLens);
        for (int n = 0; n < maxOrder; n++) {
            s[2 + n] = Ngrams.matches(hypNgrams.get(n), refNgrams.get(n));
            s[2 + maxOrder + n] = Ngrams.total(hypNgrams.get(n));
        }
        return s;
    }

    private List<String> tokens(String segment) {
        return PythonText.split(tokenizer.apply(PythonText.rstrip(segment)));
    }

    /** The reference length closest to the hypothesis length; on a tie, the shorter one. */
    static int closestRefLength(int hypLen, List<Integer> refLens) {
        int bestDiff = -1;
        int best = -1;
        for (int len : refLens) {
            int diff = Math.abs(hypLen - len);
            if (bestDiff == -1 || diff < bestDiff) {
                bestDiff = diff;
                best = len;
            } else if (diff == bestDiff && len < best) {
                best = len;
            }
        }
        return best;
    }

    /**
     * BLEU from its sufficient statistics with {@code exp} smoothing, as sacreBLEU's {@code BLEU.compute_bleu}.
     * The arithmetic follows sacreBLEU's operation by operation, so results agree to the last bits or so.
     *
     * @param correct        clipped matches per order (order n at n-1)
     * @param total          hypothesis n-grams per order
     * @param hypLen         hypothesis length in tokens
     * @param refLen         reference length in tokens
     * @param effectiveOrder leave out orders with no hypothesis n-gram (sacreBLEU's {@code effective_order})
     */
    public static BleuScore fromStatistics(long[] correct, long[] total, long hypLen, long refLen,
                                           boolean effectiveOrder) {
        if (correct.length == 0 || correct.length != total.length) {
            throw new IllegalArgumentException("BLEU: expected as many totals as counts (at least one), got "
                    + correct.length + " and " + total.length);
        }
        int order = correct.length;
        double ratio = refLen != 0 ? (double) hypLen / refLen : 0;
        double bp = 1.0;
        if (hypLen < refLen) {
            bp = hypLen > 0 ? Math.exp(1 - (double) refLen / hypLen) : 0.0;
        }
        double[] precisions = new double[order];
        boolean anyMatch = false;
        for (long c : correct) {
            anyMatch |= c != 0;
        }
        if (!anyMatch) {
            return new BleuScore(0.0, correct, total, precisions, bp, ratio, hypLen, refLen);
        }
        double smooth = 1.0;
        int effOrder = order;
        for (int n = 1; n <= order; n++) {
            if (total[n - 1] == 0) {
                break;
            }
            if (effectiveOrder) {
                effOrder = n;
            }
            if (correct[n - 1] == 0) {
                smooth *= 2;
                precisions[n - 1] = 100.0 / (smooth * total[n - 1]);
            } else {
                precisions[n - 1] = 100.0 * correct[n - 1] / total[n - 1];
            }
        }
        double logSum = 0;
        for (int i = 0; i < effOrder; i++) {
            logSum += precisions[i] == 0.0 ? LOG_OF_ZERO : Math.log(precisions[i]);
        }
        double score = bp * Math.exp(logSum / effOrder);
        return new BleuScore(score, correct, total, precisions, bp, ratio, hypLen, refLen);
    }
}
