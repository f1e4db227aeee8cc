package dev.gated.cuda;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.BackendProvider;
import dev.gated.engine.backend.BackendUnavailableException;

/**
 * Registers the GPU backend (cuDNN, cuBLAS and Gated's CUDA kernels through JCuda). Until issue 5 lands it is a
 * skeleton that says so honestly: the probe reports it unusable, so {@code auto} falls back to the CPU and
 * {@code gpu} fails with this message.
 */
public final class CudaBackendProvider implements BackendProvider {
    /** Why the backend cannot run yet. */
    public static final String NOT_IMPLEMENTED = "the CUDA backend is not implemented yet (issue 5)";

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
        return Availability.no(NOT_IMPLEMENTED);
    }

    @Override
    public Backend create() {
        throw new BackendUnavailableException("cuda: " + NOT_IMPLEMENTED);
    }
}
