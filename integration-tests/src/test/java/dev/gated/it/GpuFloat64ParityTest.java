package dev.gated.it;

import dev.gated.cpu.CpuBackend;
import dev.gated.engine.backend.DType;
import org.junit.jupiter.api.extension.ExtendWith;

/** The parity suite in float64: GPU against CPU. Skipped with the probes' reason when no GPU backend is usable. */
@ExtendWith(RequiresUsableGpu.class)
class GpuFloat64ParityTest extends BackendParity {
    @Override
    protected ParitySide reference() {
        return new ParitySide("cpu float64", () -> new CpuBackend(2), DType.FLOAT64);
    }

    @Override
    protected ParitySide candidate() {
        return new ParitySide("cuda float64", () -> GpuConformanceTest.usableGpuOrSkip(getClass()), DType.FLOAT64);
    }
}
