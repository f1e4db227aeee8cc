package dev.gated.cpu;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.DType;
import dev.gated.engine.conformance.BackendConformance;

/** The float32 suite on the plain-Java kernels, the path taken when the Vector API module is absent. */
class CpuBackendScalarFloat32ConformanceTest extends BackendConformance {
    @Override
    protected Backend backend() {
        return new CpuBackend(2, false);
    }

    @Override
    protected DType dtype() {
        return DType.FLOAT32;
    }
}
