package dev.gated.it;

import static dev.gated.engine.model.ModelGradientCheck.assertGradients;
import static dev.gated.engine.model.ModelGradientCheck.gradients;
import static dev.gated.engine.model.ModelGradientCheck.perturbLayerNorms;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gated.cpu.CpuBackend;
import dev.gated.engine.backend.DType;
import dev.gated.engine.conformance.ReferenceBackend;
import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.model.Dropout;
import dev.gated.engine.model.Init;
import dev.gated.engine.model.Objective;
import dev.gated.engine.model.RandomBatches;
import dev.gated.engine.model.SequenceModel;
import dev.gated.engine.model.Stacking;
import dev.gated.engine.rnn.CellType;
import dev.gated.engine.rnn.RnnSpec;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Stacked layers with every option on (between-layer dropout, residual, layer or batch norm) on the CPU backend in float64:
 * gradients match central finite differences of the loss with the same step's masks (the engine's
 * {@code LayerStackTest} checks each option on the reference backend; this checks the CPU kernels, in-place
 * element-wise calls included). Tolerance 1e-5 relative, not the reference's 1e-6: on this backend the central
 * difference error of a stacked bidirectional model grows linearly with eps even with every option off (measured
 * 5.5e-6 at eps 1e-5, 5e-7 at 1e-6 for a plain 3-layer LSTM; 1.5e-5 at 1e-6 and 1.6e-6 at 1e-7 for a 3-layer GRU
 * with every option on), so the loss is not smooth to the last bits; a wrong
 * term in a backward pass gives errors of order 1e-1.
 */
class StackedLayersCpuTest {
    @ParameterizedTest
    @EnumSource(CellType.class)
    void gradientsMatchFiniteDifferencesWithEveryOptionOn(CellType cell) {
        SplittableRandom rnd = new SplittableRandom(2);
        int seq = 5;
        int[] lengths = {5, 2, 4};
        float[] x = RandomBatches.inputs(rnd, seq, 2, lengths);
        SequenceBatch batch = new SequenceBatch(seq, 3, 2, 2, x, lengths, new float[] {0.5f, -0.2f, 0.1f, 0.3f, -1,
                0.7f});
        RnnSpec spec = new RnnSpec(cell, 2, 3, 2, true, DType.FLOAT64);
        try (CpuBackend cpu = new CpuBackend(2);
             SequenceModel m = new SequenceModel(cpu, spec, 2, Objective.REGRESSION, 8, Init.DEFAULT,
                     new Dropout(0.1, 0.1, 0.3), new Stacking(true, true))) {
            perturbLayerNorms(m, rnd);
            m.forwardBackward(batch, 3);
            // Small eps: the error here shrinks linearly with eps (see above) down to rounding at about 1e-8.
            assertGradients(m, gradients(m), mm -> mm.forwardBackward(batch, 3), 1e-7, 1e-5);
        }
    }
    /**
     * Batch norm between the layers and on the inputs (with residuals and every dropout) on the CPU backend in
     * float64, against finite differences, then against the reference backend: the same seed gives the same
     * training loss, gradients, running statistics and evaluation loss.
     */
    @ParameterizedTest
    @EnumSource(CellType.class)
    void batchNormMatchesFiniteDifferencesAndTheReferenceBackend(CellType cell) {
        SplittableRandom rnd = new SplittableRandom(4);
        int seq = 5;
        int[] lengths = {5, 2, 4};
        float[] x = RandomBatches.inputs(rnd, seq, 2, lengths);
        SequenceBatch batch = new SequenceBatch(seq, 3, 2, 2, x, lengths, new float[] {0.5f, -0.2f, 0.1f, 0.3f, -1,
                0.7f});
        RnnSpec spec = new RnnSpec(cell, 2, 3, 2, true, DType.FLOAT64);
        Stacking bn = new Stacking(true, Stacking.Norm.BATCH, true);
        try (CpuBackend cpu = new CpuBackend(2);
             ReferenceBackend ref = new ReferenceBackend();
             SequenceModel m = new SequenceModel(cpu, spec, 2, Objective.REGRESSION, 8, Init.DEFAULT,
                     new Dropout(0.1, 0.1, 0.3), bn);
             SequenceModel r = new SequenceModel(ref, spec, 2, Objective.REGRESSION, 8, Init.DEFAULT,
                     new Dropout(0.1, 0.1, 0.3), bn)) {
            double lossCpu = m.forwardBackward(batch, 3);
            double lossRef = r.forwardBackward(batch, 3);
            assertEquals(lossRef, lossCpu, 1e-12 * Math.max(1, Math.abs(lossRef)), "training loss");
            double[][] gc = gradients(m);
            double[][] gr = gradients(r);
            for (int p = 0; p < gc.length; p++) {
                assertArrayEquals(gr[p], gc[p], 1e-10, m.parameterNames().get(p));
            }
            for (String name : m.bufferNames()) {
                assertArrayEquals(r.readBuffer(name).toDoubleArray(), m.readBuffer(name).toDoubleArray(), 1e-6, name);
            }
            assertEquals(r.loss(batch), m.loss(batch), 1e-6, "evaluation loss with the running statistics");
            assertGradients(m, gc, mm -> mm.forwardBackward(batch, 3), 1e-7, 1e-5);
        }
    }
}
