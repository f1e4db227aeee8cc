package dev.gated.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.Backends;
import dev.gated.engine.backend.DType;
import dev.gated.engine.conformance.BackendConformance;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The backend conformance suite (engine's test-jar) on the GPU backend, float32. When no GPU backend is usable the
 * whole class is skipped with the probes' reason ({@link RequiresUsableGpu}) before any backend is created.
 */
@ExtendWith(RequiresUsableGpu.class)
class GpuConformanceTest extends BackendConformance {
    @Override
    protected Backend backend() {
        return usableGpuOrSkip(getClass());
    }

    @Override
    protected DType dtype() {
        return DType.FLOAT32;
    }

    /** Creates the usable GPU backend (an assumption guards the case where it became unusable meanwhile). */
    static Backend usableGpuOrSkip(Class<?> testClass) {
        Optional<Backends.Probe> gpu = GpuBackends.usable();
        if (gpu.isEmpty()) {
            assumeTrue(false, testClass.getSimpleName() + ": " + GpuBackends.noGpuReason());
        }
        return gpu.get().provider().create();
    }
}
