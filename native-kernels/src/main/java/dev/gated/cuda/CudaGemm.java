package dev.gated.cuda;

import static dev.gated.cuda.CudaErrors.cublas;

import dev.gated.engine.backend.DType;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasOperation;

/**
 * The GEMMs of {@link CudaBackend} on cuBLAS: {@code gemm} and {@code batchedGemm} (cuBLAS's strided-batched GEMM),
 * sharing the row-major mapping and the empty product. Arguments are validated by the backend before they get here.
 *
 * <p>cuBLAS is column-major, and a row-major matrix is its transpose there. So both compute c^T = op(b)^T op(a)^T:
 * cuBLAS's first operand is b (op = transB, leading dimension b's row length as stored), the second a, and
 * ldc = n. A batch item of a 3-D row-major tensor [batch, rows, cols] starts rows * cols elements after the one
 * before, which is the stride cuBLAS takes. FP32/TF32 is the handle's math mode, set by the context.
 */
final class CudaGemm {
    private final CudaContext ctx;
    private final Kernels kernels;

    CudaGemm(CudaContext ctx, Kernels kernels) {
        this.ctx = ctx;
        this.kernels = kernels;
    }

    /** c = alpha op(a) op(b) + beta c; lda and ldb are a's and b's row lengths as stored. */
    void gemm(DType dt, boolean transA, boolean transB, int m, int n, int k, double alpha, CUdeviceptr a, int lda,
              CUdeviceptr b, int ldb, double beta, CUdeviceptr c) {
        if (empty(dt, m, n, k, 1, beta, c)) {
            return;
        }
        if (dt == DType.FLOAT32) {
            cublas(JCublas2.cublasSgemm(ctx.cublas(), op(transB), op(transA), n, m, k,
                    Pointer.to(new float[] {(float) alpha}), b, ldb, a, lda, Pointer.to(new float[] {(float) beta}), c,
                    n), "cublasSgemm");
        } else {
            cublas(JCublas2.cublasDgemm(ctx.cublas(), op(transB), op(transA), n, m, k, Pointer.to(new double[] {alpha}),
                    b, ldb, a, lda, Pointer.to(new double[] {beta}), c, n), "cublasDgemm");
        }
    }

    /**
     * c[i] = alpha op(a[i]) op(b[i]) + beta c[i] for i in [0, batch): items m * k, k * n and m * n elements apart;
     * lda and ldb are the items' row lengths as stored.
     */
    void batched(DType dt, boolean transA, boolean transB, int batch, int m, int n, int k, double alpha, CUdeviceptr a,
                 int lda, CUdeviceptr b, int ldb, double beta, CUdeviceptr c) {
        if (empty(dt, m, n, k, batch, beta, c)) {
            return;
        }
        long strideA = (long) m * k;
        long strideB = (long) k * n;
        long strideC = (long) m * n;
        if (dt == DType.FLOAT32) {
            cublas(JCublas2.cublasSgemmStridedBatched(ctx.cublas(), op(transB), op(transA), n, m, k,
                    Pointer.to(new float[] {(float) alpha}), b, ldb, strideB, a, lda, strideA,
                    Pointer.to(new float[] {(float) beta}), c, n, strideC, batch), "cublasSgemmStridedBatched");
        } else {
            cublas(JCublas2.cublasDgemmStridedBatched(ctx.cublas(), op(transB), op(transA), n, m, k,
                    Pointer.to(new double[] {alpha}), b, ldb, strideB, a, lda, strideA, Pointer.to(new double[] {beta}),
                    c, n, strideC, batch), "cublasDgemmStridedBatched");
        }
    }

    private static int op(boolean trans) {
        return trans ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
    }

    /**
     * True when there is nothing for cuBLAS to do: no output, or an empty product (k = 0), which is c = beta c
     * here (beta = 0 ignores c's old contents, NaN included) rather than whatever cuBLAS makes of k = 0.
     */
    private boolean empty(DType dt, int m, int n, int k, int batch, double beta, CUdeviceptr c) {
        int total = batch * m * n;
        if (total == 0) {
            return true;
        }
        if (k != 0) {
            return false;
        }
        if (beta == 0) {
            kernels.fill(dt, c, 0, total);
        } else {
            kernels.axpby(dt, beta, c, 0, c, total);
        }
        return true;
    }
}
