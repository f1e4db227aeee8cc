package dev.gated.it;

import static dev.gated.engine.model.ModelGradientCheck.assertGradients;
import static dev.gated.engine.model.ModelGradientCheck.gradients;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.cpu.CpuBackend;
import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.DType;
import dev.gated.engine.conformance.ReferenceRnn;
import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.data.SineWaves;
import dev.gated.engine.model.Optimizer;
import dev.gated.engine.model.RandomBatches;
import dev.gated.engine.model.SequenceModel;
import dev.gated.engine.rnn.CellType;
import dev.gated.engine.rnn.RnnParam;
import dev.gated.engine.rnn.RnnSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The sequence regressor on the CPU backend: predictions against the reference RNN, gradients against finite differences. */
class SequenceModelTest {
    private static Backend backend;

    @BeforeAll
    static void open() {
        backend = new CpuBackend(2);
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    @ParameterizedTest(name = "{0} layers={1} bidirectional={2}")
    @CsvSource({"lstm,1,false", "gru,1,false", "lstm,2,true", "gru,2,true"})
    void predictionsMatchTheReferenceRnnAndHead(String cell, int layers, boolean bidirectional) {
        RnnSpec spec = new RnnSpec(CellType.parse(cell), 3, 5, layers, bidirectional, DType.FLOAT64);
        int[] lengths = {4, 1, 3};
        SequenceBatch batch = RandomBatches.regression(4, 3, 2, lengths, 11);
        try (SequenceModel model = new SequenceModel(backend, spec, 2, 5)) {
            Map<String, double[]> p = new HashMap<>();
            for (RnnParam rp : spec.parameters()) {
                p.put(rp.name(), model.readParameter(SequenceModel.RNN_PREFIX + rp.name()));
            }
            double[] x = new double[batch.x().length];
            for (int i = 0; i < x.length; i++) {
                x[i] = batch.x()[i];
            }
            double[] y = ReferenceRnn.forward(spec, p, x, 4, lengths, null, null).y();
            double[] w = model.readParameter(SequenceModel.HEAD_WEIGHT);
            double[] bias = model.readParameter(SequenceModel.HEAD_BIAS);
            int h = spec.hiddenSize();
            int d = spec.directions();
            int b = lengths.length;
            float[] pred = model.predict(batch);
            for (int i = 0; i < b; i++) {
                // PyTorch's head input: forward output at len-1, then the reverse output at step 0.
                double[] last = new double[d * h];
                for (int k = 0; k < h; k++) {
                    last[k] = y[((lengths[i] - 1) * b + i) * d * h + k];
                    if (d == 2) {
                        last[h + k] = y[(i * d * h) + h + k];
                    }
                }
                for (int o = 0; o < 2; o++) {
                    double v = bias[o];
                    for (int k = 0; k < d * h; k++) {
                        v += w[o * d * h + k] * last[k];
                    }
                    assertEquals(v, pred[i * 2 + o], 1e-6, "sample " + i + " output " + o);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} layers={1} bidirectional={2}")
    @CsvSource({"lstm,1,false", "gru,2,true", "lstm,2,true"})
    void gradientsMatchFiniteDifferences(String cell, int layers, boolean bidirectional) {
        RnnSpec spec = new RnnSpec(CellType.parse(cell), 2, 3, layers, bidirectional, DType.FLOAT64);
        SequenceBatch batch = RandomBatches.regression(4, 2, 2, new int[] {3, 4, 1}, 21);
        try (SequenceModel model = new SequenceModel(backend, spec, 2, 9)) {
            double loss = model.forwardBackward(batch);
            assertEquals(model.loss(batch), loss, 1e-12, "training and inference forward give the same loss");
            assertGradients(model, gradients(model), m -> m.loss(batch));
        }
    }

    @Test
    void parametersHavePyTorchNamesAndInitialisation() {
        RnnSpec spec = new RnnSpec(CellType.GRU, 4, 8, 2, true, DType.FLOAT32);
        try (SequenceModel model = new SequenceModel(backend, spec, 3, 1)) {
            List<String> names = model.parameterNames();
            assertEquals("rnn.weight_ih_l0", names.get(0));
            assertEquals("rnn.bias_hh_l1_reverse", names.get(names.size() - 3));
            assertEquals(List.of("head.weight", "head.bias"), names.subList(names.size() - 2, names.size()));
            assertEquals(List.of(3, 16), toList(model.parameterShape("head.weight").dims()));
            long count = 0;
            for (String n : names) {
                double[] v = model.readParameter(n);
                count += v.length;
                double bound = n.startsWith("rnn.") ? 1 / Math.sqrt(8) : 1 / Math.sqrt(16);
                for (double e : v) {
                    assertTrue(Math.abs(e) <= bound, n + ": " + e + " outside +-" + bound);
                }
            }
            assertEquals(model.parameterCount(), count);
            assertThrows(IllegalArgumentException.class, () -> model.readParameter("rnn.weight_ih_l2"));
            assertThrows(IllegalArgumentException.class, () -> model.writeParameter("head.bias", new double[2]));
        }
    }

    private static List<Integer> toList(int[] a) {
        return java.util.Arrays.stream(a).boxed().toList();
    }

    @Test
    void sameSeedSameModelAndSgdLowersTheLoss() {
        RnnSpec spec = new RnnSpec(CellType.LSTM, 1, 16, 1, false, DType.FLOAT32);
        SequenceBatch batch = SineWaves.of(12).batch(16, new SplittableRandom(3));
        try (SequenceModel a = new SequenceModel(backend, spec, 1, 77);
             SequenceModel b = new SequenceModel(backend, spec, 1, 77);
             Optimizer sgd = new Optimizer(a, Optimizer.Settings.sgd(0.05, 0, 0))) {
            assertArrayEquals(a.readParameter("rnn.weight_hh_l0"), b.readParameter("rnn.weight_hh_l0"));
            double before = a.loss(batch);
            double first = a.forwardBackward(batch);
            sgd.step();
            assertEquals(before, first, 1e-6);
            assertEquals(1, sgd.steps());
            assertTrue(a.loss(batch) < before, "one SGD step on a batch lowers its loss");
        }
    }

    @Test
    void sineWavesAreSeededAndTheBaselineIsTheLastValue() {
        SineWaves task = new SineWaves(10, 5, 0.3, 0.9, 0);
        SequenceBatch a = task.batch(64, new SplittableRandom(1));
        SequenceBatch b = task.batch(64, new SplittableRandom(1));
        assertArrayEquals(a.x(), b.x());
        assertArrayEquals(a.y(), b.y());
        assertArrayEquals(a.lengths(), b.lengths());
        for (int i = 0; i < 64; i++) {
            assertTrue(a.lengths()[i] >= 5 && a.lengths()[i] <= 10);
            for (int t = a.lengths()[i]; t < 10; t++) {
                assertEquals(0f, a.x()[t * 64 + i], "padding is zero");
            }
        }
        double baseline = a.lastValueMse();
        assertTrue(baseline > 0.05 && baseline < 0.6, "naive baseline " + baseline);
    }
}
