package dev.gated.cpu;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.DType;
import dev.gated.engine.conformance.BackendConformance;

/** The backend conformance suite on the CPU backend in float32 (the training dtype). */
class CpuBackendFloat32ConformanceTest extends BackendConformance {
    @Override
    protected Backend backend() {
        return new CpuBackend(2);
    }

    @Override
    protected DType dtype() {
        return DType.FLOAT32;
    }
}
