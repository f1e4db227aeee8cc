package dev.gated.cuda;

import static dev.gated.cuda.CudaErrors.driver;

import dev.gated.engine.backend.DType;
import dev.gated.engine.backend.OpChecks;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

/**
 * The row-softmax ops of {@link CudaBackend}: {@code softmaxRows} and its backward (attention weights) and the fused
 * {@code softmaxCrossEntropy} loss, each one block per row of Gated's kernels (as dev.gated.cpu.CpuSoftmax computes
 * them: in double, rounded once). Arguments are validated by the backend before they get here.
 */
final class CudaSoftmax {
    private final CudaBackend backend;
    private final CudaContext ctx;
    private final Kernels kernels;
    private final Scratch scratch;

    CudaSoftmax(CudaBackend backend, CudaContext ctx, Kernels kernels, Scratch scratch) {
        this.backend = backend;
        this.ctx = ctx;
        this.kernels = kernels;
        this.scratch = scratch;
    }

    /**
     * y = softmax of x's rows. The kernel leaves a row of -inf only unwritten and raises a flag; reading the flag
     * waits for the stream (the price of rejecting such a row as CpuBackend does). Then the row is found on the host
     * in x, which still holds it even in place, so the message is CpuBackend's.
     */
    void softmaxRows(CudaTensor x, CudaTensor y, int rows, int cols) {
        if (rows == 0) {
            return;
        }
        CUdeviceptr flag = scratch.result();
        kernels.fill(DType.FLOAT64, flag, 0, 1);
        kernels.softmaxRows(x.dtype(), x.pointer(), y.pointer(), flag, rows, cols);
        if (readResult(flag, "masked-row flag") != 0) {
            double[] host = backend.download(x);
            int row = OpChecks.firstFullyMaskedRow(rows, cols, i -> host[i]);
            if (row < 0) {
                throw new IllegalStateException("softmaxRows: the kernel flagged a row of -inf only, but x "
                        + x.shape() + " has none");
            }
            throw OpChecks.fullyMaskedRow(x, row);
        }
    }

    void softmaxRowsBackward(CudaTensor y, CudaTensor dy, CudaTensor dx, int rows, int cols) {
        kernels.softmaxRowsBackward(y.dtype(), y.pointer(), dy.pointer(), dx.pointer(), rows, cols);
    }

    /** The mean over rows of the row losses, which the kernel writes as doubles; dLogits may be null. */
    double crossEntropy(CudaTensor logits, int[] labels, CudaTensor dLogits, int rows, int classes) {
        CUdeviceptr idx = scratch.ints(labels);
        CUdeviceptr loss = scratch.rowLosses(rows);
        kernels.softmaxCrossEntropy(logits.dtype(), logits.pointer(), idx, dLogits == null ? null : dLogits.pointer(),
                loss, rows, classes, 1.0 / rows);
        // The row losses (double) are summed by the same deterministic reduction as sum().
        CUdeviceptr out = scratch.result();
        kernels.reduce(DType.FLOAT64, KernelOps.Reduce.SUM, loss, null, null, rows, 0, scratch.partials(), out);
        return readResult(out, "loss") / rows;
    }

    /** Waits for the stream and reads one double. */
    private double readResult(CUdeviceptr p, String what) {
        double[] result = new double[1];
        ctx.synchronize();
        driver(JCudaDriver.cuMemcpyDtoH(Pointer.to(result), p, Double.BYTES), "cuMemcpyDtoH(" + what + ")");
        return result[0];
    }
}
