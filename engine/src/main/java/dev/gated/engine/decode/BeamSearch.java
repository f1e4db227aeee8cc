package dev.gated.engine.decode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Beam search with GNMT length normalisation.
 *
 * <p>Each step expands every live beam by every possible token and ranks the expansions by log-probability
 * (ties: token sequence, lexicographically). Walking that ranking, an expansion ending in {@code eos} that ranks
 * among the first W becomes a finished hypothesis, scored {@code logProb / lp(length)} with eos counted in the
 * length; the other expansions refill the beam up to W live hypotheses (the fairseq scheme, so finishing does
 * not shrink the beam).
 *
 * <p>Stopping rule: search stops at the first of
 * <ul>
 *   <li>no live beam left;
 *   <li>the best finished score is strictly above every live hypothesis's bound {@code logProb / lp(maxLength)}.
 *       Log-probabilities are ≤ 0, so no continuation can raise a live sum, and lp does not decrease with length,
 *       so that bound is the best any continuation can score: this stop never changes the best hypothesis. With
 *       α = 0 it is simply "best finished > best live sum" and fires soon; with α > 0 it fires late;
 *   <li>W hypotheses finished (fairseq's rule), which bounds the work when α > 0 and makes width 1 exactly
 *       greedy decoding; it is a heuristic, as a live beam might still have scored better;
 *   <li>{@code maxLength} steps; the live beams are then returned too, flagged unfinished.
 * </ul>
 * With W ≥ V^maxLength no expansion is ever dropped and W finished hypotheses cannot occur, so the best
 * hypothesis is the exact best over all sequences; beyond the first, the n-best list holds what the search found.
 */
public final class BeamSearch {
    private final int width;
    private final int maxLength;
    private final LengthPenalty lengthPenalty;
    private final int bos;
    private final int eos;

    /**
     * @param width beam width W, at least 1
     * @param maxLength the most tokens emitted, eos included; at least 1
     * @param lengthPenalty the normaliser of finished (and of returned unfinished) hypotheses
     * @param bos the token fed on the first step
     * @param eos the token that ends a hypothesis
     */
    public BeamSearch(int width, int maxLength, LengthPenalty lengthPenalty, int bos, int eos) {
        if (width < 1) {
            throw new IllegalArgumentException("beam width must be >= 1, got " + width);
        }
        StepChecks.maxLength(maxLength);
        if (lengthPenalty == null) {
            throw new IllegalArgumentException("lengthPenalty must not be null; use LengthPenalty.none()");
        }
        this.width = width;
        this.maxLength = maxLength;
        this.lengthPenalty = lengthPenalty;
        this.bos = bos;
        this.eos = eos;
    }

    /**
     * Decodes one sequence from the model's initial state.
     *
     * @return at most W hypotheses, best first, by score then tokens
     */
    public <S> List<Hypothesis> decode(StepScorer<S> scorer, S initial) {
        int vocabulary = StepChecks.vocabulary(scorer, bos, eos);
        List<Beam<S>> live = new ArrayList<>();
        live.add(new Beam<>(new int[0], 0, initial, bos));
        List<Hypothesis> finished = new ArrayList<>();
        for (int t = 1; t <= maxLength; t++) {
            List<S> states = new ArrayList<>(live.size());
            int[] lastTokens = new int[live.size()];
            for (int i = 0; i < live.size(); i++) {
                states.add(live.get(i).state);
                lastTokens[i] = live.get(i).last;
            }
            Step<S> step = StepChecks.step(scorer, states, lastTokens, vocabulary);
            List<Beam<S>> next = new ArrayList<>(width);
            List<Candidate> ranked = topCandidates(live, step.logProbs());
            for (int r = 0; r < ranked.size(); r++) {
                Candidate c = ranked.get(r);
                Beam<S> parent = live.get(c.beam);
                if (c.token == eos) {
                    if (r < width) {
                        finished.add(new Hypothesis(parent.tokens, c.logProb,
                                lengthPenalty.score(c.logProb, t), true));
                    }
                } else if (next.size() < width) {
                    int[] tokens = Arrays.copyOf(parent.tokens, t);
                    tokens[t - 1] = c.token;
                    next.add(new Beam<>(tokens, c.logProb, step.next().get(c.beam), c.token));
                }
            }
            live = next;
            if (live.isEmpty() || finished.size() >= width || cannotBeBeaten(finished, live)) {
                return nBest(finished);
            }
        }
        for (Beam<S> b : live) {
            finished.add(new Hypothesis(b.tokens, b.logProb, lengthPenalty.score(b.logProb, maxLength), false));
        }
        return nBest(finished);
    }

    /** Decodes several source sentences independently (one search each), in order. */
    public <S> List<List<Hypothesis>> decodeAll(StepScorer<S> scorer, List<S> initials) {
        List<List<Hypothesis>> out = new ArrayList<>(initials.size());
        for (S initial : initials) {
            out.add(decode(scorer, initial));
        }
        return out;
    }

    /**
     * The best expansions in rank order. At most W can finish (one eos per beam, only the first W ranks count)
     * and W more refill the beam, so the first 2W suffice; a bounded heap keeps this O(W·V·log W).
     */
    private <S> List<Candidate> topCandidates(List<Beam<S>> live, float[][] logProbs) {
        int keep = 2 * width;
        // Worst at the head, so it is the one to evict.
        PriorityQueue<Candidate> heap = new PriorityQueue<>(keep + 1, (a, b) -> -compare(live, a, b));
        for (int i = 0; i < live.size(); i++) {
            double base = live.get(i).logProb;
            for (int v = 0; v < logProbs[i].length; v++) {
                if (logProbs[i][v] == Float.NEGATIVE_INFINITY) {
                    continue;
                }
                heap.add(new Candidate(i, v, base + logProbs[i][v]));
                if (heap.size() > keep) {
                    heap.poll();
                }
            }
        }
        List<Candidate> ranked = new ArrayList<>(heap);
        ranked.sort((a, b) -> compare(live, a, b));
        return ranked;
    }

    private static <S> int compare(List<Beam<S>> live, Candidate a, Candidate b) {
        return Ranking.candidates(a.logProb, live.get(a.beam).tokens, a.token,
                b.logProb, live.get(b.beam).tokens, b.token);
    }

    private boolean cannotBeBeaten(List<Hypothesis> finished, List<? extends Beam<?>> live) {
        if (finished.isEmpty()) {
            return false;
        }
        double bestFinished = Double.NEGATIVE_INFINITY;
        for (Hypothesis h : finished) {
            bestFinished = Math.max(bestFinished, h.score());
        }
        double bestLive = Double.NEGATIVE_INFINITY;
        for (Beam<?> b : live) {
            bestLive = Math.max(bestLive, b.logProb);
        }
        return bestFinished > lengthPenalty.score(bestLive, maxLength);
    }

    private List<Hypothesis> nBest(List<Hypothesis> all) {
        List<Hypothesis> sorted = new ArrayList<>(all);
        sorted.sort(Ranking.HYPOTHESES);
        return List.copyOf(sorted.subList(0, Math.min(width, sorted.size())));
    }

    /** A live hypothesis: output so far, its log-probability, the model state after it, and its last token. */
    private record Beam<S>(int[] tokens, double logProb, S state, int last) {}

    /** Beam {@code beam} extended by {@code token}, with the extended sum of log-probabilities. */
    private record Candidate(int beam, int token, double logProb) {}
}
