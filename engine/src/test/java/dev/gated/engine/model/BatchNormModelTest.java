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
import dev.gated.engine.io.HostTensor;
import dev.gated.engine.model.Stacking.Norm;
import dev.gated.engine.rnn.CellType;
import dev.gated.engine.rnn.RnnSpec;
import dev.gated.engine.train.ModelFiles;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Batch normalisation in a whole model ({@code norm: batch} between layers, {@code input_norm: batch} on the
 * inputs) on the reference backend in float64: gradients of every parameter against central finite differences
 * with variable-length batches, names and initial values like PyTorch's, the running statistics against a hand
 * computation, training against evaluation mode, and the buffers' round trip through a model file.
 */
class BatchNormModelTest {
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
                                       Stacking stacking) {
        RnnSpec spec = new RnnSpec(cell, 3, 4, layers, bidirectional, DType.FLOAT64);
        return new SequenceModel(backend, spec, 2, Objective.REGRESSION, 11, Init.DEFAULT, dropout, stacking);
    }

    /** Moves every norm weight and bias (layer, batch and input norms) off 1 and 0. */
    private static void perturbNorms(SequenceModel m, SplittableRandom rnd) {
        perturbLayerNorms(m, rnd);
        for (String name : m.parameterNames()) {
            if (name.startsWith(SequenceModel.BATCH_NORM_PREFIX) || name.startsWith(SequenceModel.INPUT_NORM_PREFIX)) {
                double[] v = m.readParameter(name);
                for (int i = 0; i < v.length; i++) {
                    v[i] += rnd.nextDouble(-0.5, 0.5);
                }
                m.writeParameter(name, v);
            }
        }
    }

    @ParameterizedTest(name = "{0} layers={1} bidirectional={2} norm={3} inputNorm={4} residual={5} dropout={6}")
    @CsvSource({
        "LSTM, 2, false, BATCH, false, false, 0.0",
        "GRU,  3, false, BATCH, true,  true,  0.0",
        "LSTM, 2, true,  BATCH, false, true,  0.3",
        "GRU,  1, false, NONE,  true,  false, 0.0",
        "LSTM, 2, false, NONE,  true,  false, 0.2",
        "GRU,  2, true,  LAYER, true,  false, 0.0",
    })
    void gradientsMatchFiniteDifferencesOnAVariableLengthBatch(CellType cell, int layers, boolean bidirectional,
                                                               Norm norm, boolean inputNorm, boolean residual,
                                                               double dropout) {
        // Lengths 4, 2, 3: padded steps must stay out of the statistics (or the gradients would not match).
        SequenceBatch b = RandomBatches.regression(4, 3, 2, new int[] {4, 2, 3}, 31);
        Dropout d = layers > 1 ? new Dropout(dropout, 0, dropout) : new Dropout(dropout, 0, 0);
        try (SequenceModel m = model(cell, layers, bidirectional, d, new Stacking(residual, norm, inputNorm))) {
            perturbNorms(m, new SplittableRandom(3));
            m.forwardBackward(b, 5);
            assertGradients(m, gradients(m), mm -> mm.forwardBackward(b, 5));
        }
    }

    @Test
    void namesAndStartValuesAreThoseOfPyTorch() {
        try (SequenceModel m = model(CellType.GRU, 2, true, Dropout.NONE, new Stacking(false, Norm.BATCH, true));
             SequenceModel plain = model(CellType.GRU, 2, true, Dropout.NONE, Stacking.NONE)) {
            List<String> names = m.parameterNames();
            assertEquals(List.of("input_norm.weight", "input_norm.bias"), names.subList(0, 2));
            assertEquals(List.of("batch_norms.0.weight", "batch_norms.0.bias", "batch_norms.1.weight",
                    "batch_norms.1.bias", "head.weight", "head.bias"), names.subList(names.size() - 6, names.size()));
            assertEquals(List.of("input_norm.running_mean", "input_norm.running_var", "input_norm.num_batches_tracked",
                    "batch_norms.0.running_mean", "batch_norms.0.running_var", "batch_norms.0.num_batches_tracked",
                    "batch_norms.1.running_mean", "batch_norms.1.running_var", "batch_norms.1.num_batches_tracked"),
                    m.bufferNames());
            assertArrayEquals(new double[] {1, 1, 1}, m.readParameter("input_norm.weight"));
            assertArrayEquals(new double[8], m.readParameter("batch_norms.1.bias"));
            assertArrayEquals(new double[8], m.readBuffer("batch_norms.0.running_mean").toDoubleArray());
            assertArrayEquals(new double[] {1, 1, 1, 1, 1, 1, 1, 1},
                    m.readBuffer("batch_norms.1.running_var").toDoubleArray());
            HostTensor count = m.readBuffer("input_norm.num_batches_tracked");
            assertEquals(dev.gated.engine.io.ElementType.I64, count.type());
            assertEquals(0, count.shape().rank(), "a 0-d tensor, as PyTorch's");
            // Buffers are not parameters: not counted, not in the groups the optimizer sees.
            assertEquals(plain.parameterCount() + 4 * 8 + 2 * 3, m.parameterCount());
            assertEquals(plain.parameterGroups().length + 6, m.parameterGroups().length);
            for (String name : plain.parameterNames()) {
                assertArrayEquals(plain.readParameter(name), m.readParameter(name), 0, name + ": same seed, same draw");
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> m.readBuffer("batch_norms.2.running_mean"));
            assertTrue(e.getMessage().contains("expected one of"), e.getMessage());
        }
    }

    /** Per-feature mean and unbiased variance of x [T, B, I] over the valid steps. */
    private static double[][] validStats(SequenceBatch b) {
        int in = b.inputSize();
        double[] mean = new double[in];
        double[] var = new double[in];
        int n = 0;
        for (int t = 0; t < b.seqLength(); t++) {
            for (int i = 0; i < b.batchSize(); i++) {
                if (t < b.lengths()[i]) {
                    n++;
                    for (int k = 0; k < in; k++) {
                        mean[k] += b.x()[(t * b.batchSize() + i) * in + k];
                    }
                }
            }
        }
        for (int k = 0; k < in; k++) {
            mean[k] /= n;
        }
        for (int t = 0; t < b.seqLength(); t++) {
            for (int i = 0; i < b.batchSize(); i++) {
                for (int k = 0; t < b.lengths()[i] && k < in; k++) {
                    double d = b.x()[(t * b.batchSize() + i) * in + k] - mean[k];
                    var[k] += d * d;
                }
            }
        }
        for (int k = 0; k < in; k++) {
            var[k] /= n - 1;
        }
        return new double[][] {mean, var};
    }

    @Test
    void runningStatisticsFollowPyTorchsUpdateAndOnlyTrainingMovesThem() {
        SequenceBatch b1 = RandomBatches.regression(5, 3, 2, new int[] {5, 2, 4}, 1);
        SequenceBatch b2 = RandomBatches.regression(4, 3, 2, new int[] {1, 4, 3, 2}, 2);
        try (SequenceModel m = model(CellType.LSTM, 2, false, Dropout.NONE, new Stacking(false, Norm.BATCH, true))) {
            m.forwardBackward(b1, 0);
            double[] afterOne = m.readBuffer("batch_norms.1.running_var").toDoubleArray();
            m.loss(b2);
            m.predict(b2);
            assertArrayEquals(afterOne, m.readBuffer("batch_norms.1.running_var").toDoubleArray(), 0,
                    "evaluation leaves the running statistics alone");
            m.forwardBackward(b2, 1);
            double[][] s1 = validStats(b1);
            double[][] s2 = validStats(b2);
            double[] mean = m.readBuffer("input_norm.running_mean").toDoubleArray();
            double[] var = m.readBuffer("input_norm.running_var").toDoubleArray();
            for (int k = 0; k < 3; k++) {
                // momentum 0.1 from mean 0, var 1; running_var from the unbiased variance of the valid steps.
                assertEquals(0.9 * (0.1 * s1[0][k]) + 0.1 * s2[0][k], mean[k], 1e-7, "running_mean " + k);
                assertEquals(0.9 * (0.9 + 0.1 * s1[1][k]) + 0.1 * s2[1][k], var[k], 1e-7, "running_var " + k);
            }
            assertEquals(2, m.readBuffer("input_norm.num_batches_tracked").toLongArray()[0]);
            assertEquals(2, m.readBuffer("batch_norms.0.num_batches_tracked").toLongArray()[0]);
            assertNotEquals(afterOne[0], m.readBuffer("batch_norms.1.running_var").toDoubleArray()[0]);
        }
    }

    @Test
    void evaluationNormalisesWithTheRunningStatistics() {
        SequenceBatch b = RandomBatches.regression(4, 3, 2, new int[] {4, 2, 3}, 8);
        try (SequenceModel m = model(CellType.GRU, 1, false, Dropout.NONE, new Stacking(false, Norm.NONE, true));
             SequenceModel plain = model(CellType.GRU, 1, false, Dropout.NONE, Stacking.NONE)) {
            // Fresh statistics (mean 0, var 1) make the input norm x / sqrt(1 + eps): the plain model on scaled x.
            float[] scaled = b.x().clone();
            for (int i = 0; i < scaled.length; i++) {
                scaled[i] = (float) (scaled[i] / Math.sqrt(1 + 1e-5));
            }
            SequenceBatch sb = new SequenceBatch(b.seqLength(), b.batchSize(), b.inputSize(), b.outputSize(), scaled,
                    b.lengths(), b.y(), null);
            assertEquals(plain.loss(sb), m.loss(b), 1e-6, "eval with fresh running statistics");
            // Training uses the batch's own statistics, so its loss differs from evaluation's.
            double train = m.forwardBackward(b, 0);
            assertNotEquals(plain.loss(sb), train, 1e-3);
            // After a training step the running statistics moved, and evaluation uses them.
            double[] mean = m.readBuffer("input_norm.running_mean").toDoubleArray();
            double[] var = m.readBuffer("input_norm.running_var").toDoubleArray();
            for (int i = 0; i < scaled.length; i++) {
                int k = i % 3;
                scaled[i] = b.x()[i] == 0 && isPadded(b, i) ? 0f
                        : (float) ((b.x()[i] - mean[k]) / Math.sqrt(var[k] + 1e-5));
            }
            assertEquals(plain.loss(sb), m.loss(b), 1e-6, "eval with moved running statistics");
        }
    }

    private static boolean isPadded(SequenceBatch b, int flat) {
        int row = flat / b.inputSize();
        return row / b.batchSize() >= b.lengths()[row % b.batchSize()];
    }

    @Test
    void stepwiseGenerationUsesTheRunningStatisticsLikeAWholeSequence() {
        SequenceBatch b = RandomBatches.regression(4, 3, 2, new int[] {4, 4}, 12);
        try (SequenceModel m = model(CellType.LSTM, 2, false, Dropout.NONE, new Stacking(false, Norm.BATCH, true))) {
            m.forwardBackward(b, 0);
            m.forwardBackward(RandomBatches.regression(5, 3, 2, new int[] {5, 3, 2}, 13), 1);
            float[] whole = m.predict(b);
            float[] last = null;
            try (SequenceModel.State state = m.newState(2)) {
                for (int t = 0; t < 4; t++) {
                    float[] x = java.util.Arrays.copyOfRange(b.x(), t * 2 * 3, (t + 1) * 2 * 3);
                    last = m.predictNext(new SequenceBatch(1, 2, 3, 2, x, new int[] {1, 1}, b.y(), null), state);
                }
            }
            // One step at a time, each step normalised alone: only running statistics make this equal the whole run.
            assertArrayEquals(whole, last, 1e-5f);
        }
    }

    @Test
    void buffersTravelWithTheModelFile() {
        SequenceBatch b = RandomBatches.regression(4, 3, 2, new int[] {4, 2, 3}, 8);
        Stacking bn = new Stacking(true, Norm.BATCH, true);
        try (SequenceModel m = model(CellType.LSTM, 2, false, Dropout.NONE, bn);
             SequenceModel fresh = model(CellType.LSTM, 2, false, Dropout.NONE, bn)) {
            m.forwardBackward(b, 0);
            m.forwardBackward(b, 1);
            Map<String, HostTensor> file = ModelFiles.snapshot(m);
            assertTrue(file.containsKey("batch_norms.1.running_mean") && file.containsKey("input_norm.running_var"),
                    file.keySet()::toString);
            assertNotEquals(m.loss(b), fresh.loss(b), "running statistics differ");
            ModelFiles.load(fresh, file, "snapshot");
            // The file holds float32: load it back into m too, so both hold exactly the file's values.
            ModelFiles.load(m, file, "snapshot");
            assertEquals(m.loss(b), fresh.loss(b), 0, "same parameters and statistics, same evaluation");
            assertEquals(2, fresh.readBuffer("batch_norms.0.num_batches_tracked").toLongArray()[0]);
            file.remove("input_norm.running_var");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ModelFiles.load(fresh, file, "old.safetensors"));
            assertTrue(e.getMessage().contains("input_norm.running_var"), e.getMessage());
        }
    }

    @Test
    void badUsesAreRefusedClearly() {
        RnnSpec spec = new RnnSpec(CellType.GRU, 4, 4, 1, false, DType.FLOAT64);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SequenceModel.withEmbedding(backend, new Embedding(10, 4), spec, 2,
                        Objective.REGRESSION, 1, Init.DEFAULT, Dropout.NONE, new Stacking(false, Norm.NONE, true),
                        null));
        assertTrue(e.getMessage().contains("input_norm"), e.getMessage());
        // One sequence of one step: one value per feature, no variance to normalise by (PyTorch refuses too).
        SequenceBatch one = RandomBatches.regression(1, 3, 2, new int[] {1}, 4);
        try (SequenceModel m = model(CellType.GRU, 2, false, Dropout.NONE, new Stacking(false, Norm.BATCH, false))) {
            e = assertThrows(IllegalArgumentException.class, () -> m.forwardBackward(one, 0));
            assertTrue(e.getMessage().contains("more than 1 value per feature"), e.getMessage());
            m.predict(one);
        }
        assertThrows(IllegalArgumentException.class, () -> new Stacking(false, null, false));
    }
}
