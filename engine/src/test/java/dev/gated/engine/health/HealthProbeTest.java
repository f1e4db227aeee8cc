package dev.gated.engine.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.backend.DType;
import dev.gated.engine.conformance.ReferenceBackend;
import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.model.Optimizer;
import dev.gated.engine.model.RandomBatches;
import dev.gated.engine.model.SequenceModel;
import dev.gated.engine.rnn.CellType;
import dev.gated.engine.rnn.RnnSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Gate gradient norms, update ratios and gate saturation on tiny float64 models whose answers are known. */
class HealthProbeTest {
    private static ReferenceBackend backend;

    @BeforeAll
    static void open() {
        backend = new ReferenceBackend();
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    /** Squared norm of rows [from, to) of a row-major [rows, cols] tensor, by explicit (row, col) indexing. */
    private static double rowsSquared(double[] t, int cols, int from, int to) {
        double s = 0;
        for (int r = from; r < to; r++) {
            for (int c = 0; c < cols; c++) {
                s += t[r * cols + c] * t[r * cols + c];
            }
        }
        return s;
    }

    @Test
    void gateNormsAreTheNormsOfEachGatesRowBlockInPyTorchOrder() {
        int in = 2;
        int h = 3;
        RnnSpec spec = new RnnSpec(CellType.LSTM, in, h, 2, true, DType.FLOAT64);
        try (SequenceModel model = new SequenceModel(backend, spec, 1, 7)) {
            model.forwardBackward(RandomBatches.regression(4, in, 1, new int[] {4, 2, 3}, 1));
            Map<String, Double> norms = new HealthProbe(model, 8).gradientNorms();
            List<String> gates = List.of("i", "f", "g", "o");
            double total = 0;
            for (String l : List.of("l0", "l0_reverse", "l1", "l1_reverse")) {
                int cols = l.startsWith("l0") ? in : 2 * h;
                double[] wih = model.readGradient("rnn.weight_ih_" + l);
                double[] whh = model.readGradient("rnn.weight_hh_" + l);
                double[] bih = model.readGradient("rnn.bias_ih_" + l);
                double[] bhh = model.readGradient("rnn.bias_hh_" + l);
                for (int q = 0; q < 4; q++) {
                    double expected = rowsSquared(wih, cols, q * h, (q + 1) * h) + rowsSquared(whh, h, q * h, (q + 1) * h)
                            + rowsSquared(bih, 1, q * h, (q + 1) * h) + rowsSquared(bhh, 1, q * h, (q + 1) * h);
                    assertEquals(Math.sqrt(expected), norms.get("grad_norm_" + l + "_" + gates.get(q)), 1e-12,
                            l + " gate " + gates.get(q));
                    total += expected;
                }
                assertEquals(Math.sqrt(rowsSquared(wih, cols, 0, 4 * h)), norms.get("grad_norm_ih_" + l), 1e-12);
                assertEquals(Math.sqrt(rowsSquared(whh, h, 0, 4 * h)), norms.get("grad_norm_hh_" + l), 1e-12);
            }
            double head = norms.get("grad_norm_head");
            assertEquals(model.gradientNorm() * model.gradientNorm(), total + head * head, 1e-10,
                    "the gates and the head partition the global gradient norm");
        }
    }

    @Test
    void withOneStepTheForgetGateAndTheRecurrentWeightsGetNoGradient() {
        // At the first step c_prev = 0 and h_prev = 0: dL/df = dc * c_prev = 0 and dL/dW_hh = d(gates) * h_prev = 0.
        RnnSpec spec = new RnnSpec(CellType.LSTM, 2, 3, 1, false, DType.FLOAT64);
        try (SequenceModel model = new SequenceModel(backend, spec, 1, 3)) {
            model.forwardBackward(RandomBatches.regression(1, 2, 1, new int[] {1, 1}, 2));
            Map<String, Double> norms = new HealthProbe(model, 8).gradientNorms();
            assertEquals(0.0, norms.get("grad_norm_l0_f"));
            assertEquals(0.0, norms.get("grad_norm_hh_l0"));
            for (String g : List.of("i", "g", "o")) {
                assertTrue(norms.get("grad_norm_l0_" + g) > 1e-6, g + ": " + norms);
            }
        }
    }

    @Test
    void updateRatioIsLrTimesGradientNormOverWeightNormForPlainSgd() {
        RnnSpec spec = new RnnSpec(CellType.GRU, 2, 3, 2, false, DType.FLOAT64);
        try (SequenceModel model = new SequenceModel(backend, spec, 1, 5);
             Optimizer sgd = new Optimizer(model, Optimizer.Settings.sgd(0.1, 0, 0))) {
            model.forwardBackward(RandomBatches.regression(3, 2, 1, new int[] {3, 3}, 4));
            HealthProbe probe = new HealthProbe(model, 8);
            Map<String, double[]> before = probe.snapshot();
            double[] g2 = new double[3];
            double[] w2 = new double[3];
            for (String name : model.parameterNames()) {
                int group = name.startsWith("head") ? 2 : name.endsWith("l0") ? 0 : 1;
                for (double v : model.readGradient(name)) {
                    g2[group] += v * v;
                }
                for (double v : model.readParameter(name)) {
                    w2[group] += v * v;
                }
            }
            sgd.step();
            Map<String, Double> ratios = probe.updateRatios(before);
            assertEquals(Map.of("update_ratio_l0", 0, "update_ratio_l1", 1, "update_ratio_head", 2).keySet(),
                    ratios.keySet());
            assertEquals(0.1 * Math.sqrt(g2[0] / w2[0]), ratios.get("update_ratio_l0"), 1e-12);
            assertEquals(0.1 * Math.sqrt(g2[1] / w2[1]), ratios.get("update_ratio_l1"), 1e-12);
            assertEquals(0.1 * Math.sqrt(g2[2] / w2[2]), ratios.get("update_ratio_head"), 1e-12);
        }
    }

    /** Weights 0 except those given; biases 0 except those given. */
    private static void zero(SequenceModel model) {
        for (String name : model.parameterNames()) {
            model.writeParameter(name, new double[model.parameterShape(name).numel()]);
        }
    }

    @Test
    void aForgetBiasOfTenSaturatesExactlyTheForgetGateOfThatLayer() {
        int h = 2;
        RnnSpec spec = new RnnSpec(CellType.LSTM, 1, h, 2, false, DType.FLOAT64);
        try (SequenceModel model = new SequenceModel(backend, spec, 1, 1)) {
            zero(model);
            double[] bias = new double[4 * h];
            Arrays.fill(bias, h, 2 * h, 10.0); // f block: sigmoid(10) = 0.99995 > 0.95
            model.writeParameter("rnn.bias_ih_l1", bias);
            Map<String, Double> sat = new HealthProbe(model, 8)
                    .saturation(RandomBatches.regression(5, 1, 1, new int[] {5, 3, 1}, 9));
            for (String g : List.of("i", "f", "g", "o")) {
                assertEquals(0.0, sat.get("saturation_l0_" + g), "layer 0 gate " + g + " (all at 0.5 or 0)");
                assertEquals(g.equals("f") ? 1.0 : 0.0, sat.get("saturation_l1_" + g), "layer 1 gate " + g);
            }
        }
    }

    @Test
    void saturationCountsValidStepsOfTheFirstSequencesOnly() {
        // GRU n = tanh(20 x): saturated where x = 1 (first two sequences), not where x = 0 (last two).
        RnnSpec spec = new RnnSpec(CellType.GRU, 1, 1, 1, false, DType.FLOAT64);
        try (SequenceModel model = new SequenceModel(backend, spec, 1, 1)) {
            zero(model);
            model.writeParameter("rnn.weight_ih_l0", new double[] {0, 0, 20});
            float[] x = new float[3 * 4];
            for (int t = 0; t < 3; t++) {
                x[t * 4] = 1;
                x[t * 4 + 1] = t < 2 ? 1 : 0; // sequence 1 has length 2; its padding never counts
            }
            SequenceBatch b = new SequenceBatch(3, 4, 1, 1, x, new int[] {3, 2, 3, 3}, new float[4], null);
            Map<String, Double> all = new HealthProbe(model, 4).saturation(b);
            assertEquals(5.0 / 11, all.get("saturation_l0_n"), 1e-15, "5 of 11 valid steps have x = 1");
            assertEquals(0.0, all.get("saturation_l0_r"));
            assertEquals(0.0, all.get("saturation_l0_z"));
            assertEquals(1.0, new HealthProbe(model, 2).saturation(b).get("saturation_l0_n"),
                    "capped at the first two sequences");
        }
    }
}
