package dev.gated.engine.model;

import static dev.gated.engine.model.ModelGradientCheck.assertGradients;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.DType;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.rnn.CellType;
import dev.gated.engine.rnn.RnnSpec;

/**
 * The pinball loss on a backend: values and gradients against hand-computed numbers, and a whole model's gradients
 * with it against central finite differences, in float64. Run on the reference backend here and on the CPU backend
 * in integration-tests (through the engine's test-jar).
 */
public final class QuantileLossCases {
    private QuantileLossCases() {
    }

    /** Two rows, three levels; residuals u = y - pred of 2, -1, 0 and -4, 0.5, 3. */
    public static void handComputed(Backend backend) {
        double[] levels = {0.1, 0.5, 0.9};
        double[] pred = {1, 3, 2, 5, -0.5, -1};
        float[] y = {3, 2, 2, 1, 0, 2};
        // rho(u) = max(tau u, (tau - 1) u): 0.2, 0.5, 0 | 3.6, 0.25, 2.7; mean over 6.
        double loss = (0.2 + 0.5 + 0 + 3.6 + 0.25 + 2.7) / 6;
        // d/dpred = (1{u < 0} - tau) / 6; u = 0 counts as u >= 0: -tau.
        double[] grad = {-0.1 / 6, 0.5 / 6, -0.9 / 6, 0.9 / 6, -0.5 / 6, -0.9 / 6};
        SequenceBatch batch = new SequenceBatch(1, 2, 1, 3, new float[2], new int[] {1, 1}, y, null);
        HeadLoss q = new HeadLoss.Quantile(levels);
        try (Tensor p = backend.upload(pred, Shape.of(2, 3), DType.FLOAT64);
             Tensor d = backend.allocate(DType.FLOAT64, Shape.of(2, 3))) {
            assertEquals(loss, q.compute(backend, Objective.REGRESSION, p, batch, d), 1e-15);
            assertArrayEquals(grad, backend.download(d), 1e-15);
            assertEquals(loss, q.compute(backend, Objective.REGRESSION, p, batch, null), 1e-15, "without gradient");
        }
        // tau = 0.5 is half the absolute error.
        try (Tensor p = backend.upload(pred, Shape.of(2, 3), DType.FLOAT64)) {
            double mae = (2 + 1 + 0 + 4 + 0.5 + 3) / 6.0;
            assertEquals(mae / 2, new HeadLoss.Quantile(new double[] {0.5, 0.5, 0.5}).compute(backend,
                    Objective.REGRESSION, p, batch, null), 1e-15);
        }
    }

    /** Every parameter's gradient with the pinball loss, LSTM and GRU, uni- and bidirectional, padded batch. */
    public static void modelGradients(Backend backend) {
        double[] levels = {0.1, 0.5, 0.9, 0.25};
        SequenceBatch batch = RandomBatches.regression(5, 3, 4, new int[] {5, 3, 4}, 31);
        for (CellType cell : CellType.values()) {
            for (boolean bi : new boolean[] {false, true}) {
                RnnSpec spec = new RnnSpec(cell, 3, 4, 2, bi, DType.FLOAT64);
                try (SequenceModel m = new SequenceModel(backend, spec, 4, Objective.REGRESSION, 7, Init.DEFAULT,
                        Dropout.NONE, Stacking.NONE, new HeadLoss.Quantile(levels))) {
                    double loss = m.forwardBackward(batch);
                    assertEquals(loss, m.loss(batch), 1e-12);
                    assertTrue(loss > 0);
                    assertGradients(m, ModelGradientCheck.gradients(m), mm -> mm.loss(batch));
                }
            }
        }
    }

    /** A quantile loss needs one level per output and value targets. */
    public static void rejectsMismatches(Backend backend) {
        RnnSpec spec = new RnnSpec(CellType.LSTM, 2, 3, 1, false, DType.FLOAT64);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SequenceModel(backend,
                spec, 3, Objective.REGRESSION, 1, Init.DEFAULT, Dropout.NONE, Stacking.NONE,
                new HeadLoss.Quantile(new double[] {0.1, 0.9})));
        assertTrue(e.getMessage().contains("2 quantile levels for 3 outputs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SequenceModel(backend, spec, 2,
                Objective.CLASSIFICATION, 1, Init.DEFAULT, Dropout.NONE, Stacking.NONE,
                new HeadLoss.Quantile(new double[] {0.1, 0.9})));
        assertTrue(e.getMessage().contains("needs cross-entropy"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new HeadLoss.Quantile(new double[] {0.5, 1.0}));
        assertEquals(new HeadLoss.MeanSquaredError(), HeadLoss.defaultFor(Objective.REGRESSION));
        assertEquals(new HeadLoss.CrossEntropy(), HeadLoss.defaultFor(Objective.LANGUAGE_MODEL));
    }
}
