package dev.gated.cpu;

/**
 * Row-major GEMM on primitive arrays: C = alpha * op(A) * op(B) + beta * C, with op(A) m x k and op(B) k x n,
 * leading dimensions lda/ldb/ldc and element offsets. beta = 0 overwrites C (old NaNs do not leak).
 *
 * <p>Determinism contract (the RNN relies on it): every C element is computed by the same sequence of
 * floating-point operations whatever m, n, the tile it falls in or the thread count, so a row of C is the
 * same whether it is computed alone, in a batch chunk, or split over threads.
 */
final class Gemm {
    private Gemm() {
    }

    static void sgemm(CpuThreads threads, boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta,
                      float[] c, int cOff, int ldc) {
        // Naive placeholder: correct, slow.
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float acc = 0;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    acc += av * bv;
                }
                int ci = cOff + i * ldc + j;
                c[ci] = beta == 0 ? alpha * acc : alpha * acc + beta * c[ci];
            }
        }
    }

    static void dgemm(CpuThreads threads, boolean transA, boolean transB, int m, int n, int k, double alpha,
                      double[] a, int aOff, int lda, double[] b, int bOff, int ldb, double beta,
                      double[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int p = 0; p < k; p++) {
                    double av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    double bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    acc += av * bv;
                }
                int ci = cOff + i * ldc + j;
                c[ci] = beta == 0 ? alpha * acc : alpha * acc + beta * c[ci];
            }
        }
    }
}
