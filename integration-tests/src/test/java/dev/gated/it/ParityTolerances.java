package dev.gated.it;

import dev.gated.engine.backend.DType;

/**
 * How far two backends may differ when they run the same thing; see the table in {@link BackendParity}. Every
 * number is a max-norm relative error per tensor, max|a - b| / max(1, max|b|) with b the reference side, except
 * {@code trainingLoss}, which is relative to the reference loss, |a - b| / |b|.
 *
 * @param op            every host-visible result of a non-RNN op case (downloads, sums, losses)
 * @param rnnForward    y, hy, cy of an RNN case
 * @param rnnGradient   dx, dhx, dcx and every canonical weight gradient of an RNN case
 * @param trainingLoss  every step's loss of a whole training run
 * @param trainingWeights every parameter after a whole training run (or a resumed one)
 */
record ParityTolerances(double op, double rnnForward, double rnnGradient, double trainingLoss,
                        double trainingWeights) {

    /** The tolerances for a pair of backends: float32 ones when either side computes in float32. */
    static ParityTolerances forPair(DType a, DType b) {
        return a == DType.FLOAT32 || b == DType.FLOAT32 ? FLOAT32 : FLOAT64;
    }

    /**
     * float32: the conformance suite allows each float32 backend 1e-5 (forward) and 1e-4 (gradients) from the
     * float64 truth, so two of them may be twice that apart. Whole runs: CPU float32 against the float64
     * reference, on exactly these runs, differs by at most 1.2e-6 (loss) and 1.1e-6 (weights) after 120 steps; two
     * float32 backends are each that far from the truth, and 2e-4 leaves a margin of ~80x over the sum.
     */
    static final ParityTolerances FLOAT32 = new ParityTolerances(2e-5, 2e-5, 2e-4, 2e-4, 2e-4);

    /**
     * float64: both sides compute the same formulas analytically (no finite differences involved), so they agree
     * up to reassociation: about 1e-15 per op; CPU against the reference backend after 120 training steps:
     * 5e-15 (weights), 3e-15 (loss).
     */
    static final ParityTolerances FLOAT64 = new ParityTolerances(1e-12, 1e-12, 1e-11, 1e-9, 1e-9);
}
