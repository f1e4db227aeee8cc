package dev.gated.it;

import dev.gated.cpu.CpuBackend;
import dev.gated.engine.backend.DType;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The encoder–decoder on the GPU backend (cuDNN RNNs, cuBLAS batched products, our softmax kernels) against the
 * CPU backend, both float32. Skipped with the probes' reason when no GPU backend is usable.
 */
@ExtendWith(RequiresUsableGpu.class)
class GpuSeq2SeqParityTest extends Seq2SeqParity {
    @Override
    protected ParitySide reference() {
        return new ParitySide("cpu float32", () -> new CpuBackend(2), DType.FLOAT32);
    }

    @Override
    protected ParitySide candidate() {
        return new ParitySide("cuda float32", () -> GpuConformanceTest.usableGpuOrSkip(getClass()), DType.FLOAT32);
    }
}
