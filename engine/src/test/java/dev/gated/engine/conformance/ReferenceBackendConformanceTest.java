package dev.gated.engine.conformance;

import dev.gated.engine.backend.Backend;

/** The suite on {@link ReferenceBackend} in float64: validates the suite itself (it must pass here). */
class ReferenceBackendConformanceTest extends BackendConformance {
    @Override
    protected Backend backend() {
        return new ReferenceBackend();
    }
}
