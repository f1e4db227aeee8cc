package dev.gated.cuda;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.BackendProvider;
import dev.gated.engine.backend.BackendUnavailableException;
import dev.gated.engine.backend.Precision;

/**
 * Registers the GPU backend (cuDNN, cuBLAS and Gated's CUDA kernels through JCuda). Its probe is usable only when
 * the driver, a device, cuBLAS, cuDNN 9 and the kernel module all load and work ({@link CudaProbe}); otherwise it
 * says which piece failed, so {@code auto} falls back to the CPU with that reason and {@code gpu} fails with it.
 */
public final class CudaBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public Kind kind() {
        return Kind.GPU;
    }

    /** Above the CPU backend's 0, so {@code auto} prefers a usable GPU. */
    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Availability probe() {
        return CudaProbe.probe();
    }

    @Override
    public Backend create() {
        return create(Precision.FP32);
    }

    @Override
    public Backend create(Precision precision) {
        Availability a = probe();
        if (!a.usable()) {
            throw new BackendUnavailableException("cuda: " + a.detail());
        }
        return new CudaBackend(precision);
    }

    /** FP32 (exact) and TF32 (tensor cores, for float32 GEMMs and RNNs) are both honoured. */
    @Override
    public boolean supports(Precision precision) {
        return precision == Precision.FP32 || precision == Precision.TF32;
    }
}
