package dev.gated.cpu;

import java.util.Arrays;

/**
 * Row-major GEMM on primitive arrays: C = alpha * op(A) * op(B) + beta * C, with op(A) m x k and op(B) k x n,
 * leading dimensions lda/ldb/ldc and element offsets. beta = 0 overwrites C (old NaNs do not leak).
 *
 * <p>Determinism contract (the RNN relies on it): every C element is computed by the same sequence of
 * floating-point operations whatever m, n, the tile it falls in or the thread count, so a row of C is the
 * same whether it is computed alone, in a batch chunk, or split over threads.
 *
 * <p>That sequence, for element (i, j): {@code acc = 0; for p = 0 .. k-1 in order: acc = acc + op(A)[i][p] *
 * op(B)[p][j]} (a separate multiply and add, rounded to the dtype each time; never a fused multiply-add), then
 * {@code C[i][j] = alpha * acc} when beta = 0, else {@code alpha * acc + beta * C[i][j]}. alpha = 0 or k = 0
 * gives {@code beta * C} (0 when beta = 0) without reading A or B, as BLAS does. Blocking, packing, the
 * micro-kernel shapes, the vectorized loops and their scalar tails only change which elements are computed
 * together, never this sequence; the prepacked-B entry points give the same bits as the plain ones.
 *
 * <p>How it is fast without the Vector API: op(B) is packed k-major into separate row arrays of {@link #F_NB}
 * ({@link #D_NB}) columns and each tile of C accumulates in separate zero-based row arrays, so every inner loop
 * is {@code c[j] += a * b[j]} over plain indices: C2 in Java 17 only vectorizes array accesses whose index is
 * the loop variable plus a constant, not plus a loop-invariant offset. The float micro-kernel updates 3 rows of
 * C with 2 values of p per pass over j (2 x 2 for double), which keeps the loop body small enough for C2 to
 * unroll and vectorize it (larger bodies silently fall back to scalar code). op(B) is packed once per call (for
 * a group of column blocks that fits {@link #PANEL_CAP}) and shared by every tile, or packed once by the caller
 * for many calls ({@link PackedF}). Tiles of C ({@link #F_MB} x {@link #F_NB}, shorter for large products with
 * few tiles) depend on m, n and k only, never on the thread count, and run in parallel when the product is
 * large. A transposed A is packed per tile and k block.
 */
final class Gemm {
    private Gemm() {
    }

    /** float32: rows and columns of a C tile, and the k block whose packed op(B) rows stay in L2. */
    static final int F_MB = 96;
    static final int F_NB = 512;
    static final int F_KC = 128;
    /** Fewest rows per tile when a product is cut into more, smaller tiles. */
    static final int F_MIN_ROWS = 12;

    /** float64 tiles. */
    static final int D_MB = 64;
    static final int D_NB = 256;
    static final int D_KC = 128;
    static final int D_MIN_ROWS = 8;

    /**
     * A large product (m*n*k >= PARALLEL_MNK) with fewer tiles than this gets shorter tiles (at least *_MIN_ROWS
     * rows), so that threads have work to share. Depends on the shape only.
     */
    static final int MIN_TILES = 8;

    /** Most elements of op(B) packed at once per call; beyond a column block of it, tiles pack their own. */
    static final int PANEL_CAP = 1 << 21;

    /** Below this m*n*k a call runs on the calling thread. */
    static final long PARALLEL_MNK = 1L << 21;

    /** Packing is split over threads when at least this many elements are packed. */
    private static final long PARALLEL_PACK = 1L << 16;

    /** k rows per packing task. */
    private static final int PACK_ROWS_PER_TASK = 64;

    // ------------------------------------------------------------------------------------------------ float

