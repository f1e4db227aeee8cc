package dev.gated.engine.metrics.text;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * A BLEU result with the same fields as sacreBLEU's {@code BLEUScore}.
 *
 * @param score      BLEU on 0..100
 * @param counts     clipped matching n-grams per order (element n-1 for order n), summed over the corpus
 * @param totals     hypothesis n-grams per order, summed over the corpus
 * @param precisions n-gram precisions on 0..100, after smoothing (0 for orders not reached)
 * @param bp         brevity penalty
 * @param ratio      hypLen / refLen (0 when refLen is 0)
 * @param hypLen     hypothesis tokens in the corpus
 * @param refLen     closest-reference tokens in the corpus
 */
public record BleuScore(double score, long[] counts, long[] totals, double[] precisions, double bp, double ratio,
                        long hypLen, long refLen) {
    /** Copies the arrays in (and out, through the accessors), so the record stays immutable. */
    public BleuScore {
        counts = counts.clone();
        totals = totals.clone();
        precisions = precisions.clone();
        if (totals.length != counts.length || precisions.length != counts.length) {
            throw new IllegalArgumentException("BleuScore: counts, totals and precisions must have the same length,"
                    + " got " + counts.length + ", " + totals.length + " and " + precisions.length);
        }
    }

    @Override
    public long[] counts() {
        return counts.clone();
    }

    @Override
    public long[] totals() {
        return totals.clone();
    }

    @Override
    public double[] precisions() {
        return precisions.clone();
    }

    /**
     * The line sacreBLEU prints, e.g. {@code BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17
     * ref_len = 18)}, rounded as Python's format does.
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("BLEU = ").append(fixed(score, 2)).append(' ');
        for (int i = 0; i < precisions.length; i++) {
            sb.append(i == 0 ? "" : "/").append(fixed(precisions[i], 1));
        }
        return sb.append(" (BP = ").append(fixed(bp, 3)).append(" ratio = ").append(fixed(ratio, 3))
                .append(" hyp_len = ").append(hypLen).append(" ref_len = ").append(refLen).append(')').toString();
    }

    /**
     * Python's {@code f"{x:.{digits}f}"}: the exact binary value rounded half-to-even. {@code String.format} rounds
     * the shortest decimal form half-up instead, which differs on values such as 0.125.
     */
    static String fixed(double x, int digits) {
        return new BigDecimal(x).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
    }
}
