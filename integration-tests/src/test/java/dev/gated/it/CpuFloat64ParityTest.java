package dev.gated.it;

import dev.gated.cpu.CpuBackend;
import dev.gated.engine.backend.DType;
import dev.gated.engine.conformance.ReferenceBackend;

/**
 * The parity harness on two float64 backends (CPU against the reference backend), so the float64 tolerances that
 * {@link GpuFloat64ParityTest} uses are shown to hold between two independent analytic implementations.
 */
class CpuFloat64ParityTest extends BackendParity {
    @Override
    protected ParitySide reference() {
        return new ParitySide("reference float64", ReferenceBackend::new, DType.FLOAT64);
    }

    @Override
    protected ParitySide candidate() {
        return new ParitySide("cpu float64", () -> new CpuBackend(2), DType.FLOAT64);
    }
}
