package dev.gated.engine.decode;

/**
 * GNMT's length penalty (Wu et al. 2016): {@code lp(Y) = ((5 + |Y|)^α) / ((5 + 1)^α)}; hypotheses rank by
 * {@code log P(Y) / lp(Y)}.
 *
 * <p>α = 0 gives lp = 1, the raw sum of log-probabilities, which favours short outputs; α = 1 gives
 * {@code lp ≈ (5 + |Y|) / 6}, close to a per-token average for long outputs; GNMT used α ≈ 0.6–0.7.
 * |Y| counts the eos token (see the package documentation).
 */
public final class LengthPenalty {
    private final double alpha;

    /**
     * @param alpha exponent, at least 0 (a negative one would reward length without bound and break the early
     *     stop of {@link BeamSearch})
     */
    public LengthPenalty(double alpha) {
        if (!(alpha >= 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("length penalty alpha must be a finite number >= 0, got " + alpha);
        }
        this.alpha = alpha;
    }

    /** No normalisation: hypotheses rank by the raw sum of log-probabilities. */
    public static LengthPenalty none() {
        return new LengthPenalty(0);
    }

    public double alpha() {
        return alpha;
    }

    /** The penalty lp for a hypothesis of {@code length} emitted tokens; non-decreasing in the length. */
    public double penalty(int length) {
        return alpha == 0 ? 1 : Math.pow((5.0 + length) / 6.0, alpha);
    }

    /** The ranking score of a hypothesis with this log-probability and length. */
    public double score(double logProb, int length) {
        return logProb / penalty(length);
    }
}
