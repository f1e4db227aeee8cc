package dev.gated.cuda;

import dev.gated.engine.backend.BackendUnavailableException;

/**
 * A piece of the GPU stack (driver, device, cuBLAS, cuDNN, our kernel module) is missing or broken. The message is
 * the plain reason the probe reports, e.g. "no NVIDIA driver (libcuda.so.1 not found)".
 */
public final class CudaSetupException extends BackendUnavailableException {
    public CudaSetupException(String reason, Throwable cause) {
        super(reason);
        if (cause != null) {
            initCause(cause);
        }
    }
}
