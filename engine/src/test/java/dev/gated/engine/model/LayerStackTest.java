package dev.gated.engine.model;

import static dev.gated.engine.model.ModelGradientCheck.assertGradients;
import static dev.gated.engine.model.ModelGradientCheck.gradients;
import static dev.gated.engine.model.ModelGradientCheck.perturbLayerNorms;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.backend.DType;
import dev.gated.engine.conformance.ReferenceBackend;
import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.rnn.CellType;
import dev.gated.engine.rnn.RnnSpec;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Stacked layers as separate RNN calls ({@link LayerStack}): between-layer dropout, residual connections and layer
 * norm, checked against central finite differences in float64 on the reference backend, and against the fused
 * multi-layer call with every option off.
 */
class LayerStackTest {
    private static ReferenceBackend backend;

    @BeforeAll
    static void open() {
        backend = new ReferenceBackend();
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    private static SequenceModel model(CellType cell, int layers, boolean bidirectional, Dropout dropout,
                                       Stacking stacking, boolean layerwise) {
        RnnSpec spec = new RnnSpec(cell, 3, 4, layers, bidirectional, DType.FLOAT64);
        return new SequenceModel(backend, spec, 2, Objective.REGRESSION, 11, Init.DEFAULT, dropout, stacking,
                layerwise);
    }

    @ParameterizedTest(name = "{0} layers={1} bidirectional={2} between={3} residual={4} layerNorm={5}")
    @CsvSource({
        "LSTM, 2, false, 0.3, false, false",
        "GRU,  3, false, 0.0, true,  false",
        "LSTM, 2, true,  0.0, false, true",
        "GRU,  1, false, 0.0, false, true",
        "LSTM, 3, false, 0.25, true, true",
        "GRU,  2, true,  0.4, true,  true",
    })
    void gradientsMatchFiniteDifferences(CellType cell, int layers, boolean bidirectional, double between,
                                         boolean residual, boolean layerNorm) {
        SequenceBatch b = RandomBatches.regression(4, 3, 2, new int[] {4, 2, 3}, 31);
        try (SequenceModel m = model(cell, layers, bidirectional, new Dropout(0, 0, between),
                new Stacking(residual, layerNorm), false)) {
            // Perturb the LayerNorm parameters away from 1 and 0 so their gradients are exercised in general.
            SplittableRandom rnd = new SplittableRandom(3);
            perturbLayerNorms(m, rnd);
            double loss = m.forwardBackward(b, 5);
            assertGradients(m, gradients(m), mm -> mm.forwardBackward(b, 5));
            if (between > 0) {
                assertEquals(loss, m.forwardBackward(b, 5), 0, "the same step draws the same masks");
                assertNotEquals(loss, m.forwardBackward(b, 6), "another step draws other masks");
                assertNotEquals(loss, m.loss(b), "evaluation does not drop");
            }
        }
    }

    @Test
    void withEveryOptionOffTheLayerwisePathEqualsTheFusedCall() {
        SequenceBatch b = RandomBatches.regression(5, 3, 2, new int[] {5, 3, 4, 1}, 7);
        for (CellType cell : CellType.values()) {
            for (boolean bidirectional : new boolean[] {false, true}) {
                try (SequenceModel fused = model(cell, 3, bidirectional, Dropout.NONE, Stacking.NONE, false);
                     SequenceModel layered = model(cell, 3, bidirectional, Dropout.NONE, Stacking.NONE, true)) {
                    String what = cell + (bidirectional ? " bidirectional" : "");
                    assertEquals(fused.forwardBackward(b, 0), layered.forwardBackward(b, 0), 0, what + " loss");
                    double[][] gf = gradients(fused);
                    double[][] gl = gradients(layered);
                    for (int p = 0; p < gf.length; p++) {
                        assertArrayEquals(gf[p], gl[p], 0, what + " " + fused.parameterNames().get(p));
                    }
                    assertArrayEquals(fused.predict(b), layered.predict(b), 0, what + " predict");
                }
            }
        }
    }

    @Test
    void stepwisePredictionCarriesEachLayersState() {
        SequenceBatch b = RandomBatches.regression(3, 3, 2, new int[] {3, 3}, 9);
        try (SequenceModel fused = model(CellType.LSTM, 2, false, Dropout.NONE, Stacking.NONE, false);
             SequenceModel layered = model(CellType.LSTM, 2, false, Dropout.NONE, Stacking.NONE, true);
             SequenceModel.State sf = fused.newState(2);
             SequenceModel.State sl = layered.newState(2)) {
            for (int call = 0; call < 3; call++) {
                assertArrayEquals(fused.predictNext(b, sf), layered.predictNext(b, sl), 0, "call " + call);
            }
        }
    }

    @Test
    void layerNormParametersAreNamedLikePyTorchAndStartAtOneAndZero() {
        try (SequenceModel m = model(CellType.GRU, 2, true, Dropout.NONE, new Stacking(false, true), false);
             SequenceModel plain = model(CellType.GRU, 2, true, Dropout.NONE, Stacking.NONE, false)) {
            List<String> names = m.parameterNames();
            assertEquals(List.of("layer_norms.0.weight", "layer_norms.0.bias", "layer_norms.1.weight",
                    "layer_norms.1.bias", "head.weight", "head.bias"), names.subList(names.size() - 6, names.size()));
            assertArrayEquals(new double[] {1, 1, 1, 1, 1, 1, 1, 1}, m.readParameter("layer_norms.1.weight"));
            assertArrayEquals(new double[8], m.readParameter("layer_norms.0.bias"));
            assertEquals(plain.parameterCount() + 4 * 8, m.parameterCount());
            for (String name : plain.parameterNames()) {
                assertArrayEquals(plain.readParameter(name), m.readParameter(name), 0, name + ": same seed, same draw");
            }
            assertThrows(IllegalArgumentException.class, () -> m.readParameter("layer_norms.2.weight"));
        }
    }

    @Test
    void optionsThatNeedAStackAreRejectedForOneLayer() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model(CellType.LSTM, 1, false, Dropout.NONE, new Stacking(true, false), false));
        assertTrue(e.getMessage().contains("layers >= 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> model(CellType.LSTM, 1, false, new Dropout(0, 0, 0.2), Stacking.NONE, false));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(0, 0, 1.0));
    }
}
