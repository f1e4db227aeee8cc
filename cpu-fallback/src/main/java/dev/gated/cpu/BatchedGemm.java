package dev.gated.cpu;

/**
 * {@code batchedGemm} of {@link CpuBackend}: c[i] = alpha * op(a[i]) op(b[i]) + beta * c[i] over the leading axis of
 * three 3-D row-major tensors, each item one {@link Gemm} call at its offset in the shared storage (no copies).
 * Arguments are validated by the backend before they get here.
 *
 * <p>Determinism: {@link Gemm} computes every element of C by the same sequence of operations whatever the thread
 * count, so it does not matter whether an item runs alone with the backend's threads (large items) or as one of
 * several small items run in parallel, each on its thread alone ({@link CpuThreads#SERIAL}): the bits are the same.
 */
final class BatchedGemm {
    private BatchedGemm() {
    }

    /**
     * Items with fewer multiply-adds than this (Gemm's own threshold for going parallel) run one per task, in
     * parallel over the batch; larger items run one after another, each split over the threads by Gemm.
     */
    static final long ITEM_PARALLEL_MNK = Gemm.PARALLEL_MNK;

    /** One item: i indexes the batch, {@code th} are the threads the item's Gemm call may use. */
    private interface Item {
        void run(CpuThreads th, int i);
    }

    /**
     * a is [batch, aRows, lda], b [batch, bRows, ldb] and c [batch, m, n], so items lie {@code m * k}, {@code k * n}
     * and {@code m * n} elements apart.
     */
    static void gemm(CpuThreads threads, boolean transA, boolean transB, int batch, int m, int n, int k, double alpha,
                     CpuTensor a, int lda, CpuTensor b, int ldb, double beta, CpuTensor c) {
        int sa = m * k;
        int sb = k * n;
        int sc = m * n;
        Item item;
        if (a.isFloat()) {
            float[] fa = a.f();
            float[] fb = b.f();
            float[] fc = c.f();
            item = (th, i) -> F32Gemm.gemm(th, transA, transB, m, n, k, (float) alpha, fa, i * sa, lda, fb, i * sb, ldb,
                    (float) beta, fc, i * sc, n);
        } else {
            double[] da = a.d();
            double[] db = b.d();
            double[] dc = c.d();
            item = (th, i) -> F64Gemm.gemm(th, transA, transB, m, n, k, alpha, da, i * sa, lda, db, i * sb, ldb, beta,
                    dc, i * sc, n);
        }
        if (batch > 1 && threads.threads() > 1 && (long) m * n * k < ITEM_PARALLEL_MNK) {
            threads.parallelFor(batch, i -> item.run(CpuThreads.SERIAL, i));
        } else {
            for (int i = 0; i < batch; i++) {
                item.run(threads, i);
            }
        }
    }
}
