package dev.gated.it;

import dev.gated.cpu.CpuBackend;
import dev.gated.engine.backend.DType;
import dev.gated.engine.conformance.ReferenceBackend;

/**
 * The parity harness without a GPU: CPU float32 against the engine's float64 reference backend (plain loops),
 * with the float32 tolerances the GPU pair uses. It runs on every build, so the comparison code itself is
 * exercised and a broken tolerance or comparison shows here first.
 */
class CpuParityTest extends BackendParity {
    @Override
    protected ParitySide reference() {
        return new ParitySide("reference float64", ReferenceBackend::new, DType.FLOAT64);
    }

    @Override
    protected ParitySide candidate() {
        return new ParitySide("cpu float32", () -> new CpuBackend(2), DType.FLOAT32);
    }
}
