package dev.gated.it;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.conformance.BackendConformance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The conformance suite on the GPU backend in float64 (the suite's default dtype): gradients against finite
 * differences. Skipped with the probes' reason when no GPU backend is usable.
 */
@ExtendWith(RequiresUsableGpu.class)
class GpuFloat64ConformanceTest extends BackendConformance {
    @Override
    protected Backend backend() {
        return GpuConformanceTest.usableGpuOrSkip(getClass());
    }
}
