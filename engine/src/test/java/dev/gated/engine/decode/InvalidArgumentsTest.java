package dev.gated.engine.decode;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class InvalidArgumentsTest {
    private static void fails(String expected, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' lacks '" + expected + "'");
    }

    /** A one-state scorer answering every step with the same row and the given number of rows and states. */
    private static StepScorer<String> answering(int vocabulary, float[] row, int rows, int states) {
        return new StepScorer<>() {
            @Override
            public int vocabularySize() {
                return vocabulary;
            }

            @Override
            public Step<String> step(List<String> in, int[] lastTokens) {
                float[][] logProbs = new float[rows][];
                List<String> next = new ArrayList<>();
                for (int i = 0; i < rows; i++) {
                    logProbs[i] = row;
                }
                for (int i = 0; i < states; i++) {
                    next.add("s");
                }
                return new Step<>(logProbs, next);
            }
        };
    }

    private static void bothDecodersFail(String expected, StepScorer<String> scorer) {
        fails(expected, () -> new GreedyDecoder(1, 0, 3).decode(scorer, "s"));
        fails(expected, () -> new BeamSearch(2, 3, LengthPenalty.none(), 1, 0).decode(scorer, "s"));
    }

    @Test
    void badSettings() {
        fails("beam width must be >= 1, got 0", () -> new BeamSearch(0, 5, LengthPenalty.none(), 1, 0));
        fails("maxLength must be >= 1, got 0", () -> new BeamSearch(2, 0, LengthPenalty.none(), 1, 0));
        fails("maxLength must be >= 1, got -1", () -> new GreedyDecoder(1, 0, -1));
        fails("lengthPenalty must not be null", () -> new BeamSearch(2, 5, null, 1, 0));
        fails("alpha must be a finite number >= 0, got -0.5", () -> new LengthPenalty(-0.5));
        fails("alpha must be a finite number >= 0, got NaN", () -> new LengthPenalty(Double.NaN));
        StepScorer<String> ok = answering(3, new float[] {-1, -1, -1}, 1, 1);
        fails("bos token 3 is outside the vocabulary [0, 3)", () -> new GreedyDecoder(3, 0, 5).decode(ok, "s"));
        fails("eos token -1 is outside the vocabulary [0, 3)",
                () -> new BeamSearch(2, 5, LengthPenalty.none(), 1, -1).decode(ok, "s"));
    }

    @Test
    void badScorerOutput() {
        bothDecodersFail("row 0 have length 2, expected the vocabulary size 3",
                answering(3, new float[] {-1, -1}, 1, 1));
        bothDecodersFail("log-probability of token 1 in row 0 is NaN",
                answering(3, new float[] {-1, Float.NaN, -1}, 1, 1));
        bothDecodersFail("log-probability of token 2 in row 0 is 0.5",
                answering(3, new float[] {-1, -1, 0.5f}, 1, 1));
        bothDecodersFail("log-probability of token 0 in row 0 is Infinity",
                answering(3, new float[] {Float.POSITIVE_INFINITY, -1, -1}, 1, 1));
        float ninf = Float.NEGATIVE_INFINITY;
        bothDecodersFail("every token in row 0 has log-probability -Infinity",
                answering(3, new float[] {ninf, ninf, ninf}, 1, 1));
        bothDecodersFail("scorer returned 2 log-probability rows and 1 next states for 1 hypotheses",
                answering(3, new float[] {-1, -1, -1}, 2, 1));
        bothDecodersFail("scorer returned 1 log-probability rows and 0 next states for 1 hypotheses",
                answering(3, new float[] {-1, -1, -1}, 1, 0));
    }
}
