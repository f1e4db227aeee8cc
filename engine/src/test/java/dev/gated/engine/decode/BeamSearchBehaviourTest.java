package dev.gated.engine.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BeamSearchBehaviourTest {
    private static final int EOS = 0;
    private static final int BOS = 1;
    private static final double[] UNIFORM3 = {1 / 3.0, 1 / 3.0, 1 / 3.0};

    /**
     * Tokens: 0 eos, 1 bos (never emitted), 2 a. First P(eos) = 0.55, P(a) = 0.45; then a, a, eos with P = 1.
     * Short "" : log 0.55 = −0.5978, length 1, lp = 1.
     * Long "aaa": log 0.45 = −0.7985, length 4. α = 0: −0.7985 < −0.5978, the short one wins (and the search stops
     * after one step, as no live sum can exceed −0.5978). α = 1: lp(4) = 9/6, score −0.5323 > −0.5978, the long
     * one wins.
     */
    @Test
    void lengthPenaltyChoosesBetweenShortAndLong() {
        ToyScorer scorer = ToyScorer.of(3, Map.of(
                List.of(), new double[] {0.55, 0, 0.45},
                List.of(2), new double[] {0, 0, 1},
                List.of(2, 2), new double[] {0, 0, 1},
                List.of(2, 2, 2), new double[] {1, 0, 0}), UNIFORM3);

        List<Hypothesis> raw = new BeamSearch(2, 10, LengthPenalty.none(), BOS, EOS).decode(scorer, ToyScorer.start());
        assertArrayEquals(new int[0], raw.get(0).tokens());
        assertEquals(Math.log(0.55), raw.get(0).score(), 1e-6);
        assertEquals(1, scorer.calls, "alpha 0: stops once the finished sum beats every live sum");

        List<Hypothesis> normalised = new BeamSearch(2, 10, new LengthPenalty(1), BOS, EOS)
                .decode(scorer, ToyScorer.start());
        assertArrayEquals(new int[] {2, 2, 2}, normalised.get(0).tokens());
        assertEquals(4, normalised.get(0).length());
        assertEquals(Math.log(0.45) / 1.5, normalised.get(0).score(), 1e-6);
        assertEquals(Math.log(0.45), normalised.get(0).logProb(), 1e-6);
        assertArrayEquals(new int[0], normalised.get(1).tokens());
    }

    @Test
    void maxLengthWithoutEosReturnsUnfinished() {
        // eos is impossible, so every output runs to maxLength (token 1 doubles as bos and as an output).
        ToyScorer scorer = ToyScorer.of(3, Map.of(), new double[] {0, 0.25, 0.75});
        List<Hypothesis> beam = new BeamSearch(3, 4, new LengthPenalty(0.6), BOS, EOS).decode(scorer, ToyScorer.start());
        assertEquals(3, beam.size());
        for (Hypothesis h : beam) {
            assertFalse(h.finished());
            assertEquals(4, h.length());
        }
        assertArrayEquals(new int[] {2, 2, 2, 2}, beam.get(0).tokens());
        assertEquals(4 * Math.log(0.75), beam.get(0).logProb(), 1e-6);
        // Four sequences tie at 0.75³·0.25; of those the beam kept, the lexicographically first two come next.
        assertArrayEquals(new int[] {1, 2, 2, 2}, beam.get(1).tokens());
        assertArrayEquals(new int[] {2, 1, 2, 2}, beam.get(2).tokens());

        Hypothesis greedy = new GreedyDecoder(BOS, EOS, 4).decode(scorer, ToyScorer.start());
        assertFalse(greedy.finished());
        assertArrayEquals(new int[] {2, 2, 2, 2}, greedy.tokens());
    }

    @Test
    void eosFirstGivesAnEmptyOutput() {
        ToyScorer scorer = ToyScorer.of(3, Map.of(List.of(), new double[] {0.7, 0.1, 0.2}), UNIFORM3);
        Hypothesis beam = new BeamSearch(3, 5, new LengthPenalty(1), BOS, EOS).decode(scorer, ToyScorer.start()).get(0);
        assertArrayEquals(new int[0], beam.tokens());
        assertTrue(beam.finished());
        assertEquals(1, beam.length());
        assertEquals(Math.log(0.7), beam.score(), 1e-6, "lp(1) = 1 for any alpha");

        Hypothesis greedy = new GreedyDecoder(BOS, EOS, 5).decode(scorer, ToyScorer.start());
        assertArrayEquals(new int[0], greedy.tokens());
        assertTrue(greedy.finished());
        assertEquals(Math.log(0.7), greedy.logProb(), 1e-6);
    }

    /** Tokens 1 and 2 equally likely, then eos for sure: two finished hypotheses with equal scores. */
    @Test
    void tiesBreakByTokenSequence() {
        ToyScorer scorer = ToyScorer.of(3, Map.of(
                List.of(), new double[] {0, 0.5, 0.5},
                List.of(1), new double[] {1, 0, 0},
                List.of(2), new double[] {1, 0, 0}), UNIFORM3);
        for (int run = 0; run < 3; run++) {
            List<Hypothesis> beam = new BeamSearch(2, 5, LengthPenalty.none(), 1, EOS).decode(scorer, ToyScorer.start());
            assertEquals(beam.get(0).score(), beam.get(1).score());
            assertArrayEquals(new int[] {1}, beam.get(0).tokens());
            assertArrayEquals(new int[] {2}, beam.get(1).tokens());
        }
        // Greedy takes the lowest id among equal maxima.
        assertArrayEquals(new int[] {1}, new GreedyDecoder(1, EOS, 5).decode(scorer, ToyScorer.start()).tokens());
    }

    @Test
    void batchDecodesSentencesIndependently() {
        ToyScorer scorer = ToyScorer.random(7, 4, false, 2);
        BeamSearch search = new BeamSearch(3, 6, new LengthPenalty(0.6), BOS, EOS);
        // Different initial states stand in for different source sentences.
        List<List<Integer>> sources = List.of(List.of(), List.of(BOS, 2), List.of(BOS, 3, 3));
        List<List<Hypothesis>> all = search.decodeAll(scorer, sources);
        assertEquals(3, all.size());
        for (int i = 0; i < sources.size(); i++) {
            List<Hypothesis> alone = search.decode(scorer, sources.get(i));
            assertEquals(alone.size(), all.get(i).size());
            for (int k = 0; k < alone.size(); k++) {
                assertArrayEquals(alone.get(k).tokens(), all.get(i).get(k).tokens());
                assertEquals(alone.get(k).score(), all.get(i).get(k).score());
            }
        }
    }
}
