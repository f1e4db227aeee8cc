package dev.gated.engine.conformance;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.DType;

/** The suite on {@link ReferenceBackend} in float32: validates the suite's float32 paths. */
class ReferenceBackendFloat32ConformanceTest extends BackendConformance {
    @Override
    protected Backend backend() {
        return new ReferenceBackend();
    }

    @Override
    protected DType dtype() {
        return DType.FLOAT32;
    }
}
