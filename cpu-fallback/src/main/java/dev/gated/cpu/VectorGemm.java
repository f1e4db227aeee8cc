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
    private static final ThreadLocal<Packed> PACKED = new ThreadLocal<>();
    /** Rows of op(A) gathered at once: 16 floats = one cache line per k. */
    private static final int A_ROWS = 16;
    private static final ThreadLocal<float[]> PACK_A = ThreadLocal.withInitial(() -> new float[A_ROWS * KC]);

    private VectorGemm() {
    }

    /** op(B) (k x n) in strips: element (kk, j) at data[((j / NR) * k + kk) * NR + j % NR]; padding is 0. */
    static final class Packed {
        final int k;
        final int n;
        final float[] data;

        private Packed(int k, int n) {
            this.k = k;
            this.n = n;
            this.data = new float[Math.multiplyExact(strips(n) * NR, Math.max(k, 1))];
        }

        private static int strips(int n) {
            return (n + NR - 1) / NR;
        }
    }

    /** Packs op(B) (B stored n x k when transB, else k x n), into {@code reuse} when it has the same k and n. */
    static Packed pack(Packed reuse, boolean transB, int k, int n, float[] b, int bOff, int ldb) {
        Packed p = reuse != null && reuse.k == k && reuse.n == n ? reuse : new Packed(k, n);
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
        if (m == 0 || n == 0) {
            return;
        }
        Packed p = pack(PACKED.get(), transB, k, n, b, bOff, ldb);
        PACKED.set(p);
        sgemm(threads, transA, m, a, aOff, lda, p, accumulate, c, cOff, ldc);
    }

    /** C (m x n) = op(A) (m x k) times a packed op(B) (+ C). */
    static void sgemm(CpuThreads threads, boolean transA, int m, float[] a, int aOff, int lda, Packed b,
                      boolean accumulate, float[] c, int cOff, int ldc) {
        int n = b.n;
        int k = b.k;
        if (m == 0 || n == 0) {
            return;
        }
        int tasks = (m + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        if (tasks == 1 || (long) m * n * k < PARALLEL_FLOPS) {
            rows(0, m, transA, a, aOff, lda, b, accumulate, c, cOff, ldc);
        } else {
            threads.parallelFor(tasks, t -> rows(t * ROWS_PER_TASK, Math.min(m, (t + 1) * ROWS_PER_TASK), transA,
                    a, aOff, lda, b, accumulate, c, cOff, ldc));
        }
    }

    private static void rows(int i0, int i1, boolean transA, float[] a, int aOff, int lda, Packed pb,
                             boolean acc, float[] c, int cOff, int ldc) {
        int n = pb.n;
        int k = pb.k;
        float[] b = pb.data;
        // op(A)[i][kk] lives at a[aOff + i*ra + kk*ka].
        int ra = transA ? 1 : lda;
        int ka = transA ? lda : 1;
        float[] ap = PACK_A.get();
        int strips = Packed.strips(n);
        if (k == 0 && !acc) {
            for (int i = i0; i < i1; i++) {
                java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            }
            return;
        }
        for (int s0 = 0; s0 < strips; s0 += STRIPS_PER_BLOCK) {
            int s1 = Math.min(strips, s0 + STRIPS_PER_BLOCK);
            for (int p0 = 0; p0 < k; p0 += KC) {
                int kc = Math.min(KC, k - p0);
                // The first k block starts from 0 or C as asked; later ones continue the chain from C.
                boolean fromC = acc || p0 > 0;
                int i = i0;
                for (; i + MR <= i1; i += MR) {
                    // Gather up to 16 rows x kc of op(A) once per k block, k-major: the tile then reads A at
                    // constant strides (the JIT hoists its range checks) and a transposed A in whole cache lines.
                    int r0 = (i - i0) % A_ROWS;
                    if (r0 == 0) {
                        packA(a, aOff + i * ra + p0 * ka, ra, ka, Math.min(A_ROWS, (i1 - i) / MR * MR), kc, ap);
                    }
                    for (int s = s0; s < s1; s++) {
                        int j = s * NR;
                        int bp = (s * k + p0) * NR;
                        if (j + NR <= n) {
                            if (MR == 8) {
                                tile8(i, j, kc, ap, r0, b, bp, fromC, c, cOff, ldc);
                            } else {
                                tile4(i, j, kc, ap, r0, b, bp, fromC, c, cOff, ldc);
                            }
                        } else {
                            for (int r = 0; r < MR; r++) {
                                scalar(i + r, j, n, kc, ap, r0 + r, A_ROWS, b, bp, fromC, c, cOff, ldc);
                            }
                        }
                    }
                }
                for (; i < i1; i++) {
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
    }

    /** dst[kk * A_ROWS + r] = op(A)[r][kk] for r < rows, kk < kc; op(A)[r][kk] is a[src + r*ra + kk*ka]. */
    private static void packA(float[] a, int src, int ra, int ka, int rows, int kc, float[] dst) {
        if (ra == 1 && rows == A_ROWS) {
            // 16 contiguous floats per k: vector copies, far cheaper than an arraycopy call each.
            for (int kk = 0; kk < kc; kk++) {
                for (int r = 0; r < A_ROWS; r += V) {
                    FloatVector.fromArray(S, a, src + kk * ka + r).intoArray(dst, kk * A_ROWS + r);
                }
            }
        } else if (ra == 1) {
            for (int kk = 0; kk < kc; kk++) {
                System.arraycopy(a, src + kk * ka, dst, kk * A_ROWS, rows);
            }
        } else {
            for (int r = 0; r < rows; r++) {
                int row = src + r * ra;
                for (int kk = 0; kk < kc; kk++) {
                    dst[kk * A_ROWS + r] = a[row + kk];
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
