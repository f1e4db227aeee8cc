package dev.gated.engine.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** With W ≥ V^L nothing is pruned, so beam search must find the exact best over every sequence up to length L. */
class ExhaustiveSearchTest {
    private static final int EOS = 0;
    private static final int BOS = 1;

    @Test
    void wideBeamEqualsExhaustiveSearch() {
        Random r = new Random(42);
        int finishedBest = 0;
        int greedyWrong = 0;
        int runs = 0;
        for (int model = 0; model < 150; model++) {
            int vocabulary = 2 + r.nextInt(2);
            int maxLength = 1 + r.nextInt(4);
            int width = (int) Math.pow(vocabulary, maxLength);
            ToyScorer scorer = ToyScorer.random(1000 + model, vocabulary, model % 3 == 0, 0.5 + 2 * r.nextDouble());
            for (double alpha : new double[] {0, 0.6, 1, 2}) {
                LengthPenalty lp = new LengthPenalty(alpha);
                Hypothesis exact = best(scorer, lp, maxLength);
                Hypothesis beam = new BeamSearch(width, maxLength, lp, BOS, EOS).decode(scorer, ToyScorer.start()).get(0);
                String where = "model " + model + ", V " + vocabulary + ", L " + maxLength + ", alpha " + alpha;
                assertArrayEquals(exact.tokens(), beam.tokens(), where);
                assertEquals(exact.finished(), beam.finished(), where);
                assertEquals(exact.score(), beam.score(), 1e-12, where);
                Hypothesis narrow = new BeamSearch(1, maxLength, lp, BOS, EOS).decode(scorer, ToyScorer.start()).get(0);
                greedyWrong += narrow.score() < exact.score() ? 1 : 0;
                finishedBest += exact.finished() ? 1 : 0;
                runs++;
            }
        }
        // The models must be hard enough that pruning matters, with both finished and unfinished winners.
        assertTrue(greedyWrong > runs / 20, "width 1 missed the best in " + greedyWrong + " of " + runs);
        assertTrue(finishedBest > runs / 10 && finishedBest < runs * 9 / 10, "finished winners: " + finishedBest);
    }

    /** Every finished sequence of length ≤ L (eos counted) and every unfinished one of length exactly L. */
    private static Hypothesis best(ToyScorer scorer, LengthPenalty lp, int maxLength) {
        List<Hypothesis> all = new ArrayList<>();
        enumerate(scorer, lp, maxLength, new int[0], 0, all);
        all.sort(Ranking.HYPOTHESES);
        return all.get(0);
    }

    private static void enumerate(ToyScorer scorer, LengthPenalty lp, int maxLength, int[] prefix, double logProb,
            List<Hypothesis> out) {
        if (prefix.length == maxLength) {
            out.add(new Hypothesis(prefix, logProb, lp.score(logProb, maxLength), false));
            return;
        }
        List<Integer> read = new ArrayList<>();
        for (int t : prefix) {
            read.add(t);
        }
        List<Integer> state = new ArrayList<>();
        state.add(BOS);
        state.addAll(read);
        // The scorer appends the last token itself, so hand it the state minus the last read token.
        int last = state.remove(state.size() - 1);
        float[] row = scorer.step(List.of(List.copyOf(state)), new int[] {last}).logProbs()[0];
        for (int v = 0; v < row.length; v++) {
            double p = logProb + row[v];
            if (v == EOS) {
                out.add(new Hypothesis(prefix, p, lp.score(p, prefix.length + 1), true));
            } else {
                int[] longer = Arrays.copyOf(prefix, prefix.length + 1);
                longer[prefix.length] = v;
                enumerate(scorer, lp, maxLength, longer, p, out);
            }
        }
    }
}
