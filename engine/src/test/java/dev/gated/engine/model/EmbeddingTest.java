package dev.gated.engine.model;

import static dev.gated.engine.model.ModelGradientCheck.assertGradients;
import static dev.gated.engine.model.ModelGradientCheck.gradients;
import static dev.gated.engine.model.ModelGradientCheck.perturbLayerNorms;
import static dev.gated.engine.model.SequenceModel.EMBEDDING_WEIGHT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.backend.DType;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.conformance.ReferenceBackend;
import dev.gated.engine.data.Curriculum;
import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.data.text.CharVocabulary;
import dev.gated.engine.health.HealthProbe;
import dev.gated.engine.io.HostTensor;
import dev.gated.engine.io.SafeTensors;
import dev.gated.engine.rnn.CellType;
import dev.gated.engine.rnn.RnnSpec;
import dev.gated.engine.train.InputNoise;
import dev.gated.engine.train.ModelFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The embedding layer ({@link Embedding}, PyTorch's {@code nn.Embedding} with {@code padding_idx}) in float64 on the
 * reference backend: its forward against hand-gathered float inputs, its gradient against central finite
 * differences, padding, frozen weights, names, errors, files and stepwise inference.
 */
class EmbeddingTest {
    private static final int V = 7;
    private static final int E = 3;
    private static final int T = 4;
    private static ReferenceBackend backend;

    @BeforeAll
    static void open() {
        backend = new ReferenceBackend();
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    private static RnnSpec spec(CellType cell, int layers, boolean bidirectional) {
        return new RnnSpec(cell, E, 4, layers, bidirectional, DType.FLOAT64);
    }

    /**
     * Per-step language-model batch of B = 3 with lengths 4, 2, 3: ids at valid steps from {@code valid} (cycled, so
     * ids repeat), the garbage id 5 at padded steps (ignored), labels per step.
     */
    private static SequenceBatch lmBatch(int[] valid) {
        int[] lengths = {4, 2, 3};
        int b = lengths.length;
        int[] tokens = new int[T * b];
        int[] labels = new int[T * b];
        int n = 0;
        for (int t = 0; t < T; t++) {
            for (int i = 0; i < b; i++) {
                tokens[t * b + i] = t < lengths[i] ? valid[n++ % valid.length] : 5;
                labels[t * b + i] = (t * 3 + i) % V;
            }
        }
        return SequenceBatch.ofTokens(T, b, V, tokens, lengths, labels);
    }

    /** The float batch of x = rows of {@code weight}, 0 at padded steps, with the same targets. */
    private static SequenceBatch gathered(SequenceBatch tokens, double[] weight) {
        int bs = tokens.batchSize();
        float[] x = new float[tokens.tokens().length * E];
        for (int i = 0; i < tokens.tokens().length; i++) {
            if (i / bs < tokens.lengths()[i % bs]) {
                for (int k = 0; k < E; k++) {
                    x[i * E + k] = (float) weight[tokens.tokens()[i] * E + k];
                }
            }
        }
        return SequenceBatch.ofLabels(tokens.seqLength(), bs, E, tokens.outputSize(), x, tokens.lengths(),
                tokens.labels());
    }

    private static double[] floatRounded(double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = (float) v[i];
        }
        return r;
    }

    @Test
    void forwardAndGradientsEqualAModelFedTheGatheredRowsBitForBit() {
        SequenceBatch tokens = lmBatch(new int[] {1, 3, 3, 6, 2, 1, 4, 3, 6});
        for (CellType cell : CellType.values()) {
            RnnSpec spec = spec(cell, 2, true);
            try (SequenceModel plain = new SequenceModel(backend, spec, V, Objective.LANGUAGE_MODEL, 17);
                 SequenceModel emb = SequenceModel.withEmbedding(backend, new Embedding(V, E), spec, V,
                         Objective.LANGUAGE_MODEL, 17)) {
                for (String name : plain.parameterNames()) {
                    assertArrayEquals(plain.readParameter(name), emb.readParameter(name), 0,
                            name + ": the embedding is drawn after everything else");
                }
                // Float-representable rows, so the float x of the plain model holds exactly the same numbers.
                double[] w = floatRounded(emb.readParameter(EMBEDDING_WEIGHT));
                emb.writeParameter(EMBEDDING_WEIGHT, w);
                SequenceBatch x = gathered(tokens, w);
                assertEquals(plain.loss(x), emb.loss(tokens), 0, cell + " loss");
                assertArrayEquals(plain.predict(x), emb.predict(tokens), 0f, cell + " outputs");
                assertEquals(plain.forwardBackward(x, 3), emb.forwardBackward(tokens, 3), 0, cell + " training loss");
                for (String name : plain.parameterNames()) {
                    assertArrayEquals(plain.readGradient(name), emb.readGradient(name), 0, cell + " d" + name);
                }
                SequenceBatch viaHost = emb.embedInputs(tokens);
                assertArrayEquals(x.x(), viaHost.x(), 0f, "embedInputs gathers the same rows");
            }
        }
    }

    @ParameterizedTest(name = "{0} layers={1} bidirectional={2} inputDropout={3} layerNorm={4}")
    @CsvSource({
        "LSTM, 1, false, 0.0, false",
        "GRU,  1, false, 0.0, false",
        "LSTM, 2, true,  0.0, false",
        "GRU,  2, true,  0.0, false",
        "GRU,  1, false, 0.4, false",
        "LSTM, 2, false, 0.3, true",
    })
    void embeddingGradientsMatchFiniteDifferences(CellType cell, int layers, boolean bidirectional,
                                                  double inputDropout, boolean layerNorm) {
        // Repeated ids; the padding id 0 only at padded steps, where it, like the garbage id 5, counts for nothing.
        SequenceBatch tokens = lmBatch(new int[] {1, 3, 3, 6, 2, 1, 4, 3, 6});
        try (SequenceModel m = SequenceModel.withEmbedding(backend, new Embedding(V, E), spec(cell, layers,
                bidirectional), V, Objective.LANGUAGE_MODEL, 23, Init.DEFAULT, new Dropout(inputDropout, 0),
                new Stacking(false, layerNorm), null)) {
            perturbLayerNorms(m, new SplittableRandom(4));
            // A non-zero padding row, to show that padded steps never read it into the loss.
            double[] w = m.readParameter(EMBEDDING_WEIGHT);
            for (int k = 0; k < E; k++) {
                w[k] = 0.5 + k;
            }
            m.writeParameter(EMBEDDING_WEIGHT, w);
            m.forwardBackward(tokens, 7);
            double[][] analytic = gradients(m);
            double[] dw = m.readGradient(EMBEDDING_WEIGHT);
            for (int k = 0; k < E; k++) {
                assertEquals(0, dw[k], 0, "the padding row gets no gradient");
                assertEquals(0, dw[5 * E + k], 0, "id 5 occurs only at padded steps");
            }
            assertTrue(java.util.Arrays.stream(dw).anyMatch(v -> v != 0));
            assertGradients(m, analytic, mm -> mm.forwardBackward(tokens, 7));
        }
    }

    @Test
    void thePaddingIdAtAValidStepReadsItsRowButGetsNoGradient() {
        // PyTorch's padding_idx: the row is used as it is in the forward, and never updated.
        SequenceBatch tokens = lmBatch(new int[] {1, 0, 3, 0, 2});
        try (SequenceModel m = SequenceModel.withEmbedding(backend, new Embedding(V, E), spec(CellType.LSTM, 1,
                false), V, Objective.LANGUAGE_MODEL, 5)) {
            double[] w = m.readParameter(EMBEDDING_WEIGHT);
            for (int k = 0; k < E; k++) {
                assertEquals(0, w[k], 0, "the padding row starts at zero");
            }
            m.forwardBackward(tokens);
            double[] dw = m.readGradient(EMBEDDING_WEIGHT);
            for (int k = 0; k < E; k++) {
                assertEquals(0, dw[k], 0);
            }
            try (Optimizer opt = new Optimizer(m, Optimizer.Settings.adam(Optimizer.Kind.ADAM, 0.1, 0))) {
                opt.step();
            }
            double[] after = m.readParameter(EMBEDDING_WEIGHT);
            assertArrayEquals(new double[E], java.util.Arrays.copyOf(after, E), 0);
            assertNotEquals(w[E], after[E], "an ordinary row moves");
        }
        // Without a padding row every id at a valid step is trained, 0 included.
        try (SequenceModel m = SequenceModel.withEmbedding(backend, new Embedding(V, E, Embedding.NO_PADDING, false),
                spec(CellType.GRU, 1, false), V, Objective.LANGUAGE_MODEL, 5)) {
            assertNotEquals(0, m.readParameter(EMBEDDING_WEIGHT)[0]);
            m.forwardBackward(tokens);
            double[][] analytic = gradients(m);
            assertNotEquals(0, m.readGradient(EMBEDDING_WEIGHT)[0]);
            assertGradients(m, analytic, mm -> mm.forwardBackward(tokens, 0));
        }
    }

    @Test
    void aClassifierOnTokensChecksOutToo() {
        int[] lengths = {3, 1};
        int[] tokens = {2, 4, 2, 0, 6, 0};
        SequenceBatch b = SequenceBatch.ofTokens(3, 2, 3, tokens, lengths, new int[] {1, 2});
        try (SequenceModel m = SequenceModel.withEmbedding(backend, new Embedding(V, E), spec(CellType.GRU, 2, true),
                3, Objective.CLASSIFICATION, 9)) {
            m.forwardBackward(b);
            assertGradients(m, gradients(m), mm -> mm.forwardBackward(b, 0));
        }
        SequenceBatch r = SequenceBatch.ofTokens(3, 2, 2, tokens, lengths, new float[] {0.5f, -1, 0.25f, 2});
        try (SequenceModel m = SequenceModel.withEmbedding(backend, new Embedding(V, E), spec(CellType.LSTM, 1, false),
                2, Objective.REGRESSION, 9)) {
            m.forwardBackward(r);
            assertGradients(m, gradients(m), mm -> mm.forwardBackward(r, 0));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"SGD", "ADAM", "ADAMW", "RMSPROP", "ADAGRAD"})
    void aFrozenEmbeddingIsNeverUpdated(Optimizer.Kind kind) {
        SequenceBatch tokens = lmBatch(new int[] {1, 3, 3, 6, 2, 1, 4, 3, 6});
        Optimizer.Settings settings = switch (kind) {
            case SGD -> Optimizer.Settings.sgd(0.1, 0.9, 0.5);
            case ADAM, ADAMW -> Optimizer.Settings.adam(kind, 0.1, 0.5);
            case RMSPROP -> Optimizer.Settings.rmsprop(0.1, 0.99, 1e-8, 0.5, 0.9, true);
            case ADAGRAD -> Optimizer.Settings.adagrad(0.1, 0, 0.5, 1e-10, 0.1);
        };
        RnnSpec spec = spec(CellType.LSTM, 1, false);
        try (SequenceModel frozen = SequenceModel.withEmbedding(backend, new Embedding(V, E).withFrozen(true), spec,
                V, Objective.LANGUAGE_MODEL, 3);
             SequenceModel trained = SequenceModel.withEmbedding(backend, new Embedding(V, E), spec, V,
                     Objective.LANGUAGE_MODEL, 3);
             Optimizer opt = new Optimizer(frozen, settings);
             Penalties penalties = new Penalties(frozen, 0.01, 0.1, true)) {
            double[] before = frozen.readParameter(EMBEDDING_WEIGHT);
            double[] head = frozen.readParameter(SequenceModel.HEAD_WEIGHT);
            for (int step = 0; step < 3; step++) {
                assertEquals(trained.forwardBackward(tokens, step), frozen.forwardBackward(tokens, step), 0);
                assertArrayEquals(new double[V * E], frozen.readGradient(EMBEDDING_WEIGHT), 0, "no gradient");
                double sum = 0;
                for (String name : frozen.parameterNames()) {
                    if (!name.equals(EMBEDDING_WEIGHT)) {
                        assertArrayEquals(trained.readGradient(name), frozen.readGradient(name), 0, name);
                        for (double g : frozen.readGradient(name)) {
                            sum += g * g;
                        }
                    }
                }
                assertEquals(Math.sqrt(sum), frozen.gradientNorm(), 1e-12 * Math.sqrt(sum));
                assertTrue(trained.gradientNorm() > frozen.gradientNorm());
                penalties.addGradient();
                frozen.clipGradientNorm(0.01);
                frozen.clipGradientValue(1e-4);
                assertArrayEquals(new double[V * E], frozen.readGradient(EMBEDDING_WEIGHT), 0);
                opt.step();
                // Trained in sync: stop only the frozen one's weights from diverging from the other's data path.
                for (String name : frozen.parameterNames()) {
                    trained.writeParameter(name, frozen.readParameter(name));
                }
            }
            assertArrayEquals(before, frozen.readParameter(EMBEDDING_WEIGHT), 0, "bit-identical after " + kind
                    + " steps with weight decay");
            assertNotEquals(head[0], frozen.readParameter(SequenceModel.HEAD_WEIGHT)[0], "the rest trains");
            assertTrue(opt.exportState().keySet().stream().anyMatch(k -> k.endsWith("." + EMBEDDING_WEIGHT))
                    || settings.stateNames().isEmpty(), "the state keeps every parameter's entry for checkpoints");
        }
    }

    @Test
    void aTrainableEmbeddingIsPenalisedButNotItsPaddingRow() {
        try (SequenceModel m = SequenceModel.withEmbedding(backend, new Embedding(V, E), spec(CellType.GRU, 1, false),
                V, Objective.LANGUAGE_MODEL, 3); Penalties p = new Penalties(m, 0, 2, false)) {
            double[] w = m.readParameter(EMBEDDING_WEIGHT);
            w[0] = 10; // padding row
            m.writeParameter(EMBEDDING_WEIGHT, w);
            SequenceBatch tokens = lmBatch(new int[] {1, 2});
            m.forwardBackward(tokens);
            double[] g0 = m.readGradient(EMBEDDING_WEIGHT);
            p.addGradient();
            double[] g1 = m.readGradient(EMBEDDING_WEIGHT);
            assertEquals(g0[0], g1[0], 0, "padding row");
            assertEquals(g0[E] + 2 * w[E], g1[E], 1e-12);
        }
    }

    @Test
    void namesOrderShapesAndInitialisation() {
        RnnSpec spec = new RnnSpec(CellType.GRU, 20, 4, 2, true, DType.FLOAT64);
        Embedding e = new Embedding(50, 20, 3, false);
        try (SequenceModel plain = new SequenceModel(backend, spec, 5, Objective.CLASSIFICATION, 8, Init.DEFAULT,
                Dropout.NONE, new Stacking(false, true));
             SequenceModel m = SequenceModel.withEmbedding(backend, e, spec, 5, Objective.CLASSIFICATION, 8,
                     Init.DEFAULT, Dropout.NONE, new Stacking(false, true), null)) {
            List<String> expected = new ArrayList<>(List.of(EMBEDDING_WEIGHT));
            expected.addAll(plain.parameterNames());
            assertEquals(expected, m.parameterNames(), "embedding first, like PyTorch's state_dict");
            assertEquals(Shape.of(50, 20), m.parameterShape(EMBEDDING_WEIGHT));
            assertEquals(plain.parameterCount() + 50 * 20, m.parameterCount());
            long count = 0;
            for (String name : m.parameterNames()) {
                count += m.parameterShape(name).numel();
            }
            assertEquals(count, m.parameterCount());
            assertEquals(e, m.embedding().orElseThrow());
            assertTrue(plain.embedding().isEmpty());
            double[] w = m.readParameter(EMBEDDING_WEIGHT);
            double sum = 0;
            double sq = 0;
            for (int i = 0; i < w.length; i++) {
                if (i / 20 == 3) {
                    assertEquals(0, w[i], 0, "padding row");
                } else {
                    sum += w[i];
                    sq += w[i] * w[i];
                }
            }
            double mean = sum / 980;
            double std = Math.sqrt(sq / 980 - mean * mean);
            assertTrue(Math.abs(mean) < 0.1 && Math.abs(std - 1) < 0.1, "N(0, 1): mean " + mean + ", std " + std);
            // Layer norms keep their own groups: gains still start at 1.
            assertArrayEquals(plain.readParameter("layer_norms.1.weight"), m.readParameter("layer_norms.1.weight"),
                    0);
            // A non-finite embedding gradient is named.
            assertEquals(null, m.firstNonFiniteGradient());
        }
    }

    @Test
    void badInputsAreRefusedClearly() {
        RnnSpec spec = spec(CellType.LSTM, 1, false);
        IllegalArgumentException dim = assertThrows(IllegalArgumentException.class,
                () -> SequenceModel.withEmbedding(backend, new Embedding(V, E + 1), spec, V, Objective.LANGUAGE_MODEL,
                        1));
        assertTrue(dim.getMessage().contains("embedding dim " + (E + 1)), dim.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Embedding(V, E, V, false));
        assertThrows(IllegalArgumentException.class, () -> new Embedding(0, E));
        try (SequenceModel m = SequenceModel.withEmbedding(backend, new Embedding(V, E), spec, V,
                Objective.LANGUAGE_MODEL, 1);
             SequenceModel plain = new SequenceModel(backend, spec, V, Objective.LANGUAGE_MODEL, 1)) {
            SequenceBatch tooLarge = lmBatch(new int[] {1, 2, 3, 4, V});
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.loss(tooLarge));
            // The 5th valid id in (t, b) order: step 1, sequence 1, position 1*3 + 1.
            assertTrue(e.getMessage().contains("tokens[4] (step 1, sequence 1)")
                    && e.getMessage().contains("[0, " + V + ")") && e.getMessage().contains("got " + V),
                    e.getMessage());
            SequenceBatch negative = lmBatch(new int[] {1, -1});
            assertThrows(IllegalArgumentException.class, () -> m.forwardBackward(negative));
            SequenceBatch floats = gathered(lmBatch(new int[] {1, 2}), new double[V * E]);
            IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> m.predict(floats));
            assertTrue(x.getMessage().contains("token ids"), x.getMessage());
            IllegalArgumentException t = assertThrows(IllegalArgumentException.class,
                    () -> plain.loss(lmBatch(new int[] {1, 2})));
            assertTrue(t.getMessage().contains("no embedding layer"), t.getMessage());
        }
        assertThrows(IllegalArgumentException.class,
                () -> new SequenceBatch(1, 1, 1, 2, new float[1], new int[] {1}, null, new int[] {0}, new int[] {0}));
        assertThrows(IllegalArgumentException.class,
                () -> new SequenceBatch(1, 1, 2, 2, null, new int[] {1}, null, new int[] {0}, new int[] {0}));
        assertThrows(IllegalArgumentException.class,
                () -> SequenceBatch.ofTokens(2, 1, 2, new int[] {0}, new int[] {1}, new int[] {0}));
        SequenceBatch values = SequenceBatch.ofTokens(1, 1, 1, new int[] {0}, new int[] {1}, new float[] {1});
        IllegalStateException mse = assertThrows(IllegalStateException.class, values::lastValueMse);
        assertTrue(mse.getMessage().contains("token ids"), mse.getMessage());
    }

    @Test
    void safetensorsAndOptimizerStateRoundTrip(@TempDir Path dir) throws Exception {
        RnnSpec spec = spec(CellType.GRU, 1, false);
        SequenceBatch tokens = lmBatch(new int[] {1, 3, 3, 6});
        Path file = dir.resolve("model.safetensors");
        Map<String, HostTensor> state;
        try (SequenceModel m = SequenceModel.withEmbedding(backend, new Embedding(V, E), spec, V,
                Objective.LANGUAGE_MODEL, 1); Optimizer opt = new Optimizer(m,
                Optimizer.Settings.adam(Optimizer.Kind.ADAM, 0.01, 0))) {
            m.writeParameter(EMBEDDING_WEIGHT, floatRounded(m.readParameter(EMBEDDING_WEIGHT)));
            m.forwardBackward(tokens);
            opt.step();
            assertEquals(EMBEDDING_WEIGHT, ModelFiles.snapshot(m).keySet().iterator().next());
            SafeTensors.write(file, ModelFiles.snapshot(m));
            state = opt.exportState();
            assertTrue(state.containsKey("exp_avg." + EMBEDDING_WEIGHT));
            try (SequenceModel other = SequenceModel.withEmbedding(backend, new Embedding(V, E), spec, V,
                    Objective.LANGUAGE_MODEL, 2); Optimizer otherOpt = new Optimizer(other, opt.settings())) {
                ModelFiles.load(other, file);
                otherOpt.importState(state, opt.steps());
                for (String name : m.parameterNames()) {
                    assertArrayEquals(floatRounded(m.readParameter(name)), other.readParameter(name), 0, name);
                }
                assertArrayEquals(state.get("exp_avg." + EMBEDDING_WEIGHT).toDoubleArray(),
                        otherOpt.exportState().get("exp_avg." + EMBEDDING_WEIGHT).toDoubleArray(), 0);
            }
            try (SequenceModel plain = new SequenceModel(backend, spec, V, Objective.LANGUAGE_MODEL, 1)) {
                assertThrows(IllegalArgumentException.class, () -> ModelFiles.load(plain, file),
                        "a model without the embedding refuses its file");
            }
        }
    }

    @Test
    void stepwisePredictionAndGenerationReadTokens() {
        int[] ids = {2, 5, 5, 1, 3};
        try (SequenceModel m = SequenceModel.withEmbedding(backend, new Embedding(V, E), spec(CellType.LSTM, 2, false),
                V, Objective.LANGUAGE_MODEL, 4)) {
            float[] all = m.predict(SequenceBatch.ofTokens(ids.length, 1, V, ids, new int[] {ids.length},
                    new int[ids.length]));
            try (SequenceModel.State state = m.newState(1)) {
                int[] prefix = java.util.Arrays.copyOf(ids, 3);
                m.predictNext(SequenceBatch.ofTokens(3, 1, V, prefix, new int[] {3}, new int[3]), state);
                m.predictNext(SequenceBatch.ofTokens(1, 1, V, new int[] {ids[3]}, new int[] {1}, new int[1]), state);
                float[] last = m.predictNext(SequenceBatch.ofTokens(1, 1, V, new int[] {ids[4]}, new int[] {1},
                        new int[1]), state);
                assertArrayEquals(java.util.Arrays.copyOfRange(all, 4 * V, 5 * V), last, 1e-6f);
            }
            CharVocabulary vocab = CharVocabulary.build("abcdefg");
            assertEquals(V, vocab.size());
            String text = TextGenerator.generate(m, vocab, "abc", 5, 1.0, 0, 3);
            assertEquals(8, text.length());
            assertEquals(text, TextGenerator.generate(m, vocab, "abc", 5, 1.0, 0, 3));
        }
    }

    @Test
    void trainingToolsHandleTokenBatches() {
        SequenceBatch tokens = lmBatch(new int[] {1, 3, 3, 6, 2, 1, 4, 3, 6});
        SequenceBatch cut = Curriculum.truncate(tokens, 2);
        assertArrayEquals(new int[] {2, 2, 2}, cut.lengths());
        // The last two steps of each sequence: lengths 4, 2, 3 keep steps 2-3, 0-1, 1-2.
        assertArrayEquals(new int[] {tokens.tokens()[6], tokens.tokens()[1], tokens.tokens()[5],
            tokens.tokens()[9], tokens.tokens()[4], tokens.tokens()[8]}, cut.tokens());
        IllegalArgumentException noise = assertThrows(IllegalArgumentException.class,
                () -> InputNoise.apply(tokens, 0.1, 1, 1));
        assertTrue(noise.getMessage().contains("token ids"), noise.getMessage());
        try (SequenceModel m = SequenceModel.withEmbedding(backend, new Embedding(V, E), spec(CellType.GRU, 1, false),
                V, Objective.LANGUAGE_MODEL, 3); Optimizer opt = new Optimizer(m,
                Optimizer.Settings.sgd(0.1, 0, 0))) {
            HealthProbe probe = new HealthProbe(m, 2);
            assertTrue(probe.saturation(tokens).values().stream().allMatch(v -> v >= 0 && v <= 1));
            m.forwardBackward(tokens);
            assertTrue(probe.gradientNorms().get("grad_norm_embedding") > 0);
            Map<String, double[]> before = probe.snapshot();
            opt.step();
            assertTrue(probe.updateRatios(before).get("update_ratio_embedding") > 0);
        }
    }
}
