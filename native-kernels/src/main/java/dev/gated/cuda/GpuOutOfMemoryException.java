package dev.gated.cuda;

import dev.gated.engine.backend.BackendUnavailableException;

/**
 * The GPU has too little free memory for an allocation. The message says how much was asked, for what, how
 * much of the device's memory is free, and what to do about it.
 */
public final class GpuOutOfMemoryException extends BackendUnavailableException {
    private final long requested;

    public GpuOutOfMemoryException(long requested, String purpose, long free, long total) {
        super("GPU out of memory: asked for " + CudaFormat.bytes(requested) + " (" + requested + " bytes) for "
                + purpose + ", but only "
                + CudaFormat.bytes(free) + " of " + CudaFormat.bytes(total)
                + " are free; try a smaller batch_size (or a smaller model / shorter sequences)");
        this.requested = requested;
    }

    /** Bytes the failed allocation asked for. */
    public long requested() {
        return requested;
    }
}
