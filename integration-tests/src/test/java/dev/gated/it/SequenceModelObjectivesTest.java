package dev.gated.it;

import static dev.gated.engine.model.ModelGradientCheck.assertGradients;
import static dev.gated.engine.model.ModelGradientCheck.gradients;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.cpu.CpuBackend;
import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.DType;
import dev.gated.engine.conformance.ReferenceRnn;
import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.data.text.CharVocabulary;
import dev.gated.engine.model.Objective;
import dev.gated.engine.model.RandomBatches;
import dev.gated.engine.model.SequenceModel;
import dev.gated.engine.model.TextGenerator;
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
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The classification and language-model objectives of {@link SequenceModel} on the CPU backend in float64:
 * losses against a hand computation on top of {@link ReferenceRnn}, gradients against central finite
 * differences, gradient clipping and the non-finite check, stepwise prediction with a carried state, and
 * {@link TextGenerator}.
 */
class SequenceModelObjectivesTest {
    private static Backend backend;

    @BeforeAll
    static void open() {
        backend = new CpuBackend(2);
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    // ---- batches ----

    /** One class per sequence. */
    private static SequenceBatch classificationBatch(int seq, int input, int classes, int[] lengths, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = RandomBatches.inputs(rnd, seq, input, lengths);
        int[] labels = new int[lengths.length];
        for (int b = 0; b < labels.length; b++) {
            labels[b] = rnd.nextInt(classes);
        }
        return SequenceBatch.ofLabels(seq, lengths.length, input, classes, x, lengths.clone(), labels);
    }

    /** One class per step [T*B], index t*B + b; padded steps hold 99, which is no class and must be ignored. */
    private static SequenceBatch languageBatch(int seq, int input, int classes, int[] lengths, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = RandomBatches.inputs(rnd, seq, input, lengths);
        int bs = lengths.length;
        int[] labels = new int[seq * bs];
        for (int t = 0; t < seq; t++) {
            for (int b = 0; b < bs; b++) {
                labels[t * bs + b] = t < lengths[b] ? rnd.nextInt(classes) : 99;
            }
        }
        return SequenceBatch.ofLabels(seq, bs, input, classes, x, lengths.clone(), labels);
    }

    // ---- the hand computation ----

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /** The top layer's outputs y [T, B, D*H] of the model's RNN, computed by the reference RNN. */
    private static double[] referenceOutputs(SequenceModel model, SequenceBatch batch) {
        RnnSpec spec = model.spec();
        Map<String, double[]> p = new HashMap<>();
        for (RnnParam rp : spec.parameters()) {
            p.put(rp.name(), model.readParameter(SequenceModel.RNN_PREFIX + rp.name()));
        }
        return ReferenceRnn.forward(spec, p, toDoubles(batch.x()), batch.seqLength(), batch.lengths(), null, null)
                .y();
    }

    /** head(features) = W features + b. */
    private static double[] head(SequenceModel model, double[] features) {
        double[] w = model.readParameter(SequenceModel.HEAD_WEIGHT);
        double[] bias = model.readParameter(SequenceModel.HEAD_BIAS);
        int o = model.outputSize();
        double[] out = new double[o];
        for (int j = 0; j < o; j++) {
            double v = bias[j];
            for (int k = 0; k < features.length; k++) {
                v += w[j * features.length + k] * features[k];
            }
            out[j] = v;
        }
        return out;
    }

    /** -log softmax(logits)[label], computed stably. */
    private static double crossEntropy(double[] logits, int label) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : logits) {
            sum += Math.exp(v - max);
        }
        return max + Math.log(sum) - logits[label];
    }

    /** PyTorch's head input for sequence b: forward output at len-1, then (bidirectional) the reverse output at 0. */
    private static double[] lastFeatures(double[] y, RnnSpec spec, int[] lengths, int b) {
        int h = spec.hiddenSize();
        int d = spec.directions();
        int bs = lengths.length;
        double[] last = new double[d * h];
        for (int k = 0; k < h; k++) {
            last[k] = y[((lengths[b] - 1) * bs + b) * d * h + k];
            if (d == 2) {
                last[h + k] = y[b * d * h + h + k];
            }
        }
        return last;
    }

    /** The output features (all directions) at step t of sequence b. */
    private static double[] stepFeatures(double[] y, RnnSpec spec, int batch, int t, int b) {
        int dh = spec.directions() * spec.hiddenSize();
        double[] f = new double[dh];
        System.arraycopy(y, (t * batch + b) * dh, f, 0, dh);
        return f;
    }

    // ---- finite differences ----

    /** Every parameter's analytic gradient against central differences of loss() (eps 1e-6). */
    private static void assertGradientsMatchFiniteDifferences(SequenceModel model, SequenceBatch batch) {
        double loss = model.forwardBackward(batch);
        assertEquals(model.loss(batch), loss, 1e-12, "training and inference forward give the same loss");
        assertGradients(model, gradients(model), m -> m.loss(batch));
    }

    // ---- classification ----

    @ParameterizedTest(name = "{0} layers={1} bidirectional={2}")
    @CsvSource({"lstm,1,false", "gru,2,true"})
    void classificationGradientsMatchFiniteDifferences(String cell, int layers, boolean bidirectional) {
        RnnSpec spec = new RnnSpec(CellType.parse(cell), 2, 3, layers, bidirectional, DType.FLOAT64);
        SequenceBatch batch = classificationBatch(4, 2, 3, new int[] {3, 4, 1}, 31);
        try (SequenceModel model = new SequenceModel(backend, spec, 3, Objective.CLASSIFICATION, 13)) {
            assertGradientsMatchFiniteDifferences(model, batch);
        }
    }

    @ParameterizedTest(name = "{0} layers={1} bidirectional={2}")
    @CsvSource({"lstm,1,false", "gru,2,true", "lstm,2,true"})
    void classificationLossIsTheMeanCrossEntropyOfTheLastValidOutput(String cell, int layers,
                                                                      boolean bidirectional) {
        RnnSpec spec = new RnnSpec(CellType.parse(cell), 3, 5, layers, bidirectional, DType.FLOAT64);
        int[] lengths = {4, 1, 3, 2};
        SequenceBatch batch = classificationBatch(4, 3, 4, lengths, 41);
        try (SequenceModel model = new SequenceModel(backend, spec, 4, Objective.CLASSIFICATION, 17)) {
            double[] y = referenceOutputs(model, batch);
            double expected = 0;
            double[][] logits = new double[lengths.length][];
            for (int b = 0; b < lengths.length; b++) {
                logits[b] = head(model, lastFeatures(y, spec, lengths, b));
                expected += crossEntropy(logits[b], batch.labels()[b]);
            }
            expected /= lengths.length;
            assertEquals(expected, model.loss(batch), 1e-12, "loss()");
            assertEquals(expected, model.forwardBackward(batch), 1e-12, "forwardBackward()");

            SequenceModel.Evaluation ev = model.evaluate(batch);
            assertEquals(expected, ev.loss(), 1e-12, "evaluate().loss()");
            assertEquals(lengths.length, ev.rows());
            float[] pred = model.predict(batch);
            assertEquals(lengths.length * 4, pred.length, "one row of logits per sequence");
            for (int b = 0; b < lengths.length; b++) {
                for (int o = 0; o < 4; o++) {
                    assertEquals(logits[b][o], pred[b * 4 + o], 1e-6, "sequence " + b + " class " + o);
                    assertEquals(pred[b * 4 + o], ev.outputs()[b * 4 + o], "evaluate() outputs = predict()");
                }
            }
        }
    }

    // ---- language model ----

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"lstm", "gru"})
    void languageModelGradientsMatchFiniteDifferencesIgnoringPaddedLabels(String cell) {
        RnnSpec spec = new RnnSpec(CellType.parse(cell), 3, 3, 2, false, DType.FLOAT64);
        SequenceBatch batch = languageBatch(4, 3, 4, new int[] {3, 4, 1}, 51);
        assertEquals(99, batch.labels()[3 * 3], "padded step (t=3, b=0) holds garbage");
        try (SequenceModel model = new SequenceModel(backend, spec, 4, Objective.LANGUAGE_MODEL, 19)) {
            assertGradientsMatchFiniteDifferences(model, batch);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"lstm", "gru"})
    void languageModelLossIsTheMeanOverValidStepsAndPredictIsInStepOrder(String cell) {
        RnnSpec spec = new RnnSpec(CellType.parse(cell), 3, 5, 2, false, DType.FLOAT64);
        int[] lengths = {3, 5, 1, 4};
        int bs = lengths.length;
        int classes = 4;
        SequenceBatch batch = languageBatch(5, 3, classes, lengths, 61);
        try (SequenceModel model = new SequenceModel(backend, spec, classes, Objective.LANGUAGE_MODEL, 23)) {
            double[] y = referenceOutputs(model, batch);
            double sum = 0;
            int valid = 0;
            List<double[]> rows = new java.util.ArrayList<>();
            for (int t = 0; t < batch.seqLength(); t++) {
                for (int b = 0; b < bs; b++) {
                    if (t < lengths[b]) {
                        double[] logits = head(model, stepFeatures(y, spec, bs, t, b));
                        rows.add(logits);
                        sum += crossEntropy(logits, batch.labels()[t * bs + b]);
                        valid++;
                    }
                }
            }
            assertEquals(13, valid);
            double expected = sum / valid;
            assertEquals(expected, model.loss(batch), 1e-12, "loss()");
            assertEquals(expected, model.forwardBackward(batch), 1e-12, "forwardBackward()");

            float[] pred = model.predict(batch);
            assertEquals(valid * classes, pred.length, "one row per valid step");
            for (int r = 0; r < valid; r++) {
                for (int o = 0; o < classes; o++) {
                    assertEquals(rows.get(r)[o], pred[r * classes + o], 1e-6, "row " + r + " class " + o);
                }
            }
            SequenceModel.Evaluation ev = model.evaluate(batch);
            assertEquals(expected, ev.loss(), 1e-12);
            assertEquals(valid, ev.rows());
            assertArrayEquals(pred, ev.outputs());
        }
    }

    @Test
    void languageModelLossDoesNotDependOnLabelsAtPaddedSteps() {
        RnnSpec spec = new RnnSpec(CellType.GRU, 3, 4, 1, false, DType.FLOAT64);
        SequenceBatch batch = languageBatch(4, 3, 3, new int[] {2, 4}, 71);
        int[] other = batch.labels().clone();
        for (int i = 0; i < other.length; i++) {
            if (other[i] == 99) {
                other[i] = -7;
            }
        }
        SequenceBatch changed = SequenceBatch.ofLabels(4, 2, 3, 3, batch.x(), batch.lengths(), other);
        try (SequenceModel model = new SequenceModel(backend, spec, 3, Objective.LANGUAGE_MODEL, 29)) {
            double loss = model.forwardBackward(batch);
            double[] grad = model.readGradient("rnn.weight_hh_l0");
            assertEquals(loss, model.forwardBackward(changed), 0.0);
            assertArrayEquals(grad, model.readGradient("rnn.weight_hh_l0"), 0.0);
        }
    }

    // ---- gradient clipping and the non-finite check ----

    @Test
    void clipGradientNormScalesAllGradientsLikePyTorch() {
        RnnSpec spec = new RnnSpec(CellType.LSTM, 3, 4, 2, true, DType.FLOAT64);
        SequenceBatch batch = classificationBatch(5, 3, 3, new int[] {5, 2, 4}, 81);
        try (SequenceModel model = new SequenceModel(backend, spec, 3, Objective.CLASSIFICATION, 37)) {
            model.forwardBackward(batch);
            Map<String, double[]> before = new HashMap<>();
            double sumSq = 0;
            for (String name : model.parameterNames()) {
                double[] g = model.readGradient(name);
                before.put(name, g);
                for (double v : g) {
                    sumSq += v * v;
                }
            }
            double norm = model.gradientNorm();
            assertTrue(norm > 0);
            assertEquals(Math.sqrt(sumSq), norm, 1e-12 * norm, "norm = sqrt(sum of squares of all gradients)");

            // A bound above the norm leaves the gradients as they are.
            assertEquals(norm, model.clipGradientNorm(norm * 2), 0.0, "returns the norm before clipping");
            for (String name : model.parameterNames()) {
                assertArrayEquals(before.get(name), model.readGradient(name), 0.0, name + " unchanged");
            }
            assertEquals(norm, model.gradientNorm(), 0.0);

            // Half the norm: every gradient scaled by max / (norm + 1e-6) (torch.nn.utils.clip_grad_norm_).
            double max = norm / 2;
            assertEquals(norm, model.clipGradientNorm(max), 1e-12 * norm, "returns the norm before clipping");
            double scale = max / (norm + 1e-6);
            assertEquals(scale * norm, model.gradientNorm(), 1e-12 * max, "the clipped norm, PyTorch's formula");
            // PyTorch's 1e-6 in the denominator leaves the clipped norm at max * norm / (norm + 1e-6), so it is
            // max only to within 1e-6 / norm relative, not to 1e-9.
            assertEquals(max, model.gradientNorm(), 1.01e-6 / norm * max, "clipped to about max");
            for (String name : model.parameterNames()) {
                double[] g0 = before.get(name);
                double[] g1 = model.readGradient(name);
                for (int i = 0; i < g0.length; i++) {
                    assertEquals(g0[i] * scale, g1[i], 1e-15 + 1e-12 * Math.abs(g0[i]), name + "[" + i + "]");
                }
            }
        }
    }

    @Test
    void firstNonFiniteGradientFindsANaNFromTheInput() {
        RnnSpec spec = new RnnSpec(CellType.GRU, 3, 4, 2, false, DType.FLOAT64);
        SequenceBatch batch = classificationBatch(4, 3, 3, new int[] {4, 2, 3}, 91);
        try (SequenceModel model = new SequenceModel(backend, spec, 3, Objective.CLASSIFICATION, 43)) {
            assertTrue(Double.isFinite(model.forwardBackward(batch)));
            assertNull(model.firstNonFiniteGradient(), "all gradients finite");

            float[] x = batch.x().clone();
            x[0] = Float.NaN; // step 0 of sequence 0: a valid step
            SequenceBatch bad = SequenceBatch.ofLabels(4, 3, 3, 3, x, batch.lengths(), batch.labels());
            assertTrue(Double.isNaN(model.forwardBackward(bad)), "a NaN input gives a NaN loss");
            String name = model.firstNonFiniteGradient();
            assertNotNull(name, "a non-finite gradient is reported");
            assertTrue(name.startsWith(SequenceModel.RNN_PREFIX) || model.parameterNames().contains(name), name);

            // The next finite pass overwrites the gradients.
            model.forwardBackward(batch);
            assertNull(model.firstNonFiniteGradient());
        }
    }

    // ---- stepwise prediction ----

    /** Steps [from, to) of every sequence of a full-length batch, as a batch of its own (labels unused). */
    private static SequenceBatch slice(SequenceBatch full, int from, int to) {
        int bs = full.batchSize();
        int in = full.inputSize();
        float[] x = new float[(to - from) * bs * in];
        System.arraycopy(full.x(), from * bs * in, x, 0, x.length);
        int[] lengths = new int[bs];
        java.util.Arrays.fill(lengths, to - from);
        return SequenceBatch.ofLabels(to - from, bs, in, full.outputSize(), x, lengths, new int[bs]);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"lstm", "gru"})
    void predictNextCarriesTheStateAcrossCalls(String cell) {
        RnnSpec spec = new RnnSpec(CellType.parse(cell), 3, 5, 2, false, DType.FLOAT64);
        int seq = 6;
        int bs = 2;
        int classes = 4;
        SequenceBatch full = languageBatch(seq, 3, classes, new int[] {seq, seq}, 101);
        try (SequenceModel model = new SequenceModel(backend, spec, classes, Objective.LANGUAGE_MODEL, 47)) {
            float[] atOnce;
            try (SequenceModel.State state = model.newState(bs)) {
                atOnce = model.predictNext(full, state);
            }
            assertEquals(bs * classes, atOnce.length, "[B, O]: the logits at the last step");

            float[] stepwise = null;
            try (SequenceModel.State state = model.newState(bs)) {
                for (int t = 0; t < seq; t++) {
                    stepwise = model.predictNext(slice(full, t, t + 1), state);
                }
            }
            assertArrayEquals(atOnce, stepwise, 1e-12f, "T steps at once = T calls of one step");

            float[] inTwo;
            try (SequenceModel.State state = model.newState(bs)) {
                model.predictNext(slice(full, 0, 4), state);
                inTwo = model.predictNext(slice(full, 4, seq), state);
            }
            assertArrayEquals(atOnce, inTwo, 1e-12f, "4 steps then 2 steps = 6 steps at once");

            // predict(): one row per valid step in (t, b) order; the last B rows are step T-1.
            float[] pred = model.predict(full);
            assertEquals(seq * bs * classes, pred.length);
            float[] last = java.util.Arrays.copyOfRange(pred, (seq - 1) * bs * classes, seq * bs * classes);
            assertArrayEquals(last, atOnce, 1e-12f, "predictNext = predict() at the last step");

            // A fresh state starts from zeros again: the first step alone matches predict()'s step 0.
            try (SequenceModel.State state = model.newState(bs)) {
                float[] first = model.predictNext(slice(full, 0, 1), state);
                assertArrayEquals(java.util.Arrays.copyOfRange(pred, 0, bs * classes), first, 1e-12f);
            }
        }
    }

    @Test
    void predictNextWithVariableLengthsReturnsEachSequencesLastStep() {
        RnnSpec spec = new RnnSpec(CellType.LSTM, 3, 5, 1, false, DType.FLOAT64);
        int[] lengths = {5, 2, 4};
        int classes = 3;
        SequenceBatch batch = languageBatch(5, 3, classes, lengths, 111);
        try (SequenceModel model = new SequenceModel(backend, spec, classes, Objective.LANGUAGE_MODEL, 53);
             SequenceModel.State state = model.newState(3)) {
            float[] next = model.predictNext(batch, state);
            double[] y = referenceOutputs(model, batch);
            for (int b = 0; b < lengths.length; b++) {
                double[] logits = head(model, stepFeatures(y, spec, lengths.length, lengths[b] - 1, b));
                for (int o = 0; o < classes; o++) {
                    assertEquals(logits[o], next[b * classes + o], 1e-6, "sequence " + b + " class " + o);
                }
            }
        }
    }

    @Test
    void newStateNeedsAUnidirectionalRnnAndItsBatch() {
        RnnSpec bi = new RnnSpec(CellType.LSTM, 3, 4, 1, true, DType.FLOAT64);
        try (SequenceModel model = new SequenceModel(backend, bi, 3, Objective.LANGUAGE_MODEL, 1)) {
            assertThrows(IllegalStateException.class, () -> model.newState(1));
        }
        RnnSpec uni = new RnnSpec(CellType.GRU, 3, 4, 1, false, DType.FLOAT64);
        SequenceBatch batch = languageBatch(3, 3, 3, new int[] {3, 3}, 5);
        try (SequenceModel model = new SequenceModel(backend, uni, 3, Objective.LANGUAGE_MODEL, 1);
             SequenceModel.State state = model.newState(1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.predictNext(batch, state));
            assertTrue(e.getMessage().contains("batch 1") && e.getMessage().contains("batch 2"), e.getMessage());
        }
    }

    // ---- targets that do not fit the objective ----

    @Test
    void mismatchedTargetsAreRejected() {
        RnnSpec spec = new RnnSpec(CellType.LSTM, 3, 4, 1, false, DType.FLOAT64);
        int[] lengths = {3, 2};
        float[] x = RandomBatches.inputs(new SplittableRandom(7), 3, 3, lengths);
        SequenceBatch values = new SequenceBatch(3, 2, 3, 3, x, lengths, new float[6]);
        SequenceBatch perSequence = SequenceBatch.ofLabels(3, 2, 3, 3, x, lengths, new int[] {0, 2});
        SequenceBatch perStep = SequenceBatch.ofLabels(3, 2, 3, 3, x, lengths, new int[] {0, 1, 2, 0, 1, 99});

        try (SequenceModel model = new SequenceModel(backend, spec, 3, Objective.CLASSIFICATION, 3)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.loss(values));
            assertTrue(e.getMessage().contains("one class per sequence"), e.getMessage());
            assertTrue(e.getMessage().contains("value targets"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> model.forwardBackward(values));
            e = assertThrows(IllegalArgumentException.class, () -> model.loss(perStep));
            assertTrue(e.getMessage().contains("one class per sequence"), e.getMessage());
            assertTrue(Double.isFinite(model.loss(perSequence)));
        }
        try (SequenceModel model = new SequenceModel(backend, spec, 3, Objective.LANGUAGE_MODEL, 3)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.forwardBackward(perSequence));
            assertTrue(e.getMessage().contains("one class per step"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> model.loss(values));
            assertTrue(e.getMessage().contains("one class per step"), e.getMessage());
            assertTrue(Double.isFinite(model.loss(perStep)));
        }
        try (SequenceModel model = new SequenceModel(backend, spec, 3, Objective.REGRESSION, 3)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.loss(perSequence));
            assertTrue(e.getMessage().contains("value targets"), e.getMessage());
        }
        // A batch with the wrong number of classes.
        SequenceBatch fourClasses = SequenceBatch.ofLabels(3, 2, 3, 4, x, lengths, new int[] {0, 3});
        try (SequenceModel model = new SequenceModel(backend, spec, 3, Objective.CLASSIFICATION, 3)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.loss(fourClasses));
            assertTrue(e.getMessage().contains("[0, 3)"), e.getMessage());
        }
    }

    // ---- text generation ----

    private static final CharVocabulary VOCABULARY = CharVocabulary.build("abc ");

    private static SequenceModel charModel() {
        int v = VOCABULARY.size();
        return new SequenceModel(backend, new RnnSpec(CellType.LSTM, v, 8, 1, false, DType.FLOAT32), v,
                Objective.LANGUAGE_MODEL, 59);
    }

    @Test
    void textGeneratorIsSeededAndTemperatureZeroIsArgmax() {
        try (SequenceModel model = charModel()) {
            String a = TextGenerator.generate(model, VOCABULARY, "ab", 40, 1.0, 0, 7);
            String b = TextGenerator.generate(model, VOCABULARY, "ab", 40, 1.0, 0, 7);
            assertEquals(a, b, "same seed, same text");
            assertEquals(42, a.length());
            assertTrue(a.startsWith("ab"));
            for (char ch : a.toCharArray()) {
                assertTrue(VOCABULARY.index(ch) >= 0, "generated '" + ch + "' is in the vocabulary");
            }
            assertNotEquals(a, TextGenerator.generate(model, VOCABULARY, "ab", 40, 1.0, 0, 8),
                    "another seed, other text");

            String greedy = TextGenerator.generate(model, VOCABULARY, "ab", 12, 0, 0, 1);
            assertEquals(greedy, TextGenerator.generate(model, VOCABULARY, "ab", 12, 0, 0, 999),
                    "temperature 0 does not depend on the seed");
            assertEquals(greedy, TextGenerator.generate(model, VOCABULARY, "ab", 12, 1.0, 1, 5), "top-k 1");
            assertEquals(greedy, TextGenerator.generate(model, VOCABULARY, "ab", 12, 2.5, 1, 6), "top-k 1");

            // Each greedy character is the argmax of the model's prediction after the text before it.
            int v = VOCABULARY.size();
            for (int i = 2; i < greedy.length(); i++) {
                int[] ids = VOCABULARY.encode(greedy.substring(0, i), "prefix");
                float[] x = new float[ids.length * v];
                for (int t = 0; t < ids.length; t++) {
                    x[t * v + ids[t]] = 1;
                }
                float[] pred = model.predict(SequenceBatch.ofLabels(ids.length, 1, v, v, x,
                        new int[] {ids.length}, new int[ids.length]));
                int best = 0;
                int row = (ids.length - 1) * v;
                for (int k = 1; k < v; k++) {
                    if (pred[row + k] > pred[row + best]) {
                        best = k;
                    }
                }
                assertEquals(VOCABULARY.decode(new int[] {best}), greedy.substring(i, i + 1), "character " + i);
            }
        }
    }

    @Test
    void textGeneratorRejectsAnUnknownPromptCharacter() {
        try (SequenceModel model = charModel()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TextGenerator.generate(model, VOCABULARY, "abx", 5, 1.0, 0, 1));
            assertTrue(e.getMessage().contains("'x'"), e.getMessage());
            assertEquals("ab", TextGenerator.generate(model, VOCABULARY, "ab", 0, 1.0, 0, 1), "length 0: the prompt");
            assertThrows(IllegalArgumentException.class,
                    () -> TextGenerator.generate(model, VOCABULARY, "", 5, 1.0, 0, 1));
            assertThrows(IllegalArgumentException.class,
                    () -> TextGenerator.generate(model, VOCABULARY, "ab", 5, -1, 0, 1));
            assertThrows(IllegalArgumentException.class,
                    () -> TextGenerator.generate(model, CharVocabulary.build("ab"), "ab", 5, 1.0, 0, 1));
        }
    }
}
