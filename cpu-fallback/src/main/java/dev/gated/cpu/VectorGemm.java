package dev.gated.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 GEMM on the Vector API: C = op(A) op(B) (+ C). op(B) is first packed into strips of NR = 2 vectors
 * of columns, k-major inside a strip, so the 4 x NR register tile reads B as one contiguous stream (a
 * strided B costs a TLB miss per k step). A B used many times, like an RNN's recurrent weights over the
 * time steps, is packed once with {@link #pack} and passed in packed.
 *
 * <p>Determinism: every C element is one FMA chain over k in increasing order, started from 0 or from C.
 * Tail columns and tail rows run the same chain with {@link Math#fma}, so an element's value does not
 * depend on m, n, its tile, the row-block partition or the thread count (the contract of {@link Gemm}).
 */
final class VectorGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();
    private static final int NR = 2 * V;
    /**
     * Rows per register tile: 8 with 512-bit vectors (16 accumulators + 2 B vectors + 1 broadcast of AVX-512's 32
     * registers; half the B loads per FMA of a 4-row tile), else 4 (an 8-row tile would spill AVX2's 16 registers).
     */
    private static final int MR = V >= 16 ? 8 : 4;
    /** k block: a 4 x KC block of A and a KC x NC panel of B stay in cache while a row block is done. */
    private static final int KC = 256;
    /** Strips per column block (NC = 16 * NR columns). */
    private static final int STRIPS_PER_BLOCK = 16;
    /** Rows per parallel task: fixed, so partitioning never depends on the thread count. */
    private static final int ROWS_PER_TASK = 64;
    private static final long PARALLEL_FLOPS = 1L << 21;
    /** Most floats of op(A) a task gathers at once for all column blocks (2 MiB per thread). */
    private static final long GATHER_ONCE_MAX = 64 * 8192;
    private static final ThreadLocal<Packed> PACKED = new ThreadLocal<>();
    /** Rows of op(A) gathered at once: 16 floats = one cache line per k. */
    private static final int A_ROWS = 16;

    private VectorGemm() {
    }

    /**
     * op(B) (k x n) in strips: element (kk, j) at data[((j / NR) * k + kk) * NR + j % NR]; padding is 0. data may be
     * longer than k x n needs: a buffer is reused for any smaller product (no allocation inside a training step,
     * whose products alternate between shapes).
     */
    static final class Packed {
        int k;
        int n;
        final float[] data;

        private Packed(int k, int n) {
            this.k = k;
            this.n = n;
            this.data = new float[size(k, n)];
        }

        private static int strips(int n) {
            return (n + NR - 1) / NR;
        }

        private static int size(int k, int n) {
            return Math.multiplyExact(strips(n) * NR, Math.max(k, 1));
        }
    }

    /** Packs op(B) (B stored n x k when transB, else k x n), into {@code reuse} when it has room. */
    static Packed pack(Packed reuse, boolean transB, int k, int n, float[] b, int bOff, int ldb) {
        Packed p;
        if (reuse != null && reuse.data.length >= Packed.size(k, n)) {
            p = reuse;
            p.k = k;
            p.n = n;
        } else {
            p = new Packed(k, n);
        }
        float[] d = p.data;
        for (int s = 0, strips = Packed.strips(n); s < strips; s++) {
            int j0 = s * NR;
            int w = Math.min(NR, n - j0);
            int base = s * k * NR;
            for (int kk = 0; kk < k; kk++) {
                int dst = base + kk * NR;
                if (transB) {
                    for (int r = 0; r < w; r++) {
                        d[dst + r] = b[bOff + (j0 + r) * ldb + kk];
                    }
                } else {
                    System.arraycopy(b, bOff + kk * ldb + j0, d, dst, w);
                }
                for (int r = w; r < NR; r++) {
                    d[dst + r] = 0f;
                }
            }
        }
        return p;
    }

    static void sgemm(CpuThreads threads, boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff,
                      int lda, float[] b, int bOff, int ldb, boolean accumulate, float[] c, int cOff, int ldc) {
        sgemm(threads, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc, null, 0);
    }

    /**
     * {@link #sgemm} that also adds the row sums of op(A) to {@code sums[sumsOff + i]} (when sums is not null),
     * read while A is packed instead of in a pass of their own: the bias gradient of an RNN is the column sums of
     * the dG that its weight-gradient GEMM reads as A^T. Each sum is one float chain from 0 over k in order, then
     * added to sums, the same operations as {@link F32VectorKernels#sumRows}.
     */
    static void sgemm(CpuThreads threads, boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff,
                      int lda, float[] b, int bOff, int ldb, boolean accumulate, float[] c, int cOff, int ldc,
                      float[] sums, int sumsOff) {
        if (m == 0 || n == 0) {
            return;
        }
        Packed p = pack(PACKED.get(), transB, k, n, b, bOff, ldb);
        PACKED.set(p);
        sgemm(threads, transA, m, a, aOff, lda, p, accumulate, c, cOff, ldc, sums, sumsOff);
    }

    /** C (m x n) = op(A) (m x k) times a packed op(B) (+ C). */
    static void sgemm(CpuThreads threads, boolean transA, int m, float[] a, int aOff, int lda, Packed b,
                      boolean accumulate, float[] c, int cOff, int ldc) {
        sgemm(threads, transA, m, a, aOff, lda, b, accumulate, c, cOff, ldc, null, 0);
    }

    private static void sgemm(CpuThreads threads, boolean transA, int m, float[] a, int aOff, int lda, Packed b,
                              boolean accumulate, float[] c, int cOff, int ldc, float[] sums, int sumsOff) {
        int n = b.n;
        int k = b.k;
        if (m == 0 || n == 0) {
            return;
        }
        int tasks = (m + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        if (tasks == 1 || (long) m * n * k < PARALLEL_FLOPS) {
            rows(0, m, transA, a, aOff, lda, b, accumulate, c, cOff, ldc, sums, sumsOff);
        } else {
            threads.parallelFor(tasks, t -> rows(t * ROWS_PER_TASK, Math.min(m, (t + 1) * ROWS_PER_TASK), transA,
                    a, aOff, lda, b, accumulate, c, cOff, ldc, sums, sumsOff));
        }
    }

    /** Per-thread scratch: gathered blocks of op(A), and the row sums of a task's rows. */
    private static final class Scratch {
        float[] a = new float[A_ROWS * KC];
        float[] sums = new float[ROWS_PER_TASK];

        /** Room for {@code blocks} gathered blocks of A_ROWS x KC. */
        float[] a(int blocks) {
            int need = blocks * A_ROWS * KC;
            if (a.length < need) {
                a = new float[need];
            }
            return a;
        }

        /** Room for the row sums of {@code rows} rows, zeroed. */
        float[] sums(int rows) {
            if (sums.length < rows) {
                sums = new float[rows];
            }
            java.util.Arrays.fill(sums, 0, rows, 0f);
            return sums;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static void rows(int i0, int i1, boolean transA, float[] a, int aOff, int lda, Packed pb,
                             boolean acc, float[] c, int cOff, int ldc, float[] sums, int sumsOff) {
        int n = pb.n;
        int k = pb.k;
        float[] b = pb.data;
        // op(A)[i][kk] lives at a[aOff + i*ra + kk*ka].
        int ra = transA ? 1 : lda;
        int ka = transA ? lda : 1;
        int strips = Packed.strips(n);
        if (k == 0 && !acc) {
            for (int i = i0; i < i1; i++) {
                java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            }
            return;
        }
        Scratch scratch = SCRATCH.get();
        float[] rowSums = sums == null ? null : scratch.sums(i1 - i0);
        int tiled = (i1 - i0) / MR * MR;  // rows in full register tiles; the rest go one by one
        int groups = (tiled + A_ROWS - 1) / A_ROWS;
        int kBlocks = (k + KC - 1) / KC;
        // With several column blocks, every block needs the same gathered A: gather all of it once (a task's
        // rows x k, at most 2 MiB) rather than once per column block. A transposed A (the dG^T of the weight
        // gradients) is a strided read, the costliest part of the gather.
        boolean gatherOnce = strips > STRIPS_PER_BLOCK && (long) groups * A_ROWS * kBlocks * KC <= GATHER_ONCE_MAX;
        float[] ap = scratch.a(gatherOnce ? groups * kBlocks : 1);
        if (gatherOnce) {
            // k blocks outer: the groups of one k block read neighbouring columns of the same rows of A.
            for (int pbk = 0; pbk < kBlocks; pbk++) {
                for (int g = 0; g < groups; g++) {
                    int p0 = pbk * KC;
                    int i = i0 + g * A_ROWS;
                    packA(a, aOff + i * ra + p0 * ka, ra, ka, Math.min(A_ROWS, i0 + tiled - i), Math.min(KC, k - p0),
                            ap, (g * kBlocks + pbk) * A_ROWS * KC, rowSums, g * A_ROWS);
                }
            }
        }
        for (int s0 = 0; s0 < strips; s0 += STRIPS_PER_BLOCK) {
            int s1 = Math.min(strips, s0 + STRIPS_PER_BLOCK);
            for (int p0 = 0; p0 < k; p0 += KC) {
                int kc = Math.min(KC, k - p0);
                // The first k block starts from 0 or C as asked; later ones continue the chain from C.
                boolean fromC = acc || p0 > 0;
                for (int i = i0; i < i0 + tiled; i += MR) {
                    // Gather up to 16 rows x kc of op(A) once per k block, k-major: the tile then reads A at
                    // constant strides (the JIT hoists its range checks) and a transposed A in whole cache lines.
                    int g = (i - i0) / A_ROWS;
                    int r0 = (i - i0) % A_ROWS;
                    int apOff = gatherOnce ? (g * kBlocks + p0 / KC) * A_ROWS * KC : 0;
                    if (!gatherOnce && r0 == 0) {
                        packA(a, aOff + i * ra + p0 * ka, ra, ka, Math.min(A_ROWS, i0 + tiled - i), kc, ap, 0,
                                s0 == 0 ? rowSums : null, g * A_ROWS);
                    }
                    for (int s = s0; s < s1; s++) {
                        int j = s * NR;
                        int bp = (s * k + p0) * NR;
                        if (j + NR <= n) {
                            if (MR == 8) {
                                tile8(i, j, kc, ap, apOff + r0, b, bp, fromC, c, cOff, ldc);
                            } else {
                                tile4(i, j, kc, ap, apOff + r0, b, bp, fromC, c, cOff, ldc);
                            }
                        } else {
                            for (int r = 0; r < MR; r++) {
                                scalar(i + r, j, n, kc, ap, apOff + r0 + r, A_ROWS, b, bp, fromC, c, cOff, ldc);
                            }
                        }
                    }
                }
                for (int i = i0 + tiled; i < i1; i++) {
                    int aRow = aOff + i * ra + p0 * ka;
                    for (int s = s0; s < s1; s++) {
                        int j = s * NR;
                        int bp = (s * k + p0) * NR;
                        int jv = j;
                        for (; jv + V <= Math.min(n, j + NR); jv += V) {
                            tile1(i, jv, kc, a, aRow, ka, b, bp + (jv - j), fromC, c, cOff, ldc);
                        }
                        // Remaining columns of a partial strip: b[bp + (jv - j) + kk*NR] holds column jv.
                        scalar(i, jv, Math.min(n, j + NR), kc, a, aRow, ka, b, bp + (jv - j), fromC, c, cOff, ldc);
                    }
                }
            }
        }
        if (rowSums != null) {
            for (int i = i0 + tiled; i < i1; i++) {  // rows that were never gathered
                float s = 0f;
                for (int kk = 0, x = aOff + i * ra; kk < k; kk++, x += ka) {
                    s += a[x];
                }
                rowSums[i - i0] = s;
            }
            for (int i = i0; i < i1; i++) {
                sums[sumsOff + i] += rowSums[i - i0];
            }
        }
    }

    /**
     * dst[dOff + kk * A_ROWS + r] = op(A)[r][kk] for r < rows, kk < kc; op(A)[r][kk] is a[src + r*ra + kk*ka].
     * With sums, also sums[sOff + r] += op(A)[r][kk] in kk order (the caller gathers each element once).
     */
    private static void packA(float[] a, int src, int ra, int ka, int rows, int kc, float[] dst, int dOff,
                              float[] sums, int sOff) {
        if (ra == 1 && rows == A_ROWS) {
            // 16 contiguous floats per k: vector copies, far cheaper than an arraycopy call each.
            for (int kk = 0; kk < kc; kk++) {
                for (int r = 0; r < A_ROWS; r += V) {
                    FloatVector.fromArray(S, a, src + kk * ka + r).intoArray(dst, dOff + kk * A_ROWS + r);
                }
            }
            if (sums != null) {
                // From the gathered block, still in L1: summing while gathering would walk A's rows twice.
                for (int r = 0; r < A_ROWS; r += V) {
                    FloatVector sum = FloatVector.fromArray(S, sums, sOff + r);
                    for (int kk = 0; kk < kc; kk++) {
                        sum = sum.add(FloatVector.fromArray(S, dst, dOff + kk * A_ROWS + r));
                    }
                    sum.intoArray(sums, sOff + r);
                }
            }
        } else if (ra == 1) {
            for (int kk = 0; kk < kc; kk++) {
                System.arraycopy(a, src + kk * ka, dst, dOff + kk * A_ROWS, rows);
                if (sums != null) {
                    for (int r = 0; r < rows; r++) {
                        sums[sOff + r] += dst[dOff + kk * A_ROWS + r];  // the copy just made, not A again
                    }
                }
            }
        } else {
            for (int r = 0; r < rows; r++) {
                int row = src + r * ra;
                float s = sums == null ? 0f : sums[sOff + r];
                for (int kk = 0; kk < kc; kk++) {
                    float x = a[row + kk];
                    dst[dOff + kk * A_ROWS + r] = x;
                    s += x;
                }
                if (sums != null) {
                    sums[sOff + r] = s;
                }
            }
        }
    }

    private static FloatVector start(boolean acc, float[] c, int off) {
        return acc ? FloatVector.fromArray(S, c, off) : FloatVector.zero(S);
    }

    /** Rows i..i+7 of C, one strip: {@link #tile4} for twice the rows, the same FMA chain per element. */
    private static void tile8(int i, int j, int k, float[] ap, int apOff, float[] b, int bOff,
                              boolean acc, float[] c, int cOff, int ldc) {
        int c0 = cOff + i * ldc + j;
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        int c4 = c3 + ldc;
        int c5 = c4 + ldc;
        int c6 = c5 + ldc;
        int c7 = c6 + ldc;
        FloatVector s00 = start(acc, c, c0), s01 = start(acc, c, c0 + V);
        FloatVector s10 = start(acc, c, c1), s11 = start(acc, c, c1 + V);
        FloatVector s20 = start(acc, c, c2), s21 = start(acc, c, c2 + V);
        FloatVector s30 = start(acc, c, c3), s31 = start(acc, c, c3 + V);
        FloatVector s40 = start(acc, c, c4), s41 = start(acc, c, c4 + V);
        FloatVector s50 = start(acc, c, c5), s51 = start(acc, c, c5 + V);
        FloatVector s60 = start(acc, c, c6), s61 = start(acc, c, c6 + V);
        FloatVector s70 = start(acc, c, c7), s71 = start(acc, c, c7 + V);
        for (int kk = 0; kk < k; kk++) {
            int bp = bOff + kk * NR;
            int a0 = apOff + kk * A_ROWS;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + V);
            FloatVector x = FloatVector.broadcast(S, ap[a0]);
            s00 = x.fma(b0, s00);
            s01 = x.fma(b1, s01);
            x = FloatVector.broadcast(S, ap[a0 + 1]);
            s10 = x.fma(b0, s10);
            s11 = x.fma(b1, s11);
            x = FloatVector.broadcast(S, ap[a0 + 2]);
            s20 = x.fma(b0, s20);
            s21 = x.fma(b1, s21);
            x = FloatVector.broadcast(S, ap[a0 + 3]);
            s30 = x.fma(b0, s30);
            s31 = x.fma(b1, s31);
            x = FloatVector.broadcast(S, ap[a0 + 4]);
            s40 = x.fma(b0, s40);
            s41 = x.fma(b1, s41);
            x = FloatVector.broadcast(S, ap[a0 + 5]);
            s50 = x.fma(b0, s50);
            s51 = x.fma(b1, s51);
            x = FloatVector.broadcast(S, ap[a0 + 6]);
            s60 = x.fma(b0, s60);
            s61 = x.fma(b1, s61);
            x = FloatVector.broadcast(S, ap[a0 + 7]);
            s70 = x.fma(b0, s70);
            s71 = x.fma(b1, s71);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + V);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + V);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + V);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + V);
        s40.intoArray(c, c4);
        s41.intoArray(c, c4 + V);
        s50.intoArray(c, c5);
        s51.intoArray(c, c5 + V);
        s60.intoArray(c, c6);
        s61.intoArray(c, c6 + V);
        s70.intoArray(c, c7);
        s71.intoArray(c, c7 + V);
    }

    /** Rows i..i+3 of C, one strip; op(A)[i+r][kk] is ap[apOff + r + kk*A_ROWS], B at b[bOff + kk*NR]. */
    private static void tile4(int i, int j, int k, float[] ap, int apOff, float[] b, int bOff,
                              boolean acc, float[] c, int cOff, int ldc) {
        int c0 = cOff + i * ldc + j;
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        FloatVector s00 = start(acc, c, c0), s01 = start(acc, c, c0 + V);
        FloatVector s10 = start(acc, c, c1), s11 = start(acc, c, c1 + V);
        FloatVector s20 = start(acc, c, c2), s21 = start(acc, c, c2 + V);
        FloatVector s30 = start(acc, c, c3), s31 = start(acc, c, c3 + V);
        // Indices are affine in kk with constant strides, so the JIT can hoist the range checks.
        for (int kk = 0; kk < k; kk++) {
            int bp = bOff + kk * NR;
            int a0 = apOff + kk * A_ROWS;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + V);
            FloatVector x = FloatVector.broadcast(S, ap[a0]);
            s00 = x.fma(b0, s00);
            s01 = x.fma(b1, s01);
            x = FloatVector.broadcast(S, ap[a0 + 1]);
            s10 = x.fma(b0, s10);
            s11 = x.fma(b1, s11);
            x = FloatVector.broadcast(S, ap[a0 + 2]);
            s20 = x.fma(b0, s20);
            s21 = x.fma(b1, s21);
            x = FloatVector.broadcast(S, ap[a0 + 3]);
            s30 = x.fma(b0, s30);
            s31 = x.fma(b1, s31);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + V);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + V);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + V);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + V);
    }

    /** One row of C, one vector of columns; op(A)[i][kk] is a[aRow + kk*ka], B at b[bOff + kk*NR]. */
    private static void tile1(int i, int j, int k, float[] a, int aRow, int ka, float[] b, int bOff,
                              boolean acc, float[] c, int cOff, int ldc) {
        int c0 = cOff + i * ldc + j;
        FloatVector s = start(acc, c, c0);
        int a0 = aRow;
        int bp = bOff;
        for (int kk = 0; kk < k; kk++, a0 += ka, bp += NR) {
            s = FloatVector.broadcast(S, a[a0]).fma(FloatVector.fromArray(S, b, bp), s);
        }
        s.intoArray(c, c0);
    }

    /** Columns [j, j1) of row i, one scalar FMA chain each: the same operations as a vector lane. */
    private static void scalar(int i, int j, int j1, int k, float[] a, int aRow, int ka, float[] b, int bOff,
                               boolean acc, float[] c, int cOff, int ldc) {
        for (int col = j; col < j1; col++) {
            int ci = cOff + i * ldc + col;
            float s = acc ? c[ci] : 0f;
            int a0 = aRow;
            int bp = bOff + (col - j);
            for (int kk = 0; kk < k; kk++, a0 += ka, bp += NR) {
                s = Math.fma(a[a0], b[bp], s);
            }
            c[ci] = s;
        }
    }
}
