package dev.gated.engine.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.backend.DType;
import dev.gated.engine.conformance.ReferenceBackend;
import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.io.HostTensor;
import dev.gated.engine.model.Dropout;
import dev.gated.engine.model.Embedding;
import dev.gated.engine.model.HeadLoss;
import dev.gated.engine.model.Init;
import dev.gated.engine.model.Objective;
import dev.gated.engine.model.SequenceModel;
import dev.gated.engine.model.Stacking;
import dev.gated.engine.rnn.CellType;
import dev.gated.engine.rnn.RnnSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The exported graph run by ONNX Runtime against the engine's own forward pass (the float64 reference backend) on
 * the same float32 weights and inputs: every cell, direction, layer count, residual, layer norm, between-layer
 * dropout (the identity at inference), embedding, every head (last step, every step), on a padded batch whose
 * sequences have different lengths (the padded steps hold noise, which both must ignore). Within 1e-5 relative, with
 * an absolute floor of 1e-5 for values near zero (ONNX Runtime computes in float32).
 */
class OnnxParityTest {
    private static final int T = 6;
    private static final int[] LENGTHS = {6, 2, 5, 1};
    private static final int B = LENGTHS.length;
    private static final int I = 3;
    private static final int VOCAB = 7;
    private static ReferenceBackend backend;

