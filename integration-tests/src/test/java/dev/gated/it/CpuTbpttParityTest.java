package dev.gated.it;

import dev.gated.cpu.CpuBackend;
import dev.gated.engine.backend.DType;
import dev.gated.engine.conformance.ReferenceBackend;

/** The tbptt parity runs ({@link TbpttParity}) without a GPU: CPU float32 against the float64 reference backend. */
class CpuTbpttParityTest extends TbpttParity {
    @Override
    protected ParitySide reference() {
        return new ParitySide("reference float64", ReferenceBackend::new, DType.FLOAT64);
    }

    @Override
    protected ParitySide candidate() {
        return new ParitySide("cpu float32", () -> new CpuBackend(2), DType.FLOAT32);
    }
}
