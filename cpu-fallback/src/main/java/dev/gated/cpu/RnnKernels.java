package dev.gated.cpu;

/**
 * The numeric kernels the CPU RNN is written against, for one storage type A (float[] or double[]).
 * The RNN algorithm exists once ({@link CpuRnnWorkspace}); only these small loops exist per precision,
 * like BLAS's s/d variants. Row kernels work on one sequence at one step, with H hidden units.
 */
interface RnnKernels<A> {
    A alloc(int n);

    /** The storage of a tensor of this precision. */
    A data(CpuTensor t);

    /** c = op(a) op(b) (+ c if accumulate), see {@link Gemm}. */
    void gemm(CpuThreads threads, boolean transA, boolean transB, int m, int n, int k, A a, int aOff, int lda,
              A b, int bOff, int ldb, boolean accumulate, A c, int cOff, int ldc);

    /**
     * op(B) packed for many products with the same B (recurrent weights, used at every time step); pass the
     * previous pack as {@code reuse} to recycle its memory. Opaque: only {@link #gemmPacked} reads it.
     */
    Object pack(Object reuse, boolean transB, int k, int n, A b, int bOff, int ldb);

    /** c = op(a) packedB (+ c if accumulate), bit-identical to {@link #gemm} on the unpacked B. */
    void gemmPacked(CpuThreads threads, boolean transA, int m, A a, int aOff, int lda, Object packedB,
                    boolean accumulate, A c, int cOff, int ldc);

    /**
     * c = a^T b (+ c if accumulate) with a stored k x m, and sums[sumsOff + i] += the sum of a's column i over its
     * k rows (from 0, in row order, then added, as {@link #sumRows}): an RNN's weight and bias gradients from dG.
     * A kernel set may read a once for both; this default runs the GEMM and then the column sums in blocks.
     */
    default void gemmTransAColumnSums(CpuThreads threads, int m, int n, int k, A a, int aOff, int lda, A b, int bOff,
                                      int ldb, boolean accumulate, A c, int cOff, int ldc, A sums, int sumsOff) {
        gemm(threads, true, false, m, n, k, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc);
        int block = 128; // columns per task: each column's chain is the same whatever the blocking
        threads.parallelFor((m + block - 1) / block, blk -> sumRows(a, aOff, k, lda, blk * block,
                Math.min(m, (blk + 1) * block), sums, sumsOff));
    }

    void zero(A a, int off, int len);

    void copy(A src, int srcOff, A dst, int dstOff, int len);

    /** out = a + b. */
    void add(A a, int aOff, A b, int bOff, A out, int outOff, int len);

    /** dst[j] += sum over r of src[r*ld + j], j in [col0, col1), summed in row order. */
    void sumRows(A src, int off, int rows, int ld, int col0, int col1, A dst, int dstOff);

    /**
     * LSTM step. In: g = x-projection (4H, no bias), rec = W_hh h (4H), bias = b_ih + b_hh, cPrev.
     * Out: g = activations i,f,g,o; c = new cell; h = new hidden state.
     */
    void lstmForward(int hidden, A g, int gOff, A rec, int recOff, A bias, int biasOff, A cPrev, int cPrevOff,
                     A c, int cOff, A h, int hOff);

    /**
     * LSTM step backward. In: activations g, c, cPrev, dh (total gradient of h), dc (gradient of c from the
     * step after, replaced by the gradient of cPrev). Out: dg (pre-activation gradients, 4H).
     */
    void lstmBackward(int hidden, A g, int gOff, A c, int cOff, A cPrev, int cPrevOff, A dh, int dhOff,
                      A dc, int dcOff, A dg, int dgOff);

    /**
     * GRU step. In: g = x-projection (3H, no bias), rec = W_hh h (3H, no bias), biases, hPrev.
     * Out: g = activations r,z,n; hn = W_hn h + b_hn; h = new hidden state.
     */
    void gruForward(int hidden, A g, int gOff, A rec, int recOff, A bIh, int bIhOff, A bHh, int bHhOff,
                    A hPrev, int hPrevOff, A hn, int hnOff, A h, int hOff);

    /**
     * GRU step backward. In: activations g, hn, hPrev, dh (total gradient of h, replaced by its direct
     * part dh*z of the gradient of hPrev). Out: dgi (input-side pre-activation gradients), dgh (recurrent
     * side: the n slot scaled by r).
     */
    void gruBackward(int hidden, A g, int gOff, A hn, int hnOff, A hPrev, int hPrevOff, A dh, int dhOff,
                     A dgi, int dgiOff, A dgh, int dghOff);
}