    @BeforeAll
    static void open() {
        backend = new ReferenceBackend();
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    @BeforeEach
    void needsOrt() {
        OrtAvailable.assume();
    }

    @ParameterizedTest(name = "{0} layers={1} bidirectional={2} residual={3} layerNorm={4} between={5} {6} "
            + "embedding={7}")
    @CsvSource({
        "LSTM, 1, false, false, false, 0,   REGRESSION,     false",
        "GRU,  1, false, false, false, 0,   REGRESSION,     false",
        "LSTM, 1, true,  false, false, 0,   REGRESSION,     false",
        "GRU,  1, true,  false, false, 0,   REGRESSION,     false",
        "LSTM, 3, false, false, false, 0,   REGRESSION,     false",
        "GRU,  2, true,  false, false, 0,   REGRESSION,     false",
        "LSTM, 2, true,  true,  false, 0,   REGRESSION,     false",
        "GRU,  3, false, true,  false, 0,   REGRESSION,     false",
        "LSTM, 2, false, false, true,  0,   REGRESSION,     false",
        "GRU,  1, true,  false, true,  0,   REGRESSION,     false",
        "LSTM, 3, true,  true,  true,  0.3, REGRESSION,     false",
        "GRU,  2, false, false, false, 0.4, CLASSIFICATION, false",
        "LSTM, 2, true,  false, false, 0,   CLASSIFICATION, true",
        "GRU,  2, true,  true,  true,  0,   CLASSIFICATION, true",
        "LSTM, 1, false, false, false, 0,   LANGUAGE_MODEL, false",
        "GRU,  2, true,  false, true,  0,   LANGUAGE_MODEL, false",
        "LSTM, 2, false, true,  false, 0,   LANGUAGE_MODEL, true",
    })
    void ortMatchesTheEngine(CellType cell, int layers, boolean bidirectional, boolean residual, boolean layerNorm,
                             double between, Objective objective, boolean embedding) {
        check(cell, layers, bidirectional, new Stacking(residual, layerNorm), between, objective, embedding);
    }

    /** Batch norm between layers and on the inputs at inference: the running statistics, as nodes of the graph. */
    @ParameterizedTest(name = "{0} layers={1} bidirectional={2} residual={3} norm={4} input_norm={5} {6}")
    @CsvSource({
        "LSTM, 2, false, false, BATCH, false, REGRESSION",
        "GRU,  2, true,  true,  BATCH, false, REGRESSION",
        "LSTM, 1, false, false, NONE,  true,  REGRESSION",
        "GRU,  3, true,  true,  BATCH, true,  CLASSIFICATION",
        "LSTM, 2, false, false, LAYER, true,  LANGUAGE_MODEL",
    })
    void batchNormMatchesTheEngine(CellType cell, int layers, boolean bidirectional, boolean residual,
                                   Stacking.Norm norm, boolean inputNorm, Objective objective) {
        check(cell, layers, bidirectional, new Stacking(residual, norm, inputNorm), 0, objective, false);
    }

    private static void check(CellType cell, int layers, boolean bidirectional, Stacking stacking, double between,
                              Objective objective, boolean embedding) {
        int inputSize = embedding ? 4 : I;
        int outputs = objective == Objective.LANGUAGE_MODEL ? VOCAB : objective == Objective.CLASSIFICATION ? 3 : 2;
        RnnSpec spec = new RnnSpec(cell, inputSize, 5, layers, bidirectional, DType.FLOAT64);
        Dropout dropout = new Dropout(0.2, 0.1, between);
        SequenceModel model = embedding
                ? SequenceModel.withEmbedding(backend, new Embedding(VOCAB, inputSize), spec, outputs, objective, 3,
                Init.DEFAULT, dropout, stacking, null)
                : new SequenceModel(backend, spec, outputs, objective, 3, Init.DEFAULT, dropout, stacking,
                HeadLoss.defaultFor(objective));
        try (model) {
            SplittableRandom rnd = new SplittableRandom(cell.ordinal() * 100 + layers * 10 + (bidirectional ? 1 : 0));
            randomise(model, rnd);
            SequenceBatch batch;
            Map<String, Ort.Input> inputs = new LinkedHashMap<>();
            inputs.put(OnnxNetwork.SEQUENCE_LENS, Ort.Input.ints(LENGTHS, B));
            if (embedding) {
                int[] tokens = new int[T * B];
                long[] ids = new long[T * B];
                for (int i = 0; i < tokens.length; i++) {
                    tokens[i] = rnd.nextInt(VOCAB);
                    ids[i] = tokens[i];
                }
                batch = objective == Objective.CLASSIFICATION
                        ? SequenceBatch.ofTokens(T, B, outputs, tokens, LENGTHS, new int[B])
                        : SequenceBatch.ofTokens(T, B, outputs, tokens, LENGTHS, new int[T * B]);
                inputs.put(OnnxNetwork.TOKENS, Ort.Input.longs(ids, T, B));
            } else {
                float[] x = noise(rnd, T * B * inputSize, 1.5);
                batch = objective == Objective.REGRESSION
                        ? new SequenceBatch(T, B, inputSize, outputs, x, LENGTHS, new float[B * outputs])
                        : SequenceBatch.ofLabels(T, B, inputSize, outputs, x, LENGTHS,
                        new int[objective.everyStep() ? T * B : B]);
                inputs.put(OnnxNetwork.X, Ort.Input.floats(x, T, B, inputSize));
            }
            float[] ours = model.predict(batch);
            OnnxExport.Exported exported = OnnxExport.of(model, new OnnxExport.Options(new double[0], new double[0],
                    objective == Objective.CLASSIFICATION, Optional.empty()), "test", Map.of());
            Map<String, float[]> ort = Ort.run(exported.bytes(), inputs);
            if (objective == Objective.REGRESSION) {
                assertClose(ours, ort.get(OnnxExport.OUTPUT), "output");
            } else if (objective == Objective.CLASSIFICATION) {
                assertClose(ours, ort.get(OnnxExport.LOGITS), "logits");
                assertClose(softmaxRows(ours, outputs), ort.get(OnnxExport.PROBABILITIES), "probabilities");
            } else {
                // Ours has one row per valid step in (t, b) order; ONNX Runtime's [T, B, O] also has the padded rows.
                float[] logits = ort.get(OnnxExport.LOGITS);
                assertEquals(T * B * outputs, logits.length);
                float[] valid = new float[ours.length];
                int n = 0;
                for (int t = 0; t < T; t++) {
                    for (int b = 0; b < B; b++) {
                        if (t < LENGTHS[b]) {
                            System.arraycopy(logits, (t * B + b) * outputs, valid, n, outputs);
                            n += outputs;
                        }
                    }
                }
                assertEquals(ours.length, n, "valid steps");
                assertClose(ours, valid, "logits at the valid steps");
            }
        }
    }

    @Test
    void standardisesFeaturesInTheGraph() {
        RnnSpec spec = new RnnSpec(CellType.GRU, I, 4, 1, false, DType.FLOAT64);
        try (SequenceModel model = new SequenceModel(backend, spec, 1, 5)) {
            SplittableRandom rnd = new SplittableRandom(9);
            randomise(model, rnd);
            double[] mean = {10, -3, 0.5};
            double[] std = {2, 0.25, 1};
            float[] raw = noise(rnd, T * B * I, 1);
            float[] scaled = new float[raw.length];
            for (int i = 0; i < raw.length; i++) {
                raw[i] = (float) (raw[i] * std[i % I] + mean[i % I]);
                scaled[i] = (float) ((raw[i] - mean[i % I]) / std[i % I]);
            }
            float[] ours = model.predict(new SequenceBatch(T, B, I, 1, scaled, LENGTHS, new float[B]));
            OnnxExport.Exported exported = OnnxExport.of(model, new OnnxExport.Options(mean, std, false,
                    Optional.empty()), "test", Map.of());
            Map<String, float[]> ort = Ort.run(exported.bytes(), Map.of(OnnxNetwork.X, Ort.Input.floats(raw, T, B, I),
                    OnnxNetwork.SEQUENCE_LENS, Ort.Input.ints(LENGTHS, B)));
            assertClose(ours, ort.get(OnnxExport.OUTPUT), "output from raw features");
        }
    }

    /**
     * Every parameter uniform in [-0.6, 0.6) (norm gains around 1), rounded to float32 for both sides; batch norms'
     * running means in [-0.5, 0.5) and variances in [0.5, 2), as if trained.
     */
    static void randomise(SequenceModel model, SplittableRandom rnd) {
        for (String name : model.bufferNames()) {
            int n = (int) model.bufferShape(name).numel();
            if (name.endsWith("running_mean") || name.endsWith("running_var")) {
                float[] v = new float[n];
                boolean var = name.endsWith("running_var");
                for (int i = 0; i < n; i++) {
                    v[i] = (float) (var ? rnd.nextDouble(0.5, 2) : rnd.nextDouble(-0.5, 0.5));
                }
                model.writeBuffer(name, HostTensor.ofFloats(model.bufferShape(name), v));
            }
        }
        for (String name : model.parameterNames()) {
            double[] v = new double[(int) model.parameterShape(name).numel()];
            boolean gain = (name.startsWith(SequenceModel.LAYER_NORM_PREFIX)
                    || name.startsWith(SequenceModel.BATCH_NORM_PREFIX)
                    || name.startsWith(SequenceModel.INPUT_NORM_PREFIX)) && name.endsWith(".weight");
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) ((gain ? 1 : 0) + rnd.nextDouble(-0.6, 0.6));
            }
            model.writeParameter(name, v);
        }
    }

    private static float[] noise(SplittableRandom rnd, int n, double bound) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextDouble(-bound, bound);
        }
        return v;
    }

    private static float[] softmaxRows(float[] logits, int width) {
        float[] p = new float[logits.length];
        for (int r = 0; r < logits.length / width; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < width; j++) {
                max = Math.max(max, logits[r * width + j]);
            }
            double sum = 0;
            for (int j = 0; j < width; j++) {
                sum += Math.exp(logits[r * width + j] - max);
            }
            for (int j = 0; j < width; j++) {
                p[r * width + j] = (float) (Math.exp(logits[r * width + j] - max) / sum);
            }
        }
        return p;
    }

    /** |ort - ours| <= 1e-5 * max(|ours|, 1) element by element. */
    static void assertClose(float[] ours, float[] ort, String what) {
        assertEquals(ours.length, ort.length, what + ": length");
        double worst = 0;
        for (int i = 0; i < ours.length; i++) {
            double err = Math.abs(ort[i] - ours[i]) / Math.max(Math.abs(ours[i]), 1);
            assertTrue(err <= 1e-5, what + "[" + i + "]: ONNX Runtime " + ort[i] + ", engine " + ours[i]
                    + " (relative error " + err + ")");
            worst = Math.max(worst, err);
        }
        assertTrue(worst >= 0);
    }
}
