package dev.gated.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.cpu.CpuBackend;
import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.DType;
import dev.gated.engine.model.Optimizer;
import dev.gated.engine.rnn.CellType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parity suite's comparisons catch what they should: they are what stands between a GPU bug and a pass. */
class ParityComparisonTest {
    private static List<String> compare(double[] expected, double[] actual, double tol) {
        List<String> failures = new ArrayList<>();
        BackendParity.compare(failures, "t", expected, actual, tol);
        return failures;
    }

    @Test
    void maxNormErrorRelativeToTheLargerOfOneAndTheExpectedMaximum() {
        assertEquals(0.5 / 4, BackendParity.error(new double[] {4, 1}, new double[] {4, 1.5}), 1e-15);
        assertEquals(0.25, BackendParity.error(new double[] {0.1, 0.2}, new double[] {0.1, 0.45}), 1e-15);
        assertEquals(0, BackendParity.error(new double[] {Double.NaN, 1}, new double[] {Double.NaN, 1}));
        assertEquals(Double.POSITIVE_INFINITY, BackendParity.error(new double[] {0, 1}, new double[] {Double.NaN, 1}));
        assertEquals(Double.POSITIVE_INFINITY,
                BackendParity.error(new double[] {1, 1}, new double[] {Double.POSITIVE_INFINITY, 1}));
    }

    @Test
    void reportsEveryKindOfMismatch() {
        assertTrue(compare(new double[] {1, 2}, new double[] {1, 2 + 1e-6}, 1e-5).isEmpty());
        List<String> f = compare(new double[] {1, 2}, new double[] {1, 2 + 1e-3}, 1e-5);
        assertEquals(1, f.size());
        assertTrue(f.get(0).contains("worst at element 1: expected 2.0, got 2.001"), f.get(0));
        assertTrue(compare(new double[] {1, 2}, new double[] {1}, 1).get(0).contains("2 elements expected, got 1"));
        assertTrue(compare(null, new double[] {1}, 1).get(0).contains("present on one side only"));
        assertTrue(compare(new double[] {1}, new double[] {Double.NaN}, 1).get(0).contains("got NaN"));
        assertTrue(compare(null, null, 0).isEmpty());
    }

    /** Two runs that differ only in the learning rate by 1% are told apart by the training tolerances. */
    @Test
    void theTrainingToleranceSeparatesSlightlyDifferentRuns() {
        ParityTraining.Config c = ParityTraining.adam(CellType.GRU);
        ParityTraining.Config other = new ParityTraining.Config(c.cell(),
                Optimizer.Settings.adam(Optimizer.Kind.ADAM, c.optimizer().lr() * 1.01, 0), c.clip(), 40);
        ParityTraining.Config same = new ParityTraining.Config(c.cell(), c.optimizer(), c.clip(), 40);
        try (Backend be = new CpuBackend(2)) {
            ParityTraining.Outcome a = ParityTraining.run(be, DType.FLOAT32, same);
            ParityTraining.Outcome b = ParityTraining.run(be, DType.FLOAT32, other);
            double err = BackendParity.maxWeightError(a, b);
            assertTrue(err > ParityTolerances.FLOAT32.trainingWeights(), "a 1% different learning rate gives a "
                    + "weight error of only " + err);
            assertEquals(0, BackendParity.maxWeightError(a, ParityTraining.run(be, DType.FLOAT32, same)),
                    "the same run twice on the CPU");
        }
    }
}
