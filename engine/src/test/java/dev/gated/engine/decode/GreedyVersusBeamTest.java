package dev.gated.engine.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GreedyVersusBeamTest {
    private static final int EOS = 0;

    @Test
    void widthOneIsGreedyOnRandomModels() {
        Random r = new Random(16);
        int finished = 0;
        for (int model = 0; model < 200; model++) {
            int vocabulary = 2 + r.nextInt(6);
            int bos = r.nextInt(vocabulary);
            int maxLength = 1 + r.nextInt(8);
            ToyScorer scorer = ToyScorer.random(model, vocabulary, model % 2 == 0, 0.5 + 2 * r.nextDouble());
            Hypothesis greedy = new GreedyDecoder(bos, EOS, maxLength).decode(scorer, ToyScorer.start());
            for (double alpha : new double[] {0, 0.6, 1}) {
                List<Hypothesis> beam = new BeamSearch(1, maxLength, new LengthPenalty(alpha), bos, EOS)
                        .decode(scorer, ToyScorer.start());
                String where = "model " + model + ", alpha " + alpha;
                assertEquals(1, beam.size(), where);
                assertArrayEquals(greedy.tokens(), beam.get(0).tokens(), where);
                assertEquals(greedy.finished(), beam.get(0).finished(), where);
                assertEquals(greedy.logProb(), beam.get(0).logProb(), 0, where);
            }
            finished += greedy.finished() ? 1 : 0;
        }
        // Both outcomes must be exercised for the comparison to mean something.
        assertTrue(finished > 20 && finished < 180, "finished greedy outputs: " + finished);
    }

    /**
     * Tokens: 0 eos, 1 a, 2 b, 3 bos (never emitted). P(a) = 0.6, P(b) = 0.4 first; after a, P(eos) = 0.4,
     * P(a) = P(b) = 0.3; after b, P(eos) = 0.9, P(a) = P(b) = 0.05.
     * Greedy: a (0.6), then eos (0.4): "a", P = 0.24.
     * Beam 2: step 1 keeps a (0.6) and b (0.4); step 2 ranks b·eos 0.36, a·eos 0.24, a·a 0.18, a·b 0.18, so both
     * eos expansions finish, W = 2 are finished and the search stops with "b", P = 0.36 (log −1.0217), then "a".
     */
    @Test
    void beamOfTwoFindsWhatGreedyMisses() {
        double[] none = {0, 0, 0, 0};
        ToyScorer scorer = ToyScorer.of(4, Map.of(
                List.of(), new double[] {0, 0.6, 0.4, 0},
                List.of(1), new double[] {0.4, 0.3, 0.3, 0},
                List.of(2), new double[] {0.9, 0.05, 0.05, 0}), none);

        Hypothesis greedy = new GreedyDecoder(3, EOS, 10).decode(scorer, ToyScorer.start());
        assertArrayEquals(new int[] {1}, greedy.tokens());
        assertEquals(Math.log(0.24), greedy.logProb(), 1e-6);

        List<Hypothesis> beam = new BeamSearch(2, 10, LengthPenalty.none(), 3, EOS).decode(scorer, ToyScorer.start());
        assertEquals(2, beam.size());
        assertArrayEquals(new int[] {2}, beam.get(0).tokens());
        assertEquals(Math.log(0.36), beam.get(0).score(), 1e-6);
        assertEquals(2, beam.get(0).length());
        assertTrue(beam.get(0).finished());
        assertArrayEquals(new int[] {1}, beam.get(1).tokens());
        assertEquals(Math.log(0.24), beam.get(1).score(), 1e-6);
    }
}
