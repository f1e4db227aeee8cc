package dev.gated.it;

import dev.gated.cpu.CpuBackend;
import dev.gated.engine.backend.DType;
import dev.gated.engine.conformance.ReferenceBackend;

/**
 * The toolkit parity runs without a GPU: CPU float32 against the float64 reference backend (the skip run against
 * the reference backend at float32 storage, see {@link ToolkitParity#overflowReference()}), with the float32
 * tolerances the GPU pair uses. It runs on every build, so the comparison itself is exercised and can fail.
 */
class CpuToolkitParityTest extends ToolkitParity {
    @Override
    protected ParitySide reference() {
        return new ParitySide("reference float64", ReferenceBackend::new, DType.FLOAT64);
    }

    @Override
    protected ParitySide overflowReference() {
        return new ParitySide("reference float32 storage", ReferenceBackend::new, DType.FLOAT32);
    }

    @Override
    protected ParitySide candidate() {
        return new ParitySide("cpu float32", () -> new CpuBackend(2), DType.FLOAT32);
    }
}
