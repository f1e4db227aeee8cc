package dev.gated.engine.model;

import static dev.gated.engine.model.ModelGradientCheck.assertGradients;
import static dev.gated.engine.model.ModelGradientCheck.gradients;
import static dev.gated.engine.model.ModelGradientCheck.perturbLayerNorms;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.DType;
import dev.gated.engine.conformance.ReferenceBackend;
import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.io.HostTensor;
import dev.gated.engine.rnn.CellType;
import dev.gated.engine.rnn.RnnSpec;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link StatefulStreams} on the float64 reference backend: a chunk's gradients are those of its loss with the
 * carried state a constant (finite differences), chunks with a carried state compute what one pass over the whole
 * sequence computes, and the state survives export and restore.
 */
class StatefulStreamsTest {
    static final int V = LmBatches.V;
    static final int INPUT = LmBatches.INPUT;

    static SequenceModel model(Backend backend, CellType cell, int layers, boolean stacked, Dropout dropout) {
        RnnSpec spec = new RnnSpec(cell, INPUT, 3, layers, false, DType.FLOAT64);
        return new SequenceModel(backend, spec, V, Objective.LANGUAGE_MODEL, 11, Init.DEFAULT, dropout,
                new Stacking(stacked, stacked));
    }

    @ParameterizedTest(name = "{0}, {1} layers, stacked {2}")
    @CsvSource({"LSTM, 1, false", "GRU, 1, false", "LSTM, 2, false", "GRU, 2, true", "LSTM, 2, true"})
    void aChunksGradientIsThatOfItsLossWithTheCarriedStateConstant(CellType cell, int layers, boolean stacked) {
        SequenceBatch first = LmBatches.random(4, 2, 1);
        SequenceBatch chunk = LmBatches.random(3, 2, 2);
        try (ReferenceBackend ref = new ReferenceBackend();
             SequenceModel m = model(ref, cell, layers, stacked, Dropout.NONE);
             StatefulStreams s = new StatefulStreams(m, 2)) {
            perturbLayerNorms(m, new SplittableRandom(3));
            s.advance(first);
            Map<String, HostTensor> carried = s.export();
            assertTrue(Arrays.stream(carried.get("h.0").toDoubleArray()).anyMatch(v -> v != 0), "a non-zero state");
            s.forwardBackward(chunk, 0);
            double[][] analytic = gradients(m);
            assertGradients(m, analytic, mm -> {
                s.restore(carried, "test");
                return s.evaluate(chunk).loss();
            });
            // The state matters: from zeros the same chunk has other gradients.
            s.reset();
            s.forwardBackward(chunk, 0);
            assertNotEquals(Arrays.deepToString(analytic), Arrays.deepToString(gradients(m)));
        }
    }

    @ParameterizedTest(name = "{0}, {1} layers, stacked {2}")
    @CsvSource({"LSTM, 2, false", "GRU, 2, true", "GRU, 1, false"})
    void chunksWithACarriedStateComputeWhatOnePassComputes(CellType cell, int layers, boolean stacked) {
        SequenceBatch whole = LmBatches.random(9, 3, 5);
        try (ReferenceBackend ref = new ReferenceBackend();
             SequenceModel m = model(ref, cell, layers, stacked, Dropout.NONE);
             StatefulStreams s = new StatefulStreams(m, 3)) {
            perturbLayerNorms(m, new SplittableRandom(6));
            SequenceModel.Evaluation all = m.evaluate(whole);
            // Outputs are in (t, b) order: the chunks' outputs, one after the other, are the whole pass's.
            float[] chunked = new float[all.outputs().length];
            double lossSum = 0;
            int at = 0;
            for (int[] c : new int[][] {{0, 4}, {4, 5}, {5, 9}}) {
                SequenceModel.Evaluation e = s.evaluate(LmBatches.slice(whole, c[0], c[1]));
                System.arraycopy(e.outputs(), 0, chunked, at, e.outputs().length);
                at += e.outputs().length;
                lossSum += e.loss() * e.rows();
            }
            assertEquals(all.outputs().length, at);
            assertArrayEquals(all.outputs(), chunked, 1e-6f);
            assertEquals(all.loss(), lossSum / all.rows(), 1e-12);
            // advance() moves the state exactly as a scored pass does.
            s.reset();
            s.advance(LmBatches.slice(whole, 0, 5));
            SequenceModel.Evaluation tail = s.evaluate(LmBatches.slice(whole, 5, 9));
            assertArrayEquals(Arrays.copyOfRange(all.outputs(), 5 * 3 * V, 9 * 3 * V), tail.outputs(), 1e-6f);
        }
    }

    @Test
    void aWholeSequenceChunkFromZerosIsAnOrdinaryTrainingPass() {
        SequenceBatch batch = LmBatches.random(6, 2, 7);
        try (ReferenceBackend ref = new ReferenceBackend();
             SequenceModel m = model(ref, CellType.LSTM, 2, true, new Dropout(0, 0.2, 0.3));
             StatefulStreams s = new StatefulStreams(m, 2)) {
            double plain = m.forwardBackward(batch, 4);
            double[][] expected = gradients(m);
            double stateful = s.forwardBackward(batch, 4);
            assertEquals(plain, stateful);
            assertArrayEquals(expected, gradients(m));
        }
    }

    @Test
    void theStateSurvivesExportAndRestore() {
        try (ReferenceBackend ref = new ReferenceBackend();
             SequenceModel m = model(ref, CellType.LSTM, 2, false, Dropout.NONE);
             StatefulStreams s = new StatefulStreams(m, 2)) {
            s.advance(LmBatches.random(5, 2, 8));
            Map<String, HostTensor> saved = s.export();
            assertEquals(java.util.List.of("h.0", "c.0"), java.util.List.copyOf(saved.keySet()));
            float[] next = s.evaluate(LmBatches.random(2, 2, 9)).outputs();
            s.reset();
            s.restore(saved, "test");
            assertArrayEquals(next, s.evaluate(LmBatches.random(2, 2, 9)).outputs());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> s.restore(Map.of("h.0", saved.get("h.0")), "ckpt.safetensors"));
            assertTrue(e.getMessage().contains("ckpt.safetensors: carried state 'c.0'"), e.getMessage());
        }
    }

    @Test
    void aBidirectionalModelAndRaggedBatchesAreRefused() {
        try (ReferenceBackend ref = new ReferenceBackend();
             SequenceModel bi = new SequenceModel(ref, new RnnSpec(CellType.GRU, INPUT, 3, 1, true, DType.FLOAT64),
                     V, Objective.LANGUAGE_MODEL, 1);
             SequenceModel m = model(ref, CellType.GRU, 1, false, Dropout.NONE);
             StatefulStreams s = new StatefulStreams(m, 2)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new StatefulStreams(bi, 2));
            assertTrue(e.getMessage().contains("training.tbptt") && e.getMessage().contains("bidirectional"),
                    e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> s.evaluate(LmBatches.random(3, 3, 1)));
            SequenceBatch b = LmBatches.random(3, 2, 1);
            SequenceBatch ragged = SequenceBatch.ofLabels(3, 2, INPUT, V, b.x(), new int[] {3, 2}, b.labels());
            assertThrows(IllegalArgumentException.class, () -> s.forwardBackward(ragged, 0));
        }
    }
}
