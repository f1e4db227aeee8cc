package dev.gated.engine.model;

import static dev.gated.engine.model.ModelGradientCheck.assertGradients;
import static dev.gated.engine.model.ModelGradientCheck.gradients;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.backend.DType;
import dev.gated.engine.conformance.ReferenceBackend;
import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.rnn.CellType;
import dev.gated.engine.rnn.RnnSpec;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Initialisers, L1/L2 penalties, clipping by value and dropout on a {@link SequenceModel}, on the reference backend
 * in float64 so finite differences are sharp.
 */
class ToolkitModelTest {
    private static ReferenceBackend backend;

    @BeforeAll
    static void open() {
        backend = new ReferenceBackend();
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    private static RnnSpec spec(CellType cell, int input, int hidden) {
        return new RnnSpec(cell, input, hidden, 1, false, DType.FLOAT64);
    }

    private static double[] meanVar(double[] v) {
        double mean = 0;
        for (double x : v) {
            mean += x;
        }
        mean /= v.length;
        double var = 0;
        for (double x : v) {
            var += (x - mean) * (x - mean);
        }
        return new double[] {mean, var / v.length};
    }

    private static Init init(Init.Scheme weights, boolean orthogonal, Double forgetBias, Init.Scheme head) {
        return new Init(weights, orthogonal, Optional.ofNullable(forgetBias), head);
    }

    // ---- initialisers ----

    @Test
    void xavierAndKaimingHaveTheVarianceOfTheirGainAndFans() {
        // weight_ih [4H, I] = [256, 64]: fan_in 64, fan_out 256. A per-gate fan or a wrong gain misses by > 2x.
        record Case(Init.Scheme scheme, double variance) {
        }
        Case[] cases = {
            new Case(Init.Scheme.XAVIER_UNIFORM, 2.0 / (64 + 256)),
            new Case(Init.Scheme.XAVIER_NORMAL, 2.0 / (64 + 256)),
            new Case(Init.Scheme.KAIMING_UNIFORM, 2.0 / 64),
            new Case(Init.Scheme.KAIMING_NORMAL, 2.0 / 64),
        };
        for (Case c : cases) {
            try (SequenceModel m = new SequenceModel(backend, spec(CellType.LSTM, 64, 64), 1, Objective.REGRESSION,
                    3, init(c.scheme, false, null, c.scheme), Dropout.NONE)) {
                for (String name : new String[] {"rnn.weight_ih_l0", "rnn.weight_hh_l0"}) {
                    double[] mv = meanVar(m.readParameter(name));
                    assertEquals(c.variance, mv[1], 0.05 * c.variance, c.scheme + " " + name + " variance");
                    assertEquals(0, mv[0], 4 * Math.sqrt(c.variance / 16384), c.scheme + " " + name + " mean");
                }
                assertArrayEquals(new double[256], m.readParameter("rnn.bias_ih_l0"), c.scheme + ": biases start at 0");
                double[] head = meanVar(m.readParameter(SequenceModel.HEAD_WEIGHT));
                double headBound = c.scheme == Init.Scheme.KAIMING_UNIFORM || c.scheme == Init.Scheme.KAIMING_NORMAL
                        ? 4 * Math.sqrt(2.0 / 64) : 4 * Math.sqrt(2.0 / 65);
                for (double w : m.readParameter(SequenceModel.HEAD_WEIGHT)) {
                    assertTrue(Math.abs(w) < headBound, "head weight " + w + " within 4 sd for " + c.scheme);
                }
                assertTrue(head[1] > 0);
            }
        }
        double[] uniform = Initializer.draw(new SplittableRandom(1), Init.Scheme.XAVIER_UNIFORM, 300, 100);
        double bound = Math.sqrt(6.0 / 400);
        for (double w : uniform) {
            assertTrue(Math.abs(w) <= bound, "xavier_uniform within ±sqrt(6/(fan_in+fan_out))");
        }
    }

    @Test
    void orthogonalRecurrentBlocksAreOrthogonal() {
        int h = 24;
        try (SequenceModel m = new SequenceModel(backend, spec(CellType.GRU, 5, h), 1, Objective.REGRESSION, 11,
                init(Init.Scheme.XAVIER_UNIFORM, true, null, Init.Scheme.PYTORCH_DEFAULT), Dropout.NONE)) {
            double[] w = m.readParameter("rnn.weight_hh_l0");
            for (int g = 0; g < 3; g++) {
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < h; j++) {
                        double rows = 0;
                        double cols = 0;
                        for (int k = 0; k < h; k++) {
                            int base = g * h * h;
                            rows += w[base + i * h + k] * w[base + j * h + k];
                            cols += w[base + k * h + i] * w[base + k * h + j];
                        }
                        assertEquals(i == j ? 1 : 0, rows, 1e-5, "gate " + g + " W W^T[" + i + "," + j + "]");
                        assertEquals(i == j ? 1 : 0, cols, 1e-5, "gate " + g + " W^T W[" + i + "," + j + "]");
                    }
                }
            }
        }
    }

    @Test
    void qrSignCorrectionGivesTheQWhoseRHasAPositiveDiagonal() {
        // For A = Q R with R's diagonal > 0, Q^T A is upper triangular with a positive diagonal.
        int n = 7;
        double[] a = new double[n * n];
        SplittableRandom rnd = new SplittableRandom(5);
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextGaussian();
        }
        double[] q = Initializer.orthogonal(a, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double r = 0;
                for (int k = 0; k < n; k++) {
                    r += q[k * n + i] * a[k * n + j];
                }
                if (i > j) {
                    assertEquals(0, r, 1e-10, "R[" + i + "," + j + "] below the diagonal");
                } else if (i == j) {
                    assertTrue(r > 0, "R[" + i + "," + i + "] = " + r + " must be > 0");
                }
            }
        }
    }

    @Test
    void forgetBiasIsAppliedExactlyOnce() {
        int h = 6;
        RnnSpec spec = spec(CellType.LSTM, 3, h);
        try (SequenceModel plain = new SequenceModel(backend, spec, 1, Objective.REGRESSION, 4);
             SequenceModel m = new SequenceModel(backend, spec, 1, Objective.REGRESSION, 4,
                     init(Init.Scheme.PYTORCH_DEFAULT, false, 1.0, Init.Scheme.PYTORCH_DEFAULT), Dropout.NONE)) {
            double[] ih = m.readParameter("rnn.bias_ih_l0");
            double[] hh = m.readParameter("rnn.bias_hh_l0");
            double[] ih0 = plain.readParameter("rnn.bias_ih_l0");
            double[] hh0 = plain.readParameter("rnn.bias_hh_l0");
            for (int i = 0; i < 4 * h; i++) {
                boolean forget = i >= h && i < 2 * h;
                assertEquals(forget ? 1.0 : ih0[i], ih[i], "bias_ih[" + i + "]");
                assertEquals(forget ? 0.0 : hh0[i], hh[i], "bias_hh[" + i + "]");
                if (forget) {
                    assertEquals(1.0, ih[i] + hh[i], "the forget gate sees the bias once");
                }
            }
            assertArrayEquals(plain.readParameter("rnn.weight_ih_l0"), m.readParameter("rnn.weight_ih_l0"),
                    "default weights are untouched");
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SequenceModel(backend,
                spec(CellType.GRU, 3, h), 1, Objective.REGRESSION, 4,
                init(Init.Scheme.PYTORCH_DEFAULT, false, 1.0, Init.Scheme.PYTORCH_DEFAULT), Dropout.NONE));
        assertTrue(e.getMessage().contains("LSTM"), e.getMessage());
    }

    @Test
    void sameSeedSameWeightsOtherSeedOtherWeights() {
        Init init = init(Init.Scheme.KAIMING_NORMAL, true, 1.0, Init.Scheme.XAVIER_NORMAL);
        RnnSpec spec = spec(CellType.LSTM, 3, 5);
        try (SequenceModel a = new SequenceModel(backend, spec, 2, Objective.REGRESSION, 8, init, Dropout.NONE);
             SequenceModel b = new SequenceModel(backend, spec, 2, Objective.REGRESSION, 8, init, Dropout.NONE);
             SequenceModel c = new SequenceModel(backend, spec, 2, Objective.REGRESSION, 9, init, Dropout.NONE)) {
            for (String name : a.parameterNames()) {
                assertArrayEquals(a.readParameter(name), b.readParameter(name), name);
            }
            assertFalse(java.util.Arrays.equals(a.readParameter("rnn.weight_hh_l0"),
                    c.readParameter("rnn.weight_hh_l0")), "another seed draws other weights");
        }
    }

    // ---- penalties and clipping ----

    @Test
    void l1AndL2PenaltiesMatchFiniteDifferencesOfThePenalisedLoss() {
        SequenceBatch b = RandomBatches.regression(4, 2, 2, new int[] {4, 2, 3}, 17);
        for (boolean biases : new boolean[] {false, true}) {
            try (SequenceModel m = new SequenceModel(backend, spec(CellType.LSTM, 2, 3), 2, Objective.REGRESSION, 5);
                 Penalties pen = new Penalties(m, 0.03, 0.2, biases)) {
                m.forwardBackward(b);
                double[][] dataOnly = gradients(m);
                m.forwardBackward(b);
                double reported = pen.addGradient();
                double[][] analytic = gradients(m);
                assertGradients(m, analytic, mm -> mm.loss(b) + pen.value());
                // The value by hand, and biases left alone unless asked.
                double expected = 0;
                for (int p = 0; p < m.parameterNames().size(); p++) {
                    String name = m.parameterNames().get(p);
                    boolean bias = name.contains("bias");
                    if (bias && !biases) {
                        assertArrayEquals(dataOnly[p], analytic[p], name + " is not penalised");
                        continue;
                    }
                    for (double w : m.readParameter(name)) {
                        expected += 0.03 * Math.abs(w) + 0.1 * w * w;
                    }
                }
                assertEquals(expected, reported, 1e-12, "penalty value, biases " + biases);
            }
        }
    }

    @Test
    void clipGradientValueClampsEveryElement() {
        SequenceBatch b = RandomBatches.regression(3, 2, 2, new int[] {3, 3}, 2);
        try (SequenceModel m = new SequenceModel(backend, spec(CellType.GRU, 2, 3), 2, Objective.REGRESSION, 1)) {
            m.forwardBackward(b);
            double[][] before = gradients(m);
            double c = Math.abs(before[0][0]) / 2 + 1e-9;
            m.clipGradientValue(c);
            double[][] after = gradients(m);
            int clipped = 0;
            for (int p = 0; p < before.length; p++) {
                for (int i = 0; i < before[p].length; i++) {
                    double e = Math.max(-c, Math.min(c, before[p][i]));
                    assertEquals(e, after[p][i], 0, "element " + i + " of " + m.parameterNames().get(p));
                    clipped += e != before[p][i] ? 1 : 0;
                }
            }
            assertTrue(clipped > 0, "some elements were above the bound");
            assertThrows(IllegalArgumentException.class, () -> m.clipGradientValue(0));
        }
    }

    // ---- dropout ----

    @Test
    void dropoutGradientsMatchFiniteDifferencesWithTheStepsMask() {
        SequenceBatch b = RandomBatches.regression(4, 3, 2, new int[] {4, 3, 2, 4}, 23);
        try (SequenceModel m = new SequenceModel(backend, spec(CellType.LSTM, 3, 4), 2, Objective.REGRESSION, 6,
                Init.DEFAULT, new Dropout(0.3, 0.4))) {
            double loss = m.forwardBackward(b, 7);
            double[][] analytic = gradients(m);
            assertEquals(loss, m.forwardBackward(b, 7), 0, "the same step draws the same masks");
            assertNotEquals(loss, m.forwardBackward(b, 8), "another step draws other masks");
            assertNotEquals(loss, m.loss(b), "training passes drop, evaluation does not");
            assertGradients(m, analytic, mm -> mm.forwardBackward(b, 7));
        }
    }

    @Test
    void dropoutIsOffInEvaluationAndPrediction() {
        SequenceBatch b = RandomBatches.regression(5, 2, 1, new int[] {5, 4}, 3);
        RnnSpec spec = spec(CellType.GRU, 2, 3);
        try (SequenceModel plain = new SequenceModel(backend, spec, 1, Objective.REGRESSION, 2);
             SequenceModel drop = new SequenceModel(backend, spec, 1, Objective.REGRESSION, 2, Init.DEFAULT,
                     new Dropout(0.5, 0.5))) {
            assertEquals(plain.loss(b), drop.loss(b), 0);
            assertArrayEquals(plain.predict(b), drop.predict(b));
        }
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1.0, 0));
    }
}
