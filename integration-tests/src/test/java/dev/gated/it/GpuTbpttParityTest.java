package dev.gated.it;

import dev.gated.cpu.CpuBackend;
import dev.gated.engine.backend.DType;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The tbptt parity runs ({@link TbpttParity}) on the GPU backend against the CPU backend, float32 with exact FP32
 * math: cuDNN's RNN calls with initial states (hx, cx) in forward and backward. Skipped with the probes' reason when
 * no GPU backend is usable.
 */
@ExtendWith(RequiresUsableGpu.class)
class GpuTbpttParityTest extends TbpttParity {
    @Override
    protected ParitySide reference() {
        return new ParitySide("cpu float32", () -> new CpuBackend(2), DType.FLOAT32);
    }

    @Override
    protected ParitySide candidate() {
        return new ParitySide("cuda float32", () -> GpuConformanceTest.usableGpuOrSkip(getClass()), DType.FLOAT32);
    }
}
