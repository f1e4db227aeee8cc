package dev.gated.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link Gemm} against a naive triple loop in double (with the rigorous bound on a k-term sum's rounding error),
 * against a naive loop in the dtype that performs exactly the documented operation sequence (bit for bit), and
 * for bit-identical results across thread counts and across how rows and columns are grouped into calls.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GemmTest {
    private CpuThreads two;
    private CpuThreads three;

    @BeforeAll
    void start() {
        two = new CpuThreads(2);
        three = new CpuThreads(3);
    }

    @AfterAll
    void stop() {
        two.close();
        three.close();
    }

    /** A matrix stored row-major at an offset with a leading dimension, padded with NaN around it. */
    record FMat(float[] data, int off, int ld, int rows, int cols) {
        float at(int i, int j) {
            return data[off + i * ld + j];
        }
    }

    record DMat(double[] data, int off, int ld, int rows, int cols) {
        double at(int i, int j) {
            return data[off + i * ld + j];
        }
    }

    private static FMat frand(SplittableRandom r, int rows, int cols, int off, int pad) {
        int ld = cols + pad;
        float[] d = new float[off + Math.max(0, rows * ld) + 3];
        Arrays.fill(d, Float.NaN);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                d[off + i * ld + j] = (float) (r.nextDouble() * 2 - 1);
            }
        }
        return new FMat(d, off, ld, rows, cols);
    }

    private static DMat drand(SplittableRandom r, int rows, int cols, int off, int pad) {
        int ld = cols + pad;
        double[] d = new double[off + Math.max(0, rows * ld) + 3];
        Arrays.fill(d, Double.NaN);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                d[off + i * ld + j] = r.nextDouble() * 2 - 1;
            }
        }
        return new DMat(d, off, ld, rows, cols);
    }

    private static float opF(FMat x, boolean trans, int i, int j) {
        return trans ? x.at(j, i) : x.at(i, j);
    }

    private static double opD(DMat x, boolean trans, int i, int j) {
        return trans ? x.at(j, i) : x.at(i, j);
    }

    /** The documented sequence in float: acc = 0; acc += a*b in p order; alpha*acc (+ beta*c). */
    private static float[] contractF(boolean ta, boolean tb, int m, int n, int k, float alpha, FMat a, FMat b,
                                     float beta, FMat c) {
        float[] out = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float acc = 0;
                for (int p = 0; p < k; p++) {
                    acc += opF(a, ta, i, p) * opF(b, tb, p, j);
                }
                out[i * n + j] = k == 0 || alpha == 0 ? (beta == 0 ? 0 : beta * c.at(i, j))
                        : beta == 0 ? alpha * acc : alpha * acc + beta * c.at(i, j);
            }
        }
        return out;
    }

    private static double[] contractD(boolean ta, boolean tb, int m, int n, int k, double alpha, DMat a, DMat b,
                                      double beta, DMat c) {
        double[] out = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int p = 0; p < k; p++) {
                    acc += opD(a, ta, i, p) * opD(b, tb, p, j);
                }
                out[i * n + j] = k == 0 || alpha == 0 ? (beta == 0 ? 0 : beta * c.at(i, j))
                        : beta == 0 ? alpha * acc : alpha * acc + beta * c.at(i, j);
            }
        }
        return out;
    }

    /** Checks c against exact (double) math within gamma_{k+3} * sum |terms|. */
    private static void assertNearExact(String what, boolean ta, boolean tb, int m, int n, int k, double alpha,
                                        double[] ad, int aOff, int lda, double[] bd, int bOff, int ldb, double beta,
                                        double[] c0, int cOff, int ldc, double[] got, double unit) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                double abs = 0;
                for (int p = 0; p < k; p++) {
                    double av = ta ? ad[aOff + p * lda + i] : ad[aOff + i * lda + p];
                    double bv = tb ? bd[bOff + j * ldb + p] : bd[bOff + p * ldb + j];
                    s += av * bv;
                    abs += Math.abs(av * bv);
                }
                double cOld = c0[cOff + i * ldc + j];
                double expect = alpha * s + (beta == 0 ? 0 : beta * cOld);
                double scale = Math.abs(alpha) * abs + (beta == 0 ? 0 : Math.abs(beta * cOld));
                double actual = got[cOff + i * ldc + j];
                double bound = (k + 3) * unit * scale * 1.01 + 1e-300;
                if (!(Math.abs(actual - expect) <= bound)) {
                    fail(what + ": C[" + i + "][" + j + "] = " + actual + ", expected " + expect + " within " + bound);
                }
            }
        }
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private void checkFloat(CpuThreads th, boolean ta, boolean tb, int m, int n, int k, float alpha, float beta,
                            long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        FMat a = ta ? frand(r, k, m, 3, 2) : frand(r, m, k, 3, 2);
        FMat b = tb ? frand(r, n, k, 5, 1) : frand(r, k, n, 5, 1);
        FMat c = frand(r, m, n, 7, 3);
        if (beta == 0) {
            for (int i = 0; i < m; i++) {
                Arrays.fill(c.data, c.off + i * c.ld, c.off + i * c.ld + n, Float.NaN);
            }
        }
        float[] c0 = c.data.clone();
        float[] got = c.data.clone();
        F32Gemm.gemm(th, ta, tb, m, n, k, alpha, a.data, a.off, a.ld, b.data, b.off, b.ld, beta, got, c.off, c.ld);
        String what = "sgemm " + (ta ? "T" : "N") + (tb ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k
                + " alpha=" + alpha + " beta=" + beta + " threads=" + th.threads();
        float[] contract = contractF(ta, tb, m, n, k, alpha, a, b, beta, c);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float g = got[c.off + i * c.ld + j];
                if (Float.floatToIntBits(g) != Float.floatToIntBits(contract[i * n + j])) {
                    fail(what + ": C[" + i + "][" + j + "] = " + g + " but the documented sequence gives "
                            + contract[i * n + j]);
                }
            }
        }
        // Outside C (padding, other rows' tails) nothing changed.
        for (int x = 0; x < got.length; x++) {
            int rel = x - c.off;
            boolean inside = rel >= 0 && rel / c.ld < m && rel % c.ld < n;
            if (!inside && Float.floatToIntBits(got[x]) != Float.floatToIntBits(c0[x])) {
                fail(what + ": element " + x + " outside C was written");
            }
        }
        assertNearExact(what, ta, tb, m, n, k, alpha, toDouble(a.data), a.off, a.ld, toDouble(b.data), b.off, b.ld,
                beta, toDouble(c0), c.off, c.ld, toDouble(got), 0x1.0p-24);
    }

    private void checkDouble(CpuThreads th, boolean ta, boolean tb, int m, int n, int k, double alpha, double beta,
                             long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        DMat a = ta ? drand(r, k, m, 1, 3) : drand(r, m, k, 1, 3);
        DMat b = tb ? drand(r, n, k, 2, 2) : drand(r, k, n, 2, 2);
        DMat c = drand(r, m, n, 4, 1);
        if (beta == 0) {
            for (int i = 0; i < m; i++) {
                Arrays.fill(c.data, c.off + i * c.ld, c.off + i * c.ld + n, Double.NaN);
            }
        }
        double[] c0 = c.data.clone();
        double[] got = c.data.clone();
        F64Gemm.gemm(th, ta, tb, m, n, k, alpha, a.data, a.off, a.ld, b.data, b.off, b.ld, beta, got, c.off, c.ld);
        String what = "dgemm " + (ta ? "T" : "N") + (tb ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k
                + " alpha=" + alpha + " beta=" + beta + " threads=" + th.threads();
        double[] contract = contractD(ta, tb, m, n, k, alpha, a, b, beta, c);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double g = got[c.off + i * c.ld + j];
                if (Double.doubleToLongBits(g) != Double.doubleToLongBits(contract[i * n + j])) {
                    fail(what + ": C[" + i + "][" + j + "] = " + g + " but the documented sequence gives "
                            + contract[i * n + j]);
                }
            }
        }
        assertNearExact(what, ta, tb, m, n, k, alpha, a.data, a.off, a.ld, b.data, b.off, b.ld, beta, c0, c.off, c.ld,
                got, 0x1.0p-53);
    }

    private static final int[][] SIZES = {
        {1, 1, 1}, {3, 5, 7}, {1, 9, 4}, {2, 1, 3}, {17, 13, 33}, {4, 8, 1}, {5, 7, 2},
        // crossing the row blocks (96 float, 64 double), the column blocks (512 float, 256 double) and the
        // 128-deep k blocks, with odd tails; the last ones are large with few tiles, so they get shorter tiles
        {97, 259, 37}, {191, 130, 257}, {65, 129, 513}, {37, 530, 140}, {200, 300, 300}, {64, 515, 130},
    };

    private static final float[][] ALPHA_BETA = {{1, 0}, {1.5f, 0}, {-0.75f, 0.5f}, {1, 1}, {0.5f, -1}};

    @Test
    void floatAllTransposesAlphaBetaOffsets() {
        long seed = 1;
        for (int[] s : SIZES) {
            for (int tr = 0; tr < 4; tr++) {
                for (float[] ab : ALPHA_BETA) {
                    CpuThreads th = (seed % 3 == 0) ? three : (seed % 3 == 1) ? two : CpuThreads.SERIAL;
                    checkFloat(th, (tr & 1) != 0, (tr & 2) != 0, s[0], s[1], s[2], ab[0], ab[1], seed++);
                }
            }
        }
    }

    @Test
    void doubleAllTransposesAlphaBetaOffsets() {
        long seed = 100;
        for (int[] s : SIZES) {
            for (int tr = 0; tr < 4; tr++) {
                for (float[] ab : ALPHA_BETA) {
                    CpuThreads th = (seed % 3 == 0) ? three : (seed % 3 == 1) ? two : CpuThreads.SERIAL;
                    checkDouble(th, (tr & 1) != 0, (tr & 2) != 0, s[0], s[1], s[2], ab[0], ab[1], seed++);
                }
            }
        }
    }

    @Test
    void largeKPacksPerTile() {
        // k times a column block exceeds the shared panel budget, so every tile packs its own k blocks of op(B);
        // the products are large enough to be cut into column slices, one of them empty.
        int kf = Gemm.PANEL_CAP / F32Gemm.NB + 5;
        int kd = Gemm.PANEL_CAP / F64Gemm.NB + 3;
        for (int tr = 0; tr < 4; tr++) {
            checkFloat(two, (tr & 1) != 0, (tr & 2) != 0, 4, 3, kf, 1, 0.5f, 7 + tr);
            checkFloat(three, (tr & 1) != 0, (tr & 2) != 0, 9, 300, kf, -1, 0, 17 + tr);
            checkDouble(two, (tr & 1) != 0, (tr & 2) != 0, 3, 5, kd, 1, 0, 11 + tr);
            checkDouble(three, (tr & 1) != 0, (tr & 2) != 0, 3, 70, kd, 2, 1, 21 + tr);
        }
    }

    @Test
    void degenerateSizes() {
        float[] c = {Float.NaN, 2, 3, 4};
        F32Gemm.gemm(two, false, false, 2, 2, 0, 1, new float[0], 0, 1, new float[0], 0, 2, 0, c, 0, 2);
        assertArrayEquals(new float[] {0, 0, 0, 0}, c, "k = 0, beta = 0 zeroes C");
        float[] c2 = {1, 2, 3, 4};
        F32Gemm.gemm(two, false, false, 2, 2, 0, 1, new float[0], 0, 1, new float[0], 0, 2, 2, c2, 0, 2);
        assertArrayEquals(new float[] {2, 4, 6, 8}, c2, "k = 0 scales C by beta");
        double[] d = {1, 2};
        F64Gemm.gemm(CpuThreads.SERIAL, false, false, 0, 2, 3, 1, new double[0], 0, 3, new double[6], 0, 2, 0, d, 0, 2);
        assertArrayEquals(new double[] {1, 2}, d, "m = 0 touches nothing");
        float[] a = {Float.NaN, Float.NaN};
        float[] c3 = {5, 6};
        F32Gemm.gemm(two, false, false, 1, 2, 1, 0, a, 0, 1, new float[] {Float.NaN, 1}, 0, 2, 1, c3, 0, 2);
        assertArrayEquals(new float[] {5, 6}, c3, "alpha = 0 does not read A or B");
    }

    @Test
    void rejectsArraysTooSmall() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> F32Gemm.gemm(CpuThreads.SERIAL, false, true, 3, 4, 5, 1, new float[15], 0, 5, new float[19], 0, 5,
                        0, new float[12], 0, 4));
        assertTrue(e.getMessage().startsWith("b:"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> F32Gemm.gemm(CpuThreads.SERIAL, false, false, 3, 4, 5, 1, new float[15], 0, 4, new float[20], 0,
                        4, 0, new float[12], 0, 4));
        assertTrue(e.getMessage().startsWith("a:"), e.getMessage());
    }

    // ---- determinism ----

    private float[] runF(CpuThreads th, boolean ta, boolean tb, int m, int n, int k, float[] a, float[] b, float beta,
                         float[] cInit) {
        float[] c = cInit.clone();
        F32Gemm.gemm(th, ta, tb, m, n, k, 1, a, 0, ta ? m : k, b, 0, tb ? k : n, beta, c, 0, n);
        return c;
    }

    @Test
    void bitIdenticalAcrossThreadCounts() {
        SplittableRandom r = new SplittableRandom(42);
        int[][] shapes = {{300, 520, 70}, {64, 700, 300}, {1000, 33, 260}};
        for (int[] s : shapes) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            for (int tr = 0; tr < 4; tr++) {
                boolean ta = (tr & 1) != 0;
                boolean tb = (tr & 2) != 0;
                float[] a = frand(r, m * k, 1, 0, 0).data;
                float[] b = frand(r, k * n, 1, 0, 0).data;
                float[] c = frand(r, m * n, 1, 0, 0).data;
                float[] one = runF(CpuThreads.SERIAL, ta, tb, m, n, k, a, b, 1, c);
                float[] twoT = runF(two, ta, tb, m, n, k, a, b, 1, c);
                float[] threeT = runF(three, ta, tb, m, n, k, a, b, 1, c);
                String what = Arrays.toString(s) + " ta=" + ta + " tb=" + tb;
                assertArrayEquals(one, twoT, what + ": 1 vs 2 threads");
                assertArrayEquals(one, threeT, what + ": 1 vs 3 threads");
            }
        }
        double[] da = drand(r, 200 * 150, 1, 0, 0).data;
        double[] db = drand(r, 150 * 270, 1, 0, 0).data;
        double[] c1 = new double[200 * 270];
        double[] c3 = new double[200 * 270];
        F64Gemm.gemm(CpuThreads.SERIAL, false, true, 200, 270, 150, 1, da, 0, 150, db, 0, 150, 0, c1, 0, 270);
        F64Gemm.gemm(three, false, true, 200, 270, 150, 1, da, 0, 150, db, 0, 150, 0, c3, 0, 270);
        assertArrayEquals(c1, c3, "float64: 1 vs 3 threads");
    }

    /** Every row alone (m = 1), a chunk of rows, and a block of columns give exactly the full product's values. */
    @Test
    void rowAloneEqualsRowInsideLargerProduct() {
        SplittableRandom r = new SplittableRandom(9);
        int m = 230;
        int n = 300;
        int k = 280;
        for (int tr = 0; tr < 4; tr++) {
            boolean ta = (tr & 1) != 0;
            boolean tb = (tr & 2) != 0;
            int lda = ta ? m : k;
            int ldb = tb ? k : n;
            float[] a = frand(r, m * k, 1, 0, 0).data;
            float[] b = frand(r, k * n, 1, 0, 0).data;
            float[] full = new float[m * n];
            F32Gemm.gemm(three, ta, tb, m, n, k, 1, a, 0, lda, b, 0, ldb, 0, full, 0, n);
            List<int[]> chunks = new ArrayList<>();
            for (int i = 0; i < m; i += 37) {
                chunks.add(new int[] {i, 1});
                chunks.add(new int[] {i, Math.min(37, m - i)});
            }
            for (int[] ch : chunks) {
                int i0 = ch[0];
                int rows = ch[1];
                float[] part = new float[rows * n];
                // op(A) rows i0.. start at column i0 of a transposed A, at row i0 otherwise.
                int aOff = ta ? i0 : i0 * lda;
                F32Gemm.gemm(CpuThreads.SERIAL, ta, tb, rows, n, k, 1, a, aOff, lda, b, 0, ldb, 0, part, 0, n);
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < n; j++) {
                        if (Float.floatToIntBits(part[i * n + j]) != Float.floatToIntBits(full[(i0 + i) * n + j])) {
                            fail("ta=" + ta + " tb=" + tb + ": row " + (i0 + i) + " computed in a chunk of " + rows
                                    + " differs at column " + j);
                        }
                    }
                }
            }
            // A block of columns (j0 .. j0+nb) computed alone, written into a wider C with ldc = n.
            int j0 = 101;
            int nb = 77;
            float[] cols = new float[m * n];
            int bOff = tb ? j0 * ldb : j0;
            F32Gemm.gemm(two, ta, tb, m, nb, k, 1, a, 0, lda, b, bOff, ldb, 0, cols, j0, n);
            for (int i = 0; i < m; i++) {
                for (int j = j0; j < j0 + nb; j++) {
                    assertEquals(Float.floatToIntBits(full[i * n + j]), Float.floatToIntBits(cols[i * n + j]),
                            "ta=" + ta + " tb=" + tb + ": column block element (" + i + ", " + j + ")");
                }
            }
        }
    }

    /** The prepacked-B entry points give exactly the bits of the plain ones, and a pack can be refilled. */
    @Test
    void prepackedBMatchesPlainCallBitForBit() {
        SplittableRandom r = new SplittableRandom(77);
        F32Gemm.Packed pf = null;
        F64Gemm.Packed pd = null;
        int[][] shapes = {{32, 512, 128}, {7, 300, 19}, {130, 257, 260}};
        for (int[] s : shapes) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            for (int tr = 0; tr < 4; tr++) {
                boolean ta = (tr & 1) != 0;
                boolean tb = (tr & 2) != 0;
                int lda = ta ? m : k;
                int ldb = tb ? k : n;
                float[] a = frand(r, m * k, 1, 0, 0).data;
                float[] b = frand(r, k * n + 4, 1, 0, 0).data;
                float[] c0 = frand(r, m * n, 1, 0, 0).data;
                float[] plain = c0.clone();
                F32Gemm.gemm(two, ta, tb, m, n, k, 1.25f, a, 0, lda, b, 4, ldb, 0.5f, plain, 0, n);
                pf = F32Gemm.pack(pf, tb, k, n, b, 4, ldb);
                float[] packed = c0.clone();
                F32Gemm.gemm(two, ta, m, 1.25f, a, 0, lda, pf, 0.5f, packed, 0, n);
                assertArrayEquals(plain, packed, Arrays.toString(s) + " ta=" + ta + " tb=" + tb + " (float)");

                double[] da = drand(r, m * k, 1, 0, 0).data;
                double[] db = drand(r, k * n, 1, 0, 0).data;
                double[] dplain = new double[m * n];
                F64Gemm.gemm(CpuThreads.SERIAL, ta, tb, m, n, k, 1, da, 0, lda, db, 0, ldb, 0, dplain, 0, n);
                pd = F64Gemm.pack(pd, tb, k, n, db, 0, ldb);
                double[] dpacked = new double[m * n];
                Arrays.fill(dpacked, Double.NaN);
                F64Gemm.gemm(three, ta, m, 1, da, 0, lda, pd, 0, dpacked, 0, n);
                assertArrayEquals(dplain, dpacked, Arrays.toString(s) + " ta=" + ta + " tb=" + tb + " (double)");
            }
        }
    }

    /** Serial GEMMs called from inside parallel tasks (the RNN's pattern) give the same bits as alone. */
    @Test
    void serialCallsInsideParallelTasks() {
        SplittableRandom r = new SplittableRandom(5);
        int chunks = 7;
        int rows = 32;
        int n = 512;
        int k = 128;
        float[] w = frand(r, n * k, 1, 0, 0).data;
        float[] h = frand(r, chunks * rows * k, 1, 0, 0).data;
        float[] expect = new float[chunks * rows * n];
        F32Gemm.gemm(CpuThreads.SERIAL, false, true, chunks * rows, n, k, 1, h, 0, k, w, 0, k, 0, expect, 0, n);
        for (int rep = 0; rep < 3; rep++) {
            float[] got = new float[chunks * rows * n];
            three.parallelFor(chunks, t -> F32Gemm.gemm(CpuThreads.SERIAL, false, true, rows, n, k, 1, h, t * rows * k,
                    k, w, 0, k, 0, got, t * rows * n, n));
            assertArrayEquals(expect, got, "chunked serial calls inside parallelFor, repetition " + rep);
        }
    }
}
