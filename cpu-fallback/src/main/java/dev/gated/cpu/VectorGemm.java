package dev.gated.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 GEMM on the Vector API for the RNN's shapes: C = op(A) op(B) (+ C). A 4 x 2-vector register tile
 * of C accumulates with FMA along k; op(B) is read as k-major rows (a transposed B is packed first).
 *
 * <p>Determinism: every C element is one FMA chain over k in increasing order, started from 0 or from C.
 * Tail columns and tail rows run the same chain with {@link Math#fma}, so an element's value does not
 * depend on m, n, its tile, the row-block partition or the thread count (the contract of {@link Gemm}).
 */
final class VectorGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();
    private static final int NR = 2 * V;
    /** Rows per parallel task: fixed, so partitioning never depends on the thread count. */
    private static final int ROWS_PER_TASK = 64;
    /** Columns per block, so the op(B) panel in use stays in L2. */
    private static final int NC = 256;
    private static final long PARALLEL_FLOPS = 1L << 21;
    private static final ThreadLocal<float[]> PACK = ThreadLocal.withInitial(() -> new float[0]);

    private VectorGemm() {
    }

    static void sgemm(CpuThreads threads, boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff,
                      int lda, float[] b, int bOff, int ldb, boolean accumulate, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        float[] bk = b;
        int bkOff = bOff;
        int ldbk = ldb;
        if (transB) {
            bk = pack(b, bOff, ldb, n, k);
            bkOff = 0;
            ldbk = n;
        }
        final float[] pb = bk;
        final int pbOff = bkOff;
        final int ldp = ldbk;
        int tasks = (m + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        if (tasks == 1 || (long) m * n * k < PARALLEL_FLOPS) {
            rows(0, m, transA, n, k, a, aOff, lda, pb, pbOff, ldp, accumulate, c, cOff, ldc);
        } else {
            threads.parallelFor(tasks, t -> rows(t * ROWS_PER_TASK, Math.min(m, (t + 1) * ROWS_PER_TASK), transA, n, k,
                    a, aOff, lda, pb, pbOff, ldp, accumulate, c, cOff, ldc));
        }
    }

    /** op(B) = B^T copied into k-major rows [k x n], in a per-thread buffer. */
    private static float[] pack(float[] b, int bOff, int ldb, int n, int k) {
        float[] p = PACK.get();
        if (p.length < n * k) {
            p = new float[n * k];
            PACK.set(p);
        }
        for (int j = 0; j < n; j++) {
            int src = bOff + j * ldb;
            for (int kk = 0; kk < k; kk++) {
                p[kk * n + j] = b[src + kk];
            }
        }
        return p;
    }

    private static final int KC = 256;
    private static final ThreadLocal<float[]> PACK_A = ThreadLocal.withInitial(() -> new float[4 * KC]);

    private static void rows(int i0, int i1, boolean transA, int n, int k, float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb, boolean acc, float[] c, int cOff, int ldc) {
        // op(A)[i][kk] lives at a[aOff + i*ra + kk*ka].
        int ra = transA ? 1 : lda;
        int ka = transA ? lda : 1;
        float[] ap = PACK_A.get();
        for (int j0 = 0; j0 < n; j0 += NC) {
            int j1 = Math.min(n, j0 + NC);
            for (int p0 = 0; p0 < k; p0 += KC) {
                int kc = Math.min(KC, k - p0);
                // The first k block starts from 0 or C as asked; later ones continue the chain from C.
                boolean fromC = acc || p0 > 0;
                int i = i0;
                for (; i + 4 <= i1; i += 4) {
                    float[] ta = a;
                    int taOff = aOff + i * ra + p0 * ka;
                    int tra = ra;
                    int tka = ka;
                    if (transA) {
                        // Gather the 4 x kc block once, instead of once per column tile.
                        for (int kk = 0; kk < kc; kk++) {
                            int src = taOff + kk * ka;
                            ap[kk * 4] = a[src];
                            ap[kk * 4 + 1] = a[src + 1];
                            ap[kk * 4 + 2] = a[src + 2];
                            ap[kk * 4 + 3] = a[src + 3];
                        }
                        ta = ap;
                        taOff = 0;
                        tra = 1;
                        tka = 4;
                    }
                    int bp = bOff + p0 * ldb;
                    int j = j0;
                    for (; j + NR <= j1; j += NR) {
                        tile4(i, j, kc, ta, taOff, tra, tka, b, bp, ldb, fromC, c, cOff, ldc);
                    }
                    for (int r = 0; r < 4; r++) {
                        rowTail(i + r, j, j1, kc, ta, taOff + r * tra, tka, b, bp, ldb, fromC, c, cOff, ldc);
                    }
                }
                for (; i < i1; i++) {
                    int aRow = aOff + i * ra + p0 * ka;
                    int bp = bOff + p0 * ldb;
                    int j = j0;
                    for (; j + V <= j1; j += V) {
                        tile1(i, j, kc, a, aRow, ka, b, bp, ldb, fromC, c, cOff, ldc);
                    }
                    rowTail(i, j, j1, kc, a, aRow, ka, b, bp, ldb, fromC, c, cOff, ldc);
                }
            }
        }
    }

    private static FloatVector start(boolean acc, float[] c, int off) {
        return acc ? FloatVector.fromArray(S, c, off) : FloatVector.zero(S);
    }

    /** Rows i..i+3 of C, two vectors of columns; op(A)[i+r][kk] is a[aOff + r*ra + kk*ka]. */
    private static void tile4(int i, int j, int k, float[] a, int aOff, int ra, int ka, float[] b, int bOff, int ldb,
                              boolean acc, float[] c, int cOff, int ldc) {
        int c0 = cOff + i * ldc + j;
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        FloatVector s00 = start(acc, c, c0), s01 = start(acc, c, c0 + V);
        FloatVector s10 = start(acc, c, c1), s11 = start(acc, c, c1 + V);
        FloatVector s20 = start(acc, c, c2), s21 = start(acc, c, c2 + V);
        FloatVector s30 = start(acc, c, c3), s31 = start(acc, c, c3 + V);
        int a0 = aOff;
        int bp = bOff + j;
        for (int kk = 0; kk < k; kk++, a0 += ka, bp += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + V);
            FloatVector x = FloatVector.broadcast(S, a[a0]);
            s00 = x.fma(b0, s00);
            s01 = x.fma(b1, s01);
            x = FloatVector.broadcast(S, a[a0 + ra]);
            s10 = x.fma(b0, s10);
            s11 = x.fma(b1, s11);
            x = FloatVector.broadcast(S, a[a0 + 2 * ra]);
            s20 = x.fma(b0, s20);
            s21 = x.fma(b1, s21);
            x = FloatVector.broadcast(S, a[a0 + 3 * ra]);
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

    /** One row of C, one vector of columns; {@code aRow} is where op(A)[i][0] of this k block lives. */
    private static void tile1(int i, int j, int k, float[] a, int aRow, int ka, float[] b, int bOff, int ldb,
                              boolean acc, float[] c, int cOff, int ldc) {
        int c0 = cOff + i * ldc + j;
        FloatVector s = start(acc, c, c0);
        int a0 = aRow;
        int bp = bOff + j;
        for (int kk = 0; kk < k; kk++, a0 += ka, bp += ldb) {
            s = FloatVector.broadcast(S, a[a0]).fma(FloatVector.fromArray(S, b, bp), s);
        }
        s.intoArray(c, c0);
    }

    /** Columns [j, j1) of row i, one scalar FMA chain each: the same operations as a vector lane. */
    private static void rowTail(int i, int j, int j1, int k, float[] a, int aRow, int ka, float[] b, int bOff,
                                int ldb, boolean acc, float[] c, int cOff, int ldc) {
        for (; j < j1; j++) {
            int ci = cOff + i * ldc + j;
            float s = acc ? c[ci] : 0f;
            int a0 = aRow;
            int bp = bOff + j;
            for (int kk = 0; kk < k; kk++, a0 += ka, bp += ldb) {
                s = Math.fma(a[a0], b[bp], s);
            }
            c[ci] = s;
        }
    }
}
