package dev.gated.engine.model.seq2seq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.backend.DType;
import dev.gated.engine.conformance.ReferenceBackend;
import dev.gated.engine.data.parallel.PairBatch;
import dev.gated.engine.decode.BeamSearch;
import dev.gated.engine.decode.GreedyDecoder;
import dev.gated.engine.decode.Hypothesis;
import dev.gated.engine.decode.LengthPenalty;
import dev.gated.engine.rnn.CellType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The decoding path (host states, one step at a time) against the training pass, and the decoders on it. */
class Seq2SeqDecodingTest {
    private static ReferenceBackend backend;

    @BeforeAll
    static void open() {
        backend = new ReferenceBackend();
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    private static Seq2SeqModel model(AttentionKind attention, CellType cell) {
        return new Seq2SeqModel(backend, new Seq2SeqSpec(cell, 7, 8, 3, 4, 2, true, attention, DType.FLOAT64,
                false), 9);
    }

    @ParameterizedTest
    @EnumSource(AttentionKind.class)
    void scorerStepsGiveTheTeacherForcedLoss(AttentionKind attention) {
        PairBatch batch = Seq2SeqGradientTest.batch();
        for (CellType cell : CellType.values()) {
            try (Seq2SeqModel model = model(attention, cell)) {
                double loss = model.loss(batch);
                List<int[]> sources = List.of(new int[] {4, 5, 6}, new int[] {4, 5});
                double sum = 0;
                int tokens = 0;
                try (Seq2SeqScorer scorer = new Seq2SeqScorer(model, sources)) {
                    for (int b = 0; b < 2; b++) {
                        Seq2SeqScorer.State state = scorer.initial(b);
                        for (int t = 0; t < batch.targetLengths()[b]; t++) {
                            var step = scorer.step(List.of(state), new int[] {batch.targetInput()[t * 2 + b]});
                            sum += step.logProbs()[0][batch.targetOutput()[t * 2 + b]];
                            state = step.next().get(0);
                            tokens++;
                        }
                    }
                }
                // The scorer's log-probabilities are float32 rows: agreement to float precision.
                assertEquals(loss, -sum / tokens, 1e-5, cell + " " + attention);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(AttentionKind.class)
    void beamOfWidthOneIsGreedy(AttentionKind attention) {
        try (Seq2SeqModel model = model(attention, CellType.LSTM)) {
            List<int[]> sources = List.of(new int[] {4, 5, 6}, new int[] {6}, new int[0], new int[] {1, 1, 4, 5});
            try (Seq2SeqScorer scorer = new Seq2SeqScorer(model, sources)) {
                GreedyDecoder greedy = new GreedyDecoder(2, 3, 12);
                BeamSearch beam = new BeamSearch(1, 12, LengthPenalty.none(), 2, 3);
                for (int i = 0; i < sources.size(); i++) {
                    Hypothesis g = greedy.decode(scorer, scorer.initial(i));
                    Hypothesis b = beam.decode(scorer, scorer.initial(i)).get(0);
                    assertArrayEquals(g.tokens(), b.tokens(), "sentence " + i);
                    assertEquals(g.logProb(), b.logProb(), 1e-6);
                }
            }
        }
    }

    @Test
    void translatorDecodesEverySentenceIncludingEmptyAndUnknownOnes() {
        try (Seq2SeqModel model = model(AttentionKind.LUONG, CellType.GRU)) {
            List<int[]> sources = new ArrayList<>();
            for (int i = 0; i < Translator.CHUNK + 3; i++) {
                sources.add(i % 5 == 0 ? new int[0] : new int[] {1, 4 + i % 3});
            }
            Decoding decoding = new Decoding(3, 0.6, 7, 2, 3);
            List<Hypothesis> out = new Translator(model, decoding).translate(sources);
            assertEquals(sources.size(), out.size());
            for (Hypothesis h : out) {
                assertTrue(h.length() <= 7);
                assertTrue(Arrays.stream(h.tokens()).allMatch(t -> t >= 0 && t < 8 && t != 3));
            }
            // Each chunk is encoded on its own: a sentence decodes the same wherever it falls.
            List<Hypothesis> alone = new Translator(model, decoding).translate(List.of(sources.get(Translator.CHUNK + 1)));
            assertArrayEquals(out.get(Translator.CHUNK + 1).tokens(), alone.get(0).tokens());
        }
    }

    @Test
    void attentionRowsAreDistributionsOverTheSource() {
        try (Seq2SeqModel model = model(AttentionKind.BAHDANAU, CellType.LSTM)) {
            float[][] rows = new Translator(model, new Decoding(1, 0, 9, 2, 3)).attention(new int[] {4, 5, 6},
                    new int[] {5, 6});
            assertEquals(3, rows.length);
            for (float[] row : rows) {
                assertEquals(3, row.length);
                double sum = 0;
                for (float v : row) {
                    assertTrue(v >= 0);
                    sum += v;
                }
                assertEquals(1, sum, 1e-5);
            }
        }
        try (Seq2SeqModel model = model(AttentionKind.NONE, CellType.LSTM)) {
            float[][] rows = new Translator(model, new Decoding(1, 0, 9, 2, 3)).attention(new int[] {4}, new int[0]);
            assertNull(rows[0]);
        }
    }
}