    static void sgemm(CpuThreads threads, boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta,
                      float[] c, int cOff, int ldc) {
        checkDims(m, n, k);
        checkMatrix("c", c.length, cOff, ldc, m, n);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0) {
            scaleC(c, cOff, ldc, m, n, beta);
            return;
        }
        checkMatrix("a", a.length, aOff, lda, transA ? k : m, transA ? m : k);
        checkMatrix("b", b.length, bOff, ldb, transB ? n : k, transB ? k : n);
        new SJob(threads, transA, m, n, k, alpha, a, aOff, lda, beta, c, cOff, ldc)
                .run(transB, b, bOff, ldb, null);
    }

    /**
     * C = alpha * op(A) * B + beta * C with B packed by {@link #pack(PackedF, boolean, int, int, float[], int, int)}:
     * bit-identical to {@link #sgemm} on the unpacked B, without packing B again (for a B reused many times, like
     * a recurrent weight at every time step).
     */
    static void sgemm(CpuThreads threads, boolean transA, int m, float alpha, float[] a, int aOff, int lda,
                      PackedF b, float beta, float[] c, int cOff, int ldc) {
        int n = b.n;
        int k = b.k;
        checkDims(m, n, k);
        checkMatrix("c", c.length, cOff, ldc, m, n);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0) {
            scaleC(c, cOff, ldc, m, n, beta);
            return;
        }
        checkMatrix("a", a.length, aOff, lda, transA ? k : m, transA ? m : k);
        new SJob(threads, transA, m, n, k, alpha, a, aOff, lda, beta, c, cOff, ldc).run(false, null, 0, 0, b);
    }

    /**
     * op(B) (k x n) packed into k-major row arrays of F_NB columns, column block by column block: a snapshot of B
     * (repack after B changes). Read-only in products, so one pack may serve concurrent calls on many threads.
     */
    static final class PackedF {
        final int k;
        final int n;
        /** Row p of column block cb is rows[cb * k + p]. */
        final float[][] rows;

        private PackedF(int k, int n) {
            this.k = k;
            this.n = n;
            int blocks = (n + F_NB - 1) / F_NB;
            this.rows = new float[Math.multiplyExact(blocks, k)][F_NB];
        }
    }

    /** Packs op(B) (k x n; B stored n x k when transB) for repeated use, into {@code reuse} when it has k x n. */
    static PackedF pack(PackedF reuse, boolean transB, int k, int n, float[] b, int bOff, int ldb) {
        checkDims(1, n, k);
        checkMatrix("b", b.length, bOff, ldb, transB ? n : k, transB ? k : n);
        PackedF p = reuse != null && reuse.k == k && reuse.n == n ? reuse : new PackedF(k, n);
        for (int j0 = 0, cb = 0; j0 < n; j0 += F_NB, cb++) {
            packB(b, bOff, ldb, transB, 0, k, j0, Math.min(F_NB, n - j0), p.rows, cb * k);
        }
        return p;
    }

    /** One sgemm call: how op(B) is packed, and the tiles of C. */
    private static final class SJob {
        final CpuThreads threads;
        final int m;
        final int n;
        final int k;
        final float alpha;
        final float beta;
        final boolean transA;
        final float[] a;
        final int aOff;
        final int lda;
        final float[] c;
        final int cOff;
        final int ldc;
        /** Rows per tile: MB, or fewer when MB would give fewer than MIN_TILES tiles of a large product. */
        final int tileRows;
        final int rowBlocks;
        final int colBlocks;
        final boolean parallel;
        boolean transB;
        float[] b;
        int bOff;
        int ldb;
        /** The packed op(B) of column blocks [groupStart, groupStart + groupCount), or null: tiles pack it. */
        float[][] panel;
        int groupStart;
        int groupCount;

        SJob(CpuThreads threads, boolean transA, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
             float beta, float[] c, int cOff, int ldc) {
            this.threads = threads;
            this.transA = transA;
            this.m = m;
            this.n = n;
            this.k = k;
            this.alpha = alpha;
            this.beta = beta;
            this.a = a;
            this.aOff = aOff;
            this.lda = lda;
            this.c = c;
            this.cOff = cOff;
            this.ldc = ldc;
            this.colBlocks = (n + F_NB - 1) / F_NB;
            boolean large = (long) m * n * k >= PARALLEL_MNK;
            int rows = F_MB;
            int wanted = (MIN_TILES + colBlocks - 1) / colBlocks;
            if (large && (m + F_MB - 1) / F_MB < wanted) {
                int perTile = (m + wanted - 1) / wanted;
                perTile = (perTile + 2) / 3 * 3;
                rows = Math.min(F_MB, Math.max(F_MIN_ROWS, perTile));
            }
            this.tileRows = rows;
            this.rowBlocks = (m + rows - 1) / rows;
            this.parallel = threads.threads() > 1 && large && rowBlocks * colBlocks > 1;
        }

        void run(boolean transB, float[] b, int bOff, int ldb, PackedF packed) {
            this.transB = transB;
            this.b = b;
            this.bOff = bOff;
            this.ldb = ldb;
            if (packed != null) {
                panel = packed.rows;
                groupStart = 0;
                groupCount = colBlocks;
                runTiles();
                return;
            }
            long perBlock = (long) k * F_NB;
            if (perBlock > PANEL_CAP) {
                // k is huge: every tile packs its own k blocks of op(B).
                groupStart = 0;
                groupCount = colBlocks;
                runTiles();
                return;
            }
            int groupBlocks = (int) Math.min(colBlocks, PANEL_CAP / perBlock);
            FPanel owner = FPanel.acquire();
            try {
                for (groupStart = 0; groupStart < colBlocks; groupStart += groupBlocks) {
                    groupCount = Math.min(groupBlocks, colBlocks - groupStart);
                    panel = owner.rows(groupCount * k);
                    int kChunks = (k + PACK_ROWS_PER_TASK - 1) / PACK_ROWS_PER_TASK;
                    int packTasks = groupCount * kChunks;
                    if (parallel && packTasks > 1 && perBlock * groupCount >= PARALLEL_PACK) {
                        threads.parallelFor(packTasks, t -> packTask(t, kChunks));
                    } else {
                        for (int t = 0; t < packTasks; t++) {
                            packTask(t, kChunks);
                        }
                    }
                    runTiles();
                }
            } finally {
                panel = null;
                owner.release();
            }
        }

        private void packTask(int t, int kChunks) {
            int cb = t / kChunks;
            int p0 = (t % kChunks) * PACK_ROWS_PER_TASK;
            int kb = Math.min(PACK_ROWS_PER_TASK, k - p0);
            int j0 = (groupStart + cb) * F_NB;
            packB(b, bOff, ldb, transB, p0, kb, j0, Math.min(F_NB, n - j0), panel, cb * k + p0);
        }

        private void runTiles() {
            int tiles = rowBlocks * groupCount;
            if (parallel && tiles > 1) {
                threads.parallelFor(tiles, this::tile);
            } else {
                for (int t = 0; t < tiles; t++) {
                    tile(t);
                }
            }
        }

        /** Computes one tile of C (rows i0 .., column block j0 ..) over the whole of k, then writes it back. */
        private void tile(int t) {
            int rb = t / groupCount;
            int cbLocal = t % groupCount;
            int i0 = rb * tileRows;
            int j0 = (groupStart + cbLocal) * F_NB;
            int mb = Math.min(tileRows, m - i0);
            int lo = 0;
            int hi = Math.min(F_NB, n - j0);
            FTile s = FTile.acquire();
            try {
                float[][] acc = s.acc;
                for (int i = 0; i < mb; i++) {
                    Arrays.fill(acc[i], lo, hi, 0f);
                }
                for (int pc = 0; pc < k; pc += F_KC) {
                    int kb = Math.min(F_KC, k - pc);
                    float[][] rows;
                    int base;
                    if (panel == null) {
                        rows = s.packedB();
                        base = 0;
                        packB(b, bOff, ldb, transB, pc, kb, j0, hi, rows, 0);
                    } else {
                        rows = panel;
                        base = cbLocal * k + pc;
                    }
                    // op(A)[i0 + i][pc + p] is ap[ai + i * ars + p * acs].
                    float[] ap;
                    int ai;
                    int ars;
                    int acs;
                    if (transA) {
                        ap = s.packedA();
                        packAT(a, aOff + pc * lda + i0, lda, mb, kb, ap);
                        ai = 0;
                        ars = F_KC;
                        acs = 1;
                    } else {
                        ap = a;
                        ai = aOff + i0 * lda + pc;
                        ars = lda;
                        acs = 1;
                    }
                    int i = 0;
                    for (; i + 2 < mb; i += 3) {
                        kernel3(acc[i], acc[i + 1], acc[i + 2], rows, base, lo, hi, ap, ai + i * ars, ars, acs, kb);
                    }
                    if (mb - i == 2) {
                        kernel2(acc[i], acc[i + 1], rows, base, lo, hi, ap, ai + i * ars, ars, acs, kb);
                    } else if (mb - i == 1) {
                        kernel1(acc[i], rows, base, lo, hi, ap, ai + i * ars, acs, kb);
                    }
                }
                for (int i = 0; i < mb; i++) {
                    writeBack(acc[i], lo, hi, alpha, beta, c, cOff + (i0 + i) * ldc + j0 + lo, s.tmp);
                }
            } finally {
                s.release();
            }
        }
    }

    /**
     * dst[dBase + p][j] = op(B)[p0 + p][j0 + j] for p < kb, j < nb. The transposed case walks 8 packed rows at
     * once along j, so the loop index is the same for all eight stores and C2 hoists their range checks.
     */
    static void packB(float[] b, int bOff, int ldb, boolean transB, int p0, int kb, int j0, int nb,
                      float[][] dst, int dBase) {
        if (!transB) {
            for (int p = 0; p < kb; p++) {
                System.arraycopy(b, bOff + (p0 + p) * ldb + j0, dst[dBase + p], 0, nb);
            }
            return;
        }
        int p = 0;
        for (; p + 7 < kb; p += 8) {
            float[] r0 = dst[dBase + p];
            float[] r1 = dst[dBase + p + 1];
            float[] r2 = dst[dBase + p + 2];
            float[] r3 = dst[dBase + p + 3];
            float[] r4 = dst[dBase + p + 4];
            float[] r5 = dst[dBase + p + 5];
            float[] r6 = dst[dBase + p + 6];
            float[] r7 = dst[dBase + p + 7];
            int s = bOff + j0 * ldb + p0 + p;
            for (int j = 0; j < nb; j++, s += ldb) {
                r0[j] = b[s];
                r1[j] = b[s + 1];
                r2[j] = b[s + 2];
                r3[j] = b[s + 3];
                r4[j] = b[s + 4];
                r5[j] = b[s + 5];
                r6[j] = b[s + 6];
                r7[j] = b[s + 7];
            }
        }
        for (; p < kb; p++) {
            float[] r0 = dst[dBase + p];
            int s = bOff + j0 * ldb + p0 + p;
            for (int j = 0; j < nb; j++, s += ldb) {
                r0[j] = b[s];
            }
        }
    }

    /** dst[i * F_KC + p] = a[src + p * lda + i] for i < mb, p < kb: a block of a transposed A, made row-major. */
    static void packAT(float[] a, int src, int lda, int mb, int kb, float[] dst) {
        int p = 0;
        for (; p + 7 < kb; p += 8) {
            int s = src + p * lda;
            int d = p;
            for (int i = 0; i < mb; i++, s++, d += F_KC) {
                dst[d] = a[s];
                dst[d + 1] = a[s + lda];
                dst[d + 2] = a[s + 2 * lda];
                dst[d + 3] = a[s + 3 * lda];
                dst[d + 4] = a[s + 4 * lda];
                dst[d + 5] = a[s + 5 * lda];
                dst[d + 6] = a[s + 6 * lda];
                dst[d + 7] = a[s + 7 * lda];
            }
        }
        for (; p < kb; p++) {
            int s = src + p * lda;
            for (int i = 0; i < mb; i++) {
                dst[i * F_KC + p] = a[s + i];
            }
        }
    }

    /*
     * Micro-kernels. c0..c2 are accumulator rows, rows[base + p] the packed op(B) rows, both over columns
     * [lo, hi) with the loop variable as the index, and a[ai + r * ars + p * acs] is op(A)[i + r][pc + p]. Every
     * element gets acc = acc + a * b once per p, in increasing p, in every kernel and in every tail, so the
     * kernels are interchangeable and a C2-vectorized loop and its scalar pre/post loops compute the same bits.
     */

    static void kernel3(float[] c0, float[] c1, float[] c2, float[][] rows, int base, int lo, int hi, float[] a,
                        int ai, int ars, int acs, int kb) {
        int p = 0;
        for (; p + 1 < kb; p += 2) {
            int x = ai + p * acs;
            float a00 = a[x];
            float a01 = a[x + acs];
            float a10 = a[x + ars];
            float a11 = a[x + ars + acs];
            float a20 = a[x + 2 * ars];
            float a21 = a[x + 2 * ars + acs];
            float[] b0 = rows[base + p];
            float[] b1 = rows[base + p + 1];
            for (int j = lo; j < hi; j++) {
                float x0 = b0[j];
                float x1 = b1[j];
                float t0 = c0[j];
                t0 += a00 * x0;
                t0 += a01 * x1;
                c0[j] = t0;
                float t1 = c1[j];
                t1 += a10 * x0;
                t1 += a11 * x1;
                c1[j] = t1;
                float t2 = c2[j];
                t2 += a20 * x0;
                t2 += a21 * x1;
                c2[j] = t2;
            }
        }
        if (p < kb) {
            int x = ai + p * acs;
            float a0 = a[x];
            float a1 = a[x + ars];
            float a2 = a[x + 2 * ars];
            float[] b0 = rows[base + p];
            for (int j = lo; j < hi; j++) {
                float x0 = b0[j];
                c0[j] += a0 * x0;
                c1[j] += a1 * x0;
                c2[j] += a2 * x0;
            }
        }
    }

    static void kernel2(float[] c0, float[] c1, float[][] rows, int base, int lo, int hi, float[] a, int ai,
                        int ars, int acs, int kb) {
        int p = 0;
        for (; p + 1 < kb; p += 2) {
            int x = ai + p * acs;
            float a00 = a[x];
            float a01 = a[x + acs];
            float a10 = a[x + ars];
            float a11 = a[x + ars + acs];
            float[] b0 = rows[base + p];
            float[] b1 = rows[base + p + 1];
            for (int j = lo; j < hi; j++) {
                float x0 = b0[j];
                float x1 = b1[j];
                float t0 = c0[j];
                t0 += a00 * x0;
                t0 += a01 * x1;
                c0[j] = t0;
                float t1 = c1[j];
                t1 += a10 * x0;
                t1 += a11 * x1;
                c1[j] = t1;
            }
        }
        if (p < kb) {
            int x = ai + p * acs;
            float a0 = a[x];
            float a1 = a[x + ars];
            float[] b0 = rows[base + p];
            for (int j = lo; j < hi; j++) {
                float x0 = b0[j];
                c0[j] += a0 * x0;
                c1[j] += a1 * x0;
            }
        }
    }

    static void kernel1(float[] c0, float[][] rows, int base, int lo, int hi, float[] a, int ai, int acs, int kb) {
        int p = 0;
        for (; p + 3 < kb; p += 4) {
            int x = ai + p * acs;
            float a0 = a[x];
            float a1 = a[x + acs];
            float a2 = a[x + 2 * acs];
            float a3 = a[x + 3 * acs];
            float[] b0 = rows[base + p];
            float[] b1 = rows[base + p + 1];
            float[] b2 = rows[base + p + 2];
            float[] b3 = rows[base + p + 3];
            for (int j = lo; j < hi; j++) {
                float t = c0[j];
                t += a0 * b0[j];
                t += a1 * b1[j];
                t += a2 * b2[j];
                t += a3 * b3[j];
                c0[j] = t;
            }
        }
        for (; p < kb; p++) {
            float a0 = a[ai + p * acs];
            float[] b0 = rows[base + p];
            for (int j = lo; j < hi; j++) {
                c0[j] += a0 * b0[j];
            }
        }
    }

    /** c[co ..] = alpha * acc[lo, hi) (+ beta * c when beta != 0); acc may be overwritten. */
    static void writeBack(float[] acc, int lo, int hi, float alpha, float beta, float[] c, int co, float[] tmp) {
        if (beta == 0) {
            if (alpha != 1) {
                for (int j = lo; j < hi; j++) {
                    acc[j] = alpha * acc[j];
                }
            }
            System.arraycopy(acc, lo, c, co, hi - lo);
            return;
        }
        System.arraycopy(c, co, tmp, lo, hi - lo);
        for (int j = lo; j < hi; j++) {
            tmp[j] = alpha * acc[j] + beta * tmp[j];
        }
        System.arraycopy(tmp, lo, c, co, hi - lo);
    }

    static void scaleC(float[] c, int cOff, int ldc, int m, int n, float beta) {
        for (int i = 0; i < m; i++) {
            int co = cOff + i * ldc;
            if (beta == 0) {
                Arrays.fill(c, co, co + n, 0f);
            } else if (beta != 1) {
                for (int j = co; j < co + n; j++) {
                    c[j] = beta * c[j];
                }
            }
        }
    }

    /** Per-thread tile buffers: the C tile accumulators, a k block of op(B) or of a transposed A, a row of C. */
    private static final class FTile {
        private static final ThreadLocal<FTile> MINE = ThreadLocal.withInitial(FTile::new);

        final float[][] acc = new float[F_MB][F_NB];
        final float[] tmp = new float[F_NB];
        private float[][] packedB;
        private float[] packedA;
        private boolean busy;

        /** This thread's buffers (fresh ones if they are in use further up this thread's stack). */
        static FTile acquire() {
            FTile s = MINE.get();
            if (s.busy) {
                s = new FTile();
            }
            s.busy = true;
            return s;
        }

        void release() {
            busy = false;
        }

        float[][] packedB() {
            if (packedB == null) {
                packedB = new float[F_KC][F_NB];
            }
            return packedB;
        }

        float[] packedA() {
            if (packedA == null) {
                packedA = new float[F_MB * F_KC];
            }
            return packedA;
        }
    }

    /** The per-thread panel of packed op(B) a calling thread shares with the tiles of its call; grows as needed. */
    private static final class FPanel {
        private static final ThreadLocal<FPanel> MINE = ThreadLocal.withInitial(FPanel::new);

        private float[][] rows = new float[0][];
        private boolean busy;

        static FPanel acquire() {
            FPanel s = MINE.get();
            if (s.busy) {
                s = new FPanel();
            }
            s.busy = true;
            return s;
        }

        void release() {
            busy = false;
        }

        float[][] rows(int needed) {
            if (rows.length < needed) {
                float[][] grown = Arrays.copyOf(rows, needed);
                for (int r = rows.length; r < needed; r++) {
                    grown[r] = new float[F_NB];
                }
                rows = grown;
            }
            return rows;
        }
    }

    // ------------------------------------------------------------------------------------------------ double

    static void dgemm(CpuThreads threads, boolean transA, boolean transB, int m, int n, int k, double alpha,
                      double[] a, int aOff, int lda, double[] b, int bOff, int ldb, double beta,
                      double[] c, int cOff, int ldc) {
        checkDims(m, n, k);
        checkMatrix("c", c.length, cOff, ldc, m, n);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0) {
            scaleC(c, cOff, ldc, m, n, beta);
            return;
        }
        checkMatrix("a", a.length, aOff, lda, transA ? k : m, transA ? m : k);
        checkMatrix("b", b.length, bOff, ldb, transB ? n : k, transB ? k : n);
        new DJob(threads, transA, m, n, k, alpha, a, aOff, lda, beta, c, cOff, ldc)
                .run(transB, b, bOff, ldb, null);
    }

    /**
     * C = alpha * op(A) * B + beta * C with B packed by {@link #pack(PackedD, boolean, int, int, double[], int, int)}:
     * bit-identical to {@link #dgemm} on the unpacked B, without packing B again (for a B reused many times, like
     * a recurrent weight at every time step).
     */
    static void dgemm(CpuThreads threads, boolean transA, int m, double alpha, double[] a, int aOff, int lda,
                      PackedD b, double beta, double[] c, int cOff, int ldc) {
        int n = b.n;
        int k = b.k;
        checkDims(m, n, k);
        checkMatrix("c", c.length, cOff, ldc, m, n);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0) {
            scaleC(c, cOff, ldc, m, n, beta);
            return;
        }
        checkMatrix("a", a.length, aOff, lda, transA ? k : m, transA ? m : k);
        new DJob(threads, transA, m, n, k, alpha, a, aOff, lda, beta, c, cOff, ldc).run(false, null, 0, 0, b);
    }

    /**
     * op(B) (k x n) packed into k-major row arrays of D_NB columns, column block by column block: a snapshot of B
     * (repack after B changes). Read-only in products, so one pack may serve concurrent calls on many threads.
     */
    static final class PackedD {
        final int k;
        final int n;
        /** Row p of column block cb is rows[cb * k + p]. */
        final double[][] rows;

        private PackedD(int k, int n) {
            this.k = k;
            this.n = n;
            int blocks = (n + D_NB - 1) / D_NB;
            this.rows = new double[Math.multiplyExact(blocks, k)][D_NB];
        }
    }

    /** Packs op(B) (k x n; B stored n x k when transB) for repeated use, into {@code reuse} when it has k x n. */
    static PackedD pack(PackedD reuse, boolean transB, int k, int n, double[] b, int bOff, int ldb) {
        checkDims(1, n, k);
        checkMatrix("b", b.length, bOff, ldb, transB ? n : k, transB ? k : n);
        PackedD p = reuse != null && reuse.k == k && reuse.n == n ? reuse : new PackedD(k, n);
        for (int j0 = 0, cb = 0; j0 < n; j0 += D_NB, cb++) {
            packB(b, bOff, ldb, transB, 0, k, j0, Math.min(D_NB, n - j0), p.rows, cb * k);
        }
        return p;
    }

    /** One dgemm call: how op(B) is packed, and the tiles of C. */
    private static final class DJob {
        final CpuThreads threads;
        final int m;
        final int n;
        final int k;
        final double alpha;
        final double beta;
        final boolean transA;
        final double[] a;
        final int aOff;
        final int lda;
        final double[] c;
        final int cOff;
        final int ldc;
        /** Rows per tile: MB, or fewer when MB would give fewer than MIN_TILES tiles of a large product. */
        final int tileRows;
        final int rowBlocks;
        final int colBlocks;
        final boolean parallel;
        boolean transB;
        double[] b;
        int bOff;
        int ldb;
        /** The packed op(B) of column blocks [groupStart, groupStart + groupCount), or null: tiles pack it. */
        double[][] panel;
        int groupStart;
        int groupCount;

        DJob(CpuThreads threads, boolean transA, int m, int n, int k, double alpha, double[] a, int aOff, int lda,
             double beta, double[] c, int cOff, int ldc) {
            this.threads = threads;
            this.transA = transA;
            this.m = m;
            this.n = n;
            this.k = k;
            this.alpha = alpha;
            this.beta = beta;
            this.a = a;
            this.aOff = aOff;
            this.lda = lda;
            this.c = c;
            this.cOff = cOff;
            this.ldc = ldc;
            this.colBlocks = (n + D_NB - 1) / D_NB;
            boolean large = (long) m * n * k >= PARALLEL_MNK;
            int rows = D_MB;
            int wanted = (MIN_TILES + colBlocks - 1) / colBlocks;
            if (large && (m + D_MB - 1) / D_MB < wanted) {
                int perTile = (m + wanted - 1) / wanted;
                perTile = (perTile + 1) / 2 * 2;
                rows = Math.min(D_MB, Math.max(D_MIN_ROWS, perTile));
            }
            this.tileRows = rows;
            this.rowBlocks = (m + rows - 1) / rows;
            this.parallel = threads.threads() > 1 && large && rowBlocks * colBlocks > 1;
        }

        void run(boolean transB, double[] b, int bOff, int ldb, PackedD packed) {
            this.transB = transB;
            this.b = b;
            this.bOff = bOff;
            this.ldb = ldb;
            if (packed != null) {
                panel = packed.rows;
                groupStart = 0;
                groupCount = colBlocks;
                runTiles();
                return;
            }
            long perBlock = (long) k * D_NB;
            if (perBlock > PANEL_CAP) {
                // k is huge: every tile packs its own k blocks of op(B).
                groupStart = 0;
                groupCount = colBlocks;
                runTiles();
                return;
            }
            int groupBlocks = (int) Math.min(colBlocks, PANEL_CAP / perBlock);
            DPanel owner = DPanel.acquire();
            try {
                for (groupStart = 0; groupStart < colBlocks; groupStart += groupBlocks) {
                    groupCount = Math.min(groupBlocks, colBlocks - groupStart);
                    panel = owner.rows(groupCount * k);
                    int kChunks = (k + PACK_ROWS_PER_TASK - 1) / PACK_ROWS_PER_TASK;
                    int packTasks = groupCount * kChunks;
                    if (parallel && packTasks > 1 && perBlock * groupCount >= PARALLEL_PACK) {
                        threads.parallelFor(packTasks, t -> packTask(t, kChunks));
                    } else {
                        for (int t = 0; t < packTasks; t++) {
                            packTask(t, kChunks);
                        }
                    }
                    runTiles();
                }
            } finally {
                panel = null;
                owner.release();
            }
        }

        private void packTask(int t, int kChunks) {
            int cb = t / kChunks;
            int p0 = (t % kChunks) * PACK_ROWS_PER_TASK;
            int kb = Math.min(PACK_ROWS_PER_TASK, k - p0);
            int j0 = (groupStart + cb) * D_NB;
            packB(b, bOff, ldb, transB, p0, kb, j0, Math.min(D_NB, n - j0), panel, cb * k + p0);
        }

        private void runTiles() {
            int tiles = rowBlocks * groupCount;
            if (parallel && tiles > 1) {
                threads.parallelFor(tiles, this::tile);
            } else {
                for (int t = 0; t < tiles; t++) {
                    tile(t);
                }
            }
        }

        /** Computes one tile of C (rows i0 .., column block j0 ..) over the whole of k, then writes it back. */
        private void tile(int t) {
            int rb = t / groupCount;
            int cbLocal = t % groupCount;
            int i0 = rb * tileRows;
            int j0 = (groupStart + cbLocal) * D_NB;
            int mb = Math.min(tileRows, m - i0);
            int lo = 0;
            int hi = Math.min(D_NB, n - j0);
            DTile s = DTile.acquire();
            try {
                double[][] acc = s.acc;
                for (int i = 0; i < mb; i++) {
                    Arrays.fill(acc[i], lo, hi, 0.0);
                }
                for (int pc = 0; pc < k; pc += D_KC) {
                    int kb = Math.min(D_KC, k - pc);
                    double[][] rows;
                    int base;
                    if (panel == null) {
                        rows = s.packedB();
                        base = 0;
                        packB(b, bOff, ldb, transB, pc, kb, j0, hi, rows, 0);
                    } else {
                        rows = panel;
                        base = cbLocal * k + pc;
                    }
                    // op(A)[i0 + i][pc + p] is ap[ai + i * ars + p * acs].
                    double[] ap;
                    int ai;
                    int ars;
                    int acs;
                    if (transA) {
                        ap = s.packedA();
                        packAT(a, aOff + pc * lda + i0, lda, mb, kb, ap);
                        ai = 0;
                        ars = D_KC;
                        acs = 1;
                    } else {
                        ap = a;
                        ai = aOff + i0 * lda + pc;
                        ars = lda;
                        acs = 1;
                    }
                    int i = 0;
                    for (; i + 1 < mb; i += 2) {
                        kernel2(acc[i], acc[i + 1], rows, base, lo, hi, ap, ai + i * ars, ars, acs, kb);
                    }
                    if (i < mb) {
                        kernel1(acc[i], rows, base, lo, hi, ap, ai + i * ars, acs, kb);
                    }
                }
                for (int i = 0; i < mb; i++) {
                    writeBack(acc[i], lo, hi, alpha, beta, c, cOff + (i0 + i) * ldc + j0 + lo, s.tmp);
                }
            } finally {
                s.release();
            }
        }
    }

    /**
     * dst[dBase + p][j] = op(B)[p0 + p][j0 + j] for p < kb, j < nb. The transposed case walks 8 packed rows at
     * once along j, so the loop index is the same for all eight stores and C2 hoists their range checks.
     */
    static void packB(double[] b, int bOff, int ldb, boolean transB, int p0, int kb, int j0, int nb,
                      double[][] dst, int dBase) {
        if (!transB) {
            for (int p = 0; p < kb; p++) {
                System.arraycopy(b, bOff + (p0 + p) * ldb + j0, dst[dBase + p], 0, nb);
            }
            return;
        }
        int p = 0;
        for (; p + 7 < kb; p += 8) {
            double[] r0 = dst[dBase + p];
            double[] r1 = dst[dBase + p + 1];
            double[] r2 = dst[dBase + p + 2];
            double[] r3 = dst[dBase + p + 3];
            double[] r4 = dst[dBase + p + 4];
            double[] r5 = dst[dBase + p + 5];
            double[] r6 = dst[dBase + p + 6];
            double[] r7 = dst[dBase + p + 7];
            int s = bOff + j0 * ldb + p0 + p;
            for (int j = 0; j < nb; j++, s += ldb) {
                r0[j] = b[s];
                r1[j] = b[s + 1];
                r2[j] = b[s + 2];
                r3[j] = b[s + 3];
                r4[j] = b[s + 4];
                r5[j] = b[s + 5];
                r6[j] = b[s + 6];
                r7[j] = b[s + 7];
            }
        }
        for (; p < kb; p++) {
            double[] r0 = dst[dBase + p];
            int s = bOff + j0 * ldb + p0 + p;
            for (int j = 0; j < nb; j++, s += ldb) {
                r0[j] = b[s];
            }
        }
    }

    /** dst[i * D_KC + p] = a[src + p * lda + i] for i < mb, p < kb: a block of a transposed A, made row-major. */
    static void packAT(double[] a, int src, int lda, int mb, int kb, double[] dst) {
        int p = 0;
        for (; p + 7 < kb; p += 8) {
            int s = src + p * lda;
            int d = p;
            for (int i = 0; i < mb; i++, s++, d += D_KC) {
                dst[d] = a[s];
                dst[d + 1] = a[s + lda];
                dst[d + 2] = a[s + 2 * lda];
                dst[d + 3] = a[s + 3 * lda];
                dst[d + 4] = a[s + 4 * lda];
                dst[d + 5] = a[s + 5 * lda];
                dst[d + 6] = a[s + 6 * lda];
                dst[d + 7] = a[s + 7 * lda];
            }
        }
        for (; p < kb; p++) {
            int s = src + p * lda;
            for (int i = 0; i < mb; i++) {
                dst[i * D_KC + p] = a[s + i];
            }
        }
    }

    static void kernel2(double[] c0, double[] c1, double[][] rows, int base, int lo, int hi, double[] a, int ai,
                        int ars, int acs, int kb) {
        int p = 0;
        for (; p + 1 < kb; p += 2) {
            int x = ai + p * acs;
            double a00 = a[x];
            double a01 = a[x + acs];
            double a10 = a[x + ars];
            double a11 = a[x + ars + acs];
            double[] b0 = rows[base + p];
            double[] b1 = rows[base + p + 1];
            for (int j = lo; j < hi; j++) {
                double x0 = b0[j];
                double x1 = b1[j];
                double t0 = c0[j];
                t0 += a00 * x0;
                t0 += a01 * x1;
                c0[j] = t0;
                double t1 = c1[j];
                t1 += a10 * x0;
                t1 += a11 * x1;
                c1[j] = t1;
            }
        }
        if (p < kb) {
            int x = ai + p * acs;
            double a0 = a[x];
            double a1 = a[x + ars];
            double[] b0 = rows[base + p];
            for (int j = lo; j < hi; j++) {
                double x0 = b0[j];
                c0[j] += a0 * x0;
                c1[j] += a1 * x0;
            }
        }
    }

    static void kernel1(double[] c0, double[][] rows, int base, int lo, int hi, double[] a, int ai, int acs,
                        int kb) {
        int p = 0;
        for (; p + 1 < kb; p += 2) {
            int x = ai + p * acs;
            double a0 = a[x];
            double a1 = a[x + acs];
            double[] b0 = rows[base + p];
            double[] b1 = rows[base + p + 1];
            for (int j = lo; j < hi; j++) {
                double t = c0[j];
                t += a0 * b0[j];
                t += a1 * b1[j];
                c0[j] = t;
            }
        }
        if (p < kb) {
            double a0 = a[ai + p * acs];
            double[] b0 = rows[base + p];
            for (int j = lo; j < hi; j++) {
                c0[j] += a0 * b0[j];
            }
        }
    }

    /** c[co ..] = alpha * acc[lo, hi) (+ beta * c when beta != 0); acc may be overwritten. */
    static void writeBack(double[] acc, int lo, int hi, double alpha, double beta, double[] c, int co, double[] tmp) {
        if (beta == 0) {
            if (alpha != 1) {
                for (int j = lo; j < hi; j++) {
                    acc[j] = alpha * acc[j];
                }
            }
            System.arraycopy(acc, lo, c, co, hi - lo);
            return;
        }
        System.arraycopy(c, co, tmp, lo, hi - lo);
        for (int j = lo; j < hi; j++) {
            tmp[j] = alpha * acc[j] + beta * tmp[j];
        }
        System.arraycopy(tmp, lo, c, co, hi - lo);
    }

    static void scaleC(double[] c, int cOff, int ldc, int m, int n, double beta) {
        for (int i = 0; i < m; i++) {
            int co = cOff + i * ldc;
            if (beta == 0) {
                Arrays.fill(c, co, co + n, 0.0);
            } else if (beta != 1) {
                for (int j = co; j < co + n; j++) {
                    c[j] = beta * c[j];
                }
            }
        }
    }

    /** Per-thread tile buffers, float64. */
    private static final class DTile {
        private static final ThreadLocal<DTile> MINE = ThreadLocal.withInitial(DTile::new);

        final double[][] acc = new double[D_MB][D_NB];
        final double[] tmp = new double[D_NB];
        private double[][] packedB;
        private double[] packedA;
        private boolean busy;

        /** This thread's buffers (fresh ones if they are in use further up this thread's stack). */
        static DTile acquire() {
            DTile s = MINE.get();
            if (s.busy) {
                s = new DTile();
            }
            s.busy = true;
            return s;
        }

        void release() {
            busy = false;
        }

        double[][] packedB() {
            if (packedB == null) {
                packedB = new double[D_KC][D_NB];
            }
            return packedB;
        }

        double[] packedA() {
            if (packedA == null) {
                packedA = new double[D_MB * D_KC];
            }
            return packedA;
        }
    }

    /** The per-thread panel of packed op(B) a calling thread shares with the tiles of its call; grows as needed. */
    private static final class DPanel {
        private static final ThreadLocal<DPanel> MINE = ThreadLocal.withInitial(DPanel::new);

        private double[][] rows = new double[0][];
        private boolean busy;

        static DPanel acquire() {
            DPanel s = MINE.get();
            if (s.busy) {
                s = new DPanel();
            }
            s.busy = true;
            return s;
        }

        void release() {
            busy = false;
        }

        double[][] rows(int needed) {
            if (rows.length < needed) {
                double[][] grown = Arrays.copyOf(rows, needed);
                for (int r = rows.length; r < needed; r++) {
                    grown[r] = new double[D_NB];
                }
                rows = grown;
            }
            return rows;
        }
    }

    // ------------------------------------------------------------------------------------------------ checks

    private static void checkDims(int m, int n, int k) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("gemm: expected m, n, k >= 0, got m=" + m + ", n=" + n + ", k=" + k);
        }
    }

    /** A rows x cols matrix at off with leading dimension ld must lie inside an array of the given length. */
    private static void checkMatrix(String name, int length, int off, int ld, int rows, int cols) {
        if (rows == 0 || cols == 0) {
            return;
        }
        if (off < 0 || ld < cols) {
            throw new IllegalArgumentException(name + ": expected offset >= 0 and leading dimension >= " + cols
                    + ", got offset " + off + " and leading dimension " + ld);
        }
        long last = (long) off + (long) (rows - 1) * ld + cols;
        if (last > length) {
            throw new IllegalArgumentException(name + ": a " + rows + " x " + cols + " matrix at offset " + off
                    + " with leading dimension " + ld + " needs " + last + " elements, the array has " + length);
        }
    }
}
