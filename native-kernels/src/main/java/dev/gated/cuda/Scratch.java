package dev.gated.cuda;

import static dev.gated.cuda.CudaErrors.driver;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

/**
 * Small device buffers the backend reuses across calls: the reductions' partial sums and result, index lists
 * (gather/scatter rows, labels) and per-row losses. They grow to the largest size asked and stay, so a training
 * loop allocates nothing after its first step. All use is ordered on the one stream, so reuse needs no locking.
 */
final class Scratch {
    private final CudaContext ctx;
    private CUdeviceptr partials;
    private CUdeviceptr result;
    private CUdeviceptr ints;
    private long intsBytes;
    private CUdeviceptr losses;
    private long lossesBytes;

    Scratch(CudaContext ctx) {
        this.ctx = ctx;
    }

    /** REDUCE_BLOCKS partial sums (double). */
    CUdeviceptr partials() {
        if (partials == null) {
            partials = ctx.allocate((long) Kernels.REDUCE_BLOCKS * Double.BYTES, "reduction partial sums");
        }
        return partials;
    }

    /**
     * One double: a reduction's result. A buffer of its own rather than an offset into {@link #partials()}, so no
     * kernel argument carries a byte offset.
     */
    CUdeviceptr result() {
        if (result == null) {
            result = ctx.allocate(Double.BYTES, "reduction result");
        }
        return result;
    }

    /** A device copy of {@code values} (ordered on the stream before the kernels that read it). */
    CUdeviceptr ints(int[] values) {
        long bytes = (long) values.length * Integer.BYTES;
        if (bytes > intsBytes) {
            release(ints);
            ints = null;
            intsBytes = 0;
            ints = ctx.allocate(grow(bytes), "row indices / labels");
            intsBytes = grow(bytes);
        }
        if (bytes > 0) {
            driver(JCudaDriver.cuMemcpyHtoDAsync(ints, Pointer.to(values), bytes, ctx.stream()),
                    "cuMemcpyHtoDAsync(indices)");
        }
        return ints;
    }

    /** Room for {@code rows} doubles. */
    CUdeviceptr rowLosses(int rows) {
        long bytes = (long) rows * Double.BYTES;
        if (bytes > lossesBytes) {
            release(losses);
            losses = null;
            lossesBytes = 0;
            losses = ctx.allocate(grow(bytes), "per-row losses");
            lossesBytes = grow(bytes);
        }
        return losses;
    }

    /** Capacity for a request: the next power of two (at least 256 bytes), so a slowly growing size reallocates rarely. */
    static long grow(long bytes) {
        long c = 256;
        while (c < bytes) {
            c <<= 1;
        }
        return c;
    }

    /** Frees a buffer once the stream no longer uses it. */
    private void release(CUdeviceptr p) {
        if (p != null) {
            ctx.synchronize();
            ctx.free(p);
        }
    }
}
