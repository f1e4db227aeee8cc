package dev.gated.engine.model.seq2seq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.backend.DType;
import dev.gated.engine.conformance.ReferenceBackend;
import dev.gated.engine.data.parallel.EncodedPair;
import dev.gated.engine.data.parallel.PairBatch;
import dev.gated.engine.model.Dropout;
import dev.gated.engine.rnn.CellType;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every parameter's gradient of the encoder–decoder (attention included) against central finite differences in
 * float64, for each cell, attention kind and encoder direction, on a padded batch whose sentences differ in length.
 */
class Seq2SeqGradientTest {
    private static ReferenceBackend backend;

    @BeforeAll
    static void open() {
        backend = new ReferenceBackend();
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    /** Two sentence pairs: sources of 3 and 2 tokens, targets of 1 and 2 words (+ eos): padding on both sides. */
    static PairBatch batch() {
        return PairBatch.of(List.of(new EncodedPair(1, "a b c", "x", new int[] {4, 5, 6}, new int[] {5}),
                new EncodedPair(2, "a b", "y z", new int[] {4, 5}, new int[] {6, 7})));
    }

    static List<Arguments> cases() {
        return List.of(
                Arguments.of(CellType.LSTM, AttentionKind.LUONG, true, 1.0, 0.0),
                Arguments.of(CellType.GRU, AttentionKind.LUONG, false, 1.0, 0.0),
                Arguments.of(CellType.LSTM, AttentionKind.BAHDANAU, true, 1.0, 0.0),
                Arguments.of(CellType.GRU, AttentionKind.BAHDANAU, true, 1.0, 0.0),
                Arguments.of(CellType.LSTM, AttentionKind.NONE, true, 1.0, 0.0),
                Arguments.of(CellType.GRU, AttentionKind.NONE, false, 1.0, 0.0),
                // Scheduled sampling: with a fixed seed the same steps read the model's argmax, which small
                // perturbations do not change, so the loss is differentiable there too.
                Arguments.of(CellType.LSTM, AttentionKind.LUONG, true, 0.5, 0.0),
                Arguments.of(CellType.GRU, AttentionKind.BAHDANAU, false, 0.5, 0.0),
                // Dropout: the masks are a function of (seed, offset), the same in every pass of one seed.
                Arguments.of(CellType.LSTM, AttentionKind.LUONG, true, 0.7, 0.3),
                Arguments.of(CellType.GRU, AttentionKind.BAHDANAU, true, 1.0, 0.3));
    }

    @ParameterizedTest(name = "{0} {1} bidirectional={2} teacher forcing {3} dropout {4}")
    @MethodSource("cases")
    void gradientsMatchFiniteDifferences(CellType cell, AttentionKind attention, boolean bidirectional,
                                         double teacherForcing, double dropout) {
        Seq2SeqSpec spec = new Seq2SeqSpec(cell, 7, 8, 3, 4, 2, bidirectional, attention, DType.FLOAT64, false,
                new Dropout(dropout, dropout));
        PairBatch batch = batch();
        long seed = 11;
        try (Seq2SeqModel model = new Seq2SeqModel(backend, spec, 5)) {
            model.forwardBackward(batch, teacherForcing, seed);
            double eps = 1e-6;
            int checked = 0;
            for (String name : model.parameterNames()) {
                double[] analytic = model.readGradient(name);
                double[] values = model.readParameter(name);
                // Every entry of the small tensors, a spread of the larger ones.
                int stride = Math.max(1, values.length / 12);
                for (int i = 0; i < values.length; i += stride) {
                    double keep = values[i];
                    values[i] = keep + eps;
                    model.writeParameter(name, values);
                    double up = model.forwardBackward(batch, teacherForcing, seed);
                    values[i] = keep - eps;
                    model.writeParameter(name, values);
                    double down = model.forwardBackward(batch, teacherForcing, seed);
                    values[i] = keep;
                    model.writeParameter(name, values);
                    double numeric = (up - down) / (2 * eps);
                    assertEquals(numeric, analytic[i], 1e-6 + 1e-5 * Math.abs(numeric),
                            name + "[" + i + "]");
                    checked++;
                }
                model.forwardBackward(batch, teacherForcing, seed);
            }
            assertTrue(checked > 50, "checked " + checked + " entries");
        }
    }
}
