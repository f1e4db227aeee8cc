package dev.gated.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.cpu.CpuBackend;
import dev.gated.engine.backend.DType;
import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.model.Dropout;
import dev.gated.engine.model.Init;
import dev.gated.engine.model.Objective;
import dev.gated.engine.model.SequenceModel;
import dev.gated.engine.model.Stacking;
import dev.gated.engine.rnn.CellType;
import dev.gated.engine.rnn.RnnSpec;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Stacked layers with every option on (between-layer dropout, residual, layer norm) on the CPU backend in float64:
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
        float[] x = new float[seq * 3 * 2];
        for (int t = 0; t < seq; t++) {
            for (int b = 0; b < 3; b++) {
                for (int i = 0; i < 2; i++) {
                    x[(t * 3 + b) * 2 + i] = t < lengths[b] ? (float) rnd.nextDouble(-1, 1) : 0f;
                }
            }
        }
        SequenceBatch batch = new SequenceBatch(seq, 3, 2, 2, x, lengths, new float[] {0.5f, -0.2f, 0.1f, 0.3f, -1,
                0.7f});
        RnnSpec spec = new RnnSpec(cell, 2, 3, 2, true, DType.FLOAT64);
        try (CpuBackend cpu = new CpuBackend(2);
             SequenceModel m = new SequenceModel(cpu, spec, 2, Objective.REGRESSION, 8, Init.DEFAULT,
                     new Dropout(0.1, 0.1, 0.3), new Stacking(true, true))) {
            for (String name : m.parameterNames()) {
                if (name.startsWith(SequenceModel.LAYER_NORM_PREFIX)) {
                    double[] v = m.readParameter(name);
                    for (int i = 0; i < v.length; i++) {
                        v[i] += rnd.nextDouble(-0.5, 0.5);
                    }
                    m.writeParameter(name, v);
                }
            }
            m.forwardBackward(batch, 3);
            // Small eps: the error here shrinks linearly with eps (see above) down to rounding at about 1e-8.
            double eps = 1e-7;
            for (String name : m.parameterNames()) {
                double[] analytic = m.readGradient(name);
                double[] theta = m.readParameter(name);
                double scale = 1e-3;
                double err = 0;
                for (int i = 0; i < theta.length; i++) {
                    double keep = theta[i];
                    theta[i] = keep + eps;
                    m.writeParameter(name, theta);
                    double plus = m.forwardBackward(batch, 3);
                    theta[i] = keep - eps;
                    m.writeParameter(name, theta);
                    double minus = m.forwardBackward(batch, 3);
                    theta[i] = keep;
                    m.writeParameter(name, theta);
                    double numeric = (plus - minus) / (2 * eps);
                    scale = Math.max(scale, Math.abs(numeric));
                    err = Math.max(err, Math.abs(analytic[i] - numeric));
                }
                assertTrue(err / scale < 1e-5, name + ": max |analytic - numeric| " + err + " vs " + scale);
            }
        }
    }
}
