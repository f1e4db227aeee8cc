package dev.gated.engine.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gated.engine.conformance.ReferenceBackend;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The exact messages of the shared op checks (both real backends throw them, and users read them) and the sizes the
 * checks hand back to the backends. The conformance suite checks the same calls through every backend, by token.
 */
class OpChecksTest {
    private final Backend be = new ReferenceBackend();

    @AfterEach
    void close() {
        be.close();
    }

    private Tensor f(int... dims) {
        return be.allocate(DType.FLOAT32, Shape.of(dims));
    }

    private static void fails(String message, Executable call) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, call).getMessage());
    }

    @Test
    void gemmReturnsTheSizesOfTheProductAfterTransposition() {
        assertEquals(new OpChecks.GemmDims(2, 5, 3), OpChecks.gemm(false, false, f(2, 3), f(3, 5), f(2, 5)));
        assertEquals(new OpChecks.GemmDims(2, 5, 3), OpChecks.gemm(true, true, f(3, 2), f(5, 3), f(2, 5)));
    }

    @Test
    void gemmNamesBothOperandsWhenInnerDimensionsDiffer() {
        fails("b: op(a) is [2, 3] (a [3, 2] transposed) so op(b) needs 3 rows, got op(b) [4, 5] (b [5, 4] transposed): "
                + "inner dimensions 3 and 4 differ", () -> OpChecks.gemm(true, true, f(3, 2), f(5, 4), f(2, 5)));
        fails("c: expected shape [2, 5], got [5, 2]", () -> OpChecks.gemm(false, true, f(2, 3), f(5, 3), f(5, 2)));
        fails("a: expected a rank-2 tensor, got shape [2, 3, 1]",
                () -> OpChecks.gemm(false, false, f(2, 3, 1), f(3, 2), f(2, 2)));
    }

    @Test
    void rowIndexingChecksCountsRangesAndRowLengths() {
        assertEquals(3, OpChecks.gatherRows(f(5, 3), new int[] {4, 0}, f(2, 3)));
        assertEquals(3, OpChecks.scatterAddRows(f(2, 3), new int[] {4, 0}, f(5, 3)));
        fails("rows[1]: expected a row index in [0, 5) (src [5, 3] has 5 rows), got 5",
                () -> OpChecks.gatherRows(f(5, 3), new int[] {0, 5}, f(2, 3)));
        fails("dst: expected 2 rows (one per entry of rows, rows.length = 2), got 3 rows in shape [3, 3]",
                () -> OpChecks.gatherRows(f(5, 3), new int[] {0, 1}, f(3, 3)));
        fails("src: expected rows of 3 elements (the last axis of dst [5, 3]), got shape [2, 4] with rows of 4",
                () -> OpChecks.scatterAddRows(f(2, 4), new int[] {0, 1}, f(5, 3)));
        fails("rows: required argument is missing (null)", () -> OpChecks.gatherRows(f(5, 3), null, f(2, 3)));
    }

    @Test
    void rowVectorsMatchTheLastAxis() {
        fails("v: expected a vector of x's last axis length 3 (x is [4, 3]), got 4 elements [4]",
                () -> OpChecks.addRowVector(f(4, 3), f(4)));
        fails("x: expected a tensor of rank >= 1, got shape []", () -> OpChecks.sumRows(f(), f(1)));
    }

    @Test
    void lossesNeedDataAndOneLabelPerRow() {
        assertEquals(4, OpChecks.softmaxCrossEntropy(f(2, 4), new int[] {3, 0}, f(2, 4)));
        fails("labels[1]: expected a class in [0, 4) (logits [2, 4]), got 4",
                () -> OpChecks.softmaxCrossEntropy(f(2, 4), new int[] {1, 4}, null));
        fails("labels: expected 4 labels (one per row of logits [2, 2, 4]), got 3",
                () -> OpChecks.softmaxCrossEntropy(f(2, 2, 4), new int[] {0, 1, 2}, null));
        fails("logits: expected at least one row and one class, got shape [2, 0]",
                () -> OpChecks.softmaxCrossEntropy(f(2, 0), new int[] {0, 0}, null));
        fails("pred: expected at least one element, got shape [0, 3]", () -> OpChecks.mseLoss(f(0, 3), f(0, 3), null));
        fails("dPred: expected the shape of pred [2, 3], got [6]", () -> OpChecks.mseLoss(f(2, 3), f(2, 3), f(6)));
    }

    @Test
    void optimizerStepsCheckStateStepAndConfig() {
        SgdConfig momentum = new SgdConfig(0.1, 0.9, 0, 0, false);
        OpChecks.sgdStep(f(3), f(3), null, SgdConfig.plain(0.1), 1); // no buffer needed without momentum
        fails("momentumBuffer: required when momentum > 0 (momentum=0.9), got null",
                () -> OpChecks.sgdStep(f(3), f(3), null, momentum, 1));
        fails("momentumBuffer: expected the shape of param [3], got [4]",
                () -> OpChecks.sgdStep(f(3), f(3), f(4), SgdConfig.plain(0.1), 1));
        fails("step: expected >= 1 (steps count from 1), got 0",
                () -> OpChecks.adamStep(f(3), f(3), f(3), f(3), AdamConfig.defaults(0.01), 0));
        fails("config: required argument is missing (null)", () -> OpChecks.adamStep(f(3), f(3), f(3), f(3), null, 1));
        fails("p: expected a value in [0.0, 1.0), got 1.0", () -> OpChecks.dropout(f(3), f(3), 1.0));
    }

    @Test
    void rmspropAndAdagradNeedTheirStateWhenTheConfigUsesIt() {
        RmspropConfig plain = new RmspropConfig(0.01, 0.99, 1e-8, 0, 0, false);
        RmspropConfig full = new RmspropConfig(0.01, 0.99, 1e-8, 0, 0.9, true);
        OpChecks.rmspropStep(f(3), f(3), f(3), null, null, plain, 1); // neither buffer used
        OpChecks.rmspropStep(f(3), f(3), f(3), f(3), f(3), full, 1);
        fails("momentumBuffer: required when momentum > 0 (momentum=0.9), got null",
                () -> OpChecks.rmspropStep(f(3), f(3), f(3), null, f(3), full, 1));
        fails("gradAvg: required when centered, got null",
                () -> OpChecks.rmspropStep(f(3), f(3), f(3), f(3), null, full, 1));
        fails("gradAvg: expected the shape of param [3], got [2]", // given but unused: still checked
                () -> OpChecks.rmspropStep(f(3), f(3), f(3), null, f(2), plain, 1));
        fails("squareAvg: expected the shape of param [3], got [4]",
                () -> OpChecks.rmspropStep(f(3), f(3), f(4), null, null, plain, 1));
        fails("config: required argument is missing (null)",
                () -> OpChecks.rmspropStep(f(3), f(3), f(3), null, null, null, 1));
        AdagradConfig adagrad = new AdagradConfig(0.01, 0, 0, 1e-10, 0);
        fails("stateSum: expected the shape of param [3], got [1]",
                () -> OpChecks.adagradStep(f(3), f(3), f(1), adagrad, 1));
        fails("step: expected >= 1 (steps count from 1), got -1",
                () -> OpChecks.adagradStep(f(3), f(3), f(3), adagrad, -1));
    }

    @Test
    void stateBuffersMustNotShareStorage() {
        // Strings as "tensors": equal text stands for shared storage, so every pair the check compares shows.
        BiPredicate<String, String> shares = String::equals;
        String[] names = {"squareAvg", "momentumBuffer", "gradAvg"};
        OpChecks.separateState(shares, "p", "g", names, "s", null, "a");
        fails("momentumBuffer: must not share storage with param or grad",
                () -> OpChecks.separateState(shares, "p", "g", names, "s", "g", "a"));
        fails("squareAvg: must not share storage with param or grad",
                () -> OpChecks.separateState(shares, "p", "g", names, "p", null, null));
        fails("squareAvg, gradAvg: must be separate buffers, not sharing storage",
                () -> OpChecks.separateState(shares, "p", "g", names, "s", null, "s"));
        fails("momentumBuffer, gradAvg: must be separate buffers, not sharing storage",
                () -> OpChecks.separateState(shares, "p", "g", names, "s", "b", "b"));
        fails("names: expected one per state buffer (1), got 3",
                () -> OpChecks.separateState(shares, "p", "g", names, "s"));
    }

    @Test
    void memoryChecks() {
        fails("data: expected 2 elements, got 3", () -> OpChecks.upload(new float[3], Shape.of(2), DType.FLOAT32));
        fails("dtype: required argument is missing (null)", () -> OpChecks.upload(new double[2], Shape.of(2), null));
        fails("dst: expected dtype float32, got float64",
                () -> OpChecks.copy(f(3), be.allocate(DType.FLOAT64, Shape.of(3))));
    }
}
