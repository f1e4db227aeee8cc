package dev.gated.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.cpu.CpuBackend;
import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.DType;
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
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * CPU↔GPU parity of stacked layers run separately (between-layer dropout, residual, layer norm), float32: the
 * same loss, gradients and predictions within float32 rounding, with the same dropout masks on both. Skipped,
 * with the probes' reason, when no GPU backend is usable.
 */
@ExtendWith(RequiresUsableGpu.class)
class StackedLayersGpuParityTest {
    private static SequenceBatch batch(int seq, int input, int[] lengths, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int b = lengths.length;
        float[] x = RandomBatches.inputs(rnd, seq, input, lengths);
        int[] labels = new int[b];
        for (int i = 0; i < b; i++) {
            labels[i] = rnd.nextInt(3);
        }
        return SequenceBatch.ofLabels(seq, b, input, 3, x, lengths.clone(), labels);
    }

    private static SequenceModel model(Backend backend, CellType cell, boolean bidirectional, Dropout dropout,
                                       Stacking stacking) {
        RnnSpec spec = new RnnSpec(cell, 5, 16, 3, bidirectional, DType.FLOAT32);
        return new SequenceModel(backend, spec, 3, Objective.CLASSIFICATION, 4, Init.DEFAULT, dropout, stacking);
    }

    @ParameterizedTest(name = "{0} bidirectional={1} between={2} residual={3} layerNorm={4}")
    @CsvSource({
        "LSTM, false, 0.3, false, false",
        "GRU,  true,  0.0, true,  false",
        "LSTM, true,  0.0, false, true",
        "GRU,  false, 0.2, true,  true",
    })
    void gpuMatchesCpu(CellType cell, boolean bidirectional, double between, boolean residual, boolean layerNorm) {
        SequenceBatch b = batch(20, 5, new int[] {20, 7, 13, 1, 20, 16}, 3);
        Dropout dropout = new Dropout(0, 0, between);
        Stacking stacking = new Stacking(residual, layerNorm);
        try (Backend gpu = GpuConformanceTest.usableGpuOrSkip(getClass());
             CpuBackend cpu = new CpuBackend(2);
             SequenceModel mc = model(cpu, cell, bidirectional, dropout, stacking);
             SequenceModel mg = model(gpu, cell, bidirectional, dropout, stacking)) {
            double lc = mc.forwardBackward(b, 9);
            double lg = mg.forwardBackward(b, 9);
            assertEquals(lc, lg, 1e-5 * Math.max(1, Math.abs(lc)), "loss");
            for (String name : mc.parameterNames()) {
                double[] gc = mc.readGradient(name);
                double[] gg = mg.readGradient(name);
                double scale = 1e-3;
                double err = 0;
                for (int i = 0; i < gc.length; i++) {
                    scale = Math.max(scale, Math.abs(gc[i]));
                    err = Math.max(err, Math.abs(gc[i] - gg[i]));
                }
                assertTrue(err / scale < 1e-4, name + ": max |cpu - gpu| " + err + " vs " + scale);
            }
            float[] pc = mc.predict(b);
            float[] pg = mg.predict(b);
            for (int i = 0; i < pc.length; i++) {
                assertEquals(pc[i], pg[i], 1e-4 * Math.max(1, Math.abs(pc[i])), "prediction " + i);
            }
        }
    }
}
