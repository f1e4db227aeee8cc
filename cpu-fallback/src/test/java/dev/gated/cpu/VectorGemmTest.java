package dev.gated.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Vector API GEMM: values against a double-precision loop, and the determinism contract of {@link Gemm}. */
class VectorGemmTest {
    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextDouble(-1, 1);
        }
        return a;
    }

    /** C = op(A) op(B) (+ C) with the given leading dimensions and offsets, in double. */
    private static double[] naive(boolean ta, boolean tb, int m, int n, int k, float[] a, int aOff, int lda, float[] b,
                                  int bOff, int ldb, boolean acc, float[] c, int cOff, int ldc) {
        double[] out = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = acc ? c[cOff + i * ldc + j] : 0;
                for (int p = 0; p < k; p++) {
                    s += (double) (ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p])
                            * (tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j]);
                }
                out[i * n + j] = s;
            }
        }
        return out;
    }

    @ParameterizedTest(name = "m={0} n={1} k={2} transA={3} transB={4} accumulate={5}")
    @CsvSource({
        "1,1,1,false,false,false", "5,17,3,false,false,true", "4,16,8,false,true,false", "9,33,300,true,false,true",
        "13,40,257,true,true,false", "70,300,31,false,true,true", "130,20,600,true,false,false", "3,7,0,false,false,true"})
    void matchesDoublePrecisionLoop(int m, int n, int k, boolean ta, boolean tb, boolean acc) {
        int lda = (ta ? m : k) + 3;
        int ldb = (tb ? k : n) + 2;
        int ldc = n + 5;
        int aOff = 7;
        int bOff = 2;
        int cOff = 11;
        float[] a = random(aOff + Math.max(1, ta ? k : m) * lda, 1);
        float[] b = random(bOff + Math.max(1, tb ? n : k) * ldb, 2);
        float[] c = random(cOff + m * ldc, 3);
        if (!acc) {
            java.util.Arrays.fill(c, Float.NaN);
        }
        double[] expected = naive(ta, tb, m, n, k, a, aOff, lda, b, bOff, ldb, acc, c, cOff, ldc);
        try (CpuThreads threads = new CpuThreads(2)) {
            VectorGemm.sgemm(threads, ta, tb, m, n, k, a, aOff, lda, b, bOff, ldb, acc, c, cOff, ldc);
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double e = expected[i * n + j];
                assertEquals(e, c[cOff + i * ldc + j], 1e-5 * Math.max(1, Math.sqrt(k)) * Math.max(1, Math.abs(e)),
                        "C[" + i + "][" + j + "]");
            }
        }
    }

    @Test
    void aPackedBufferReusedForASmallerProductGivesTheFreshResultBitForBit() {
        int m = 19;
        int k = 37;
        int n = 45;
        float[] a = random(m * k, 8);
        float[] big = random(400 * 90, 9);
        float[] b = random(n * k, 10);
        VectorGemm.Packed buffer = VectorGemm.pack(null, false, 400, 90, big, 0, 90);  // stale values everywhere
        VectorGemm.Packed reused = VectorGemm.pack(buffer, true, k, n, b, 0, k);
        VectorGemm.Packed fresh = VectorGemm.pack(null, true, k, n, b, 0, k);
        assertSame(buffer, reused, "a buffer with room is reused, not reallocated");
        float[] expected = new float[m * n];
        float[] actual = new float[m * n];
        VectorGemm.sgemm(CpuThreads.SERIAL, false, m, a, 0, k, fresh, false, expected, 0, n);
        VectorGemm.sgemm(CpuThreads.SERIAL, false, m, a, 0, k, reused, false, actual, 0, n);
        assertArrayEquals(expected, actual);
    }

    @Test
    void resultsDoNotDependOnThreadsOrOnTheRowsComputedTogether() {
        int m = 203;
        int n = 77;
        int k = 600;
        float[] a = random(m * k, 4);
        float[] b = random(n * k, 5);
        float[][] results = new float[3][];
        int[] threadCounts = {1, 2, 3};
        for (int t = 0; t < 3; t++) {
            results[t] = new float[m * n];
            try (CpuThreads threads = new CpuThreads(threadCounts[t])) {
                VectorGemm.sgemm(threads, false, true, m, n, k, a, 0, k, b, 0, k, false, results[t], 0, n);
            }
        }
        assertArrayEquals(results[0], results[1]);
        assertArrayEquals(results[0], results[2]);
        // Each row alone (m = 1 takes the single-row and tail paths) equals the same row inside the big product.
        for (int i = 0; i < m; i += 17) {
            float[] row = new float[n];
            VectorGemm.sgemm(CpuThreads.SERIAL, false, true, 1, n, k, a, i * k, k, b, 0, k, false, row, 0, n);
            float[] inBatch = java.util.Arrays.copyOfRange(results[0], i * n, (i + 1) * n);
            assertArrayEquals(inBatch, row, "row " + i);
        }
    }

    /** Mixed magnitudes, so that a different summation order would round differently. */
    private static float[] mixed(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble(-1, 1) * Math.pow(10, r.nextInt(-3, 4)));
        }
        return a;
    }

    /**
     * The fused row sums of op(A) are bit for bit the float chain "0, then each k in order, then added to sums"
     * (what {@link F32VectorKernels#sumRows} computes for a transposed A), whichever path a row takes: gathered in
     * register tiles, a tail row, a row of a parallel task, several k blocks, several column blocks; and C is
     * bit for bit the product without sums.
     */
    @ParameterizedTest(name = "m={0} n={1} k={2} transA={3} threads={4}")
    @CsvSource({
        "1,5,3,true,1", "7,40,300,true,1", "203,77,600,true,2", "203,1100,130,true,2", "64,600,513,true,1",
        "37,33,9,false,1", "150,1100,257,false,2", "16,16,16,false,1"})
    void fusedRowSumsAreTheInOrderFloatChainAndLeaveTheProductAlone(int m, int n, int k, boolean ta, int threadCount) {
        int lda = (ta ? m : k) + 3;
        int aOff = 5;
        float[] a = mixed(aOff + Math.max(1, ta ? k : m) * lda, 6);
        float[] b = random(k * n, 7);
        int sumsOff = 3;
        float[] sums = random(sumsOff + m + 2, 8);
        float[] expectedSums = sums.clone();
        for (int i = 0; i < m; i++) {
            float s = 0f;
            for (int p = 0; p < k; p++) {
                s += ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
            }
            expectedSums[sumsOff + i] += s;
        }
        if (ta) {
            float[] viaSumRows = sums.clone();
            F32VectorKernels.INSTANCE.sumRows(a, aOff, k, lda, 0, m, viaSumRows, sumsOff);
            assertArrayEquals(expectedSums, viaSumRows, "sumRows");
        }
        float[] plain = new float[m * n];
        float[] fused = new float[m * n];
        try (CpuThreads threads = new CpuThreads(threadCount)) {
            VectorGemm.sgemm(threads, ta, false, m, n, k, a, aOff, lda, b, 0, n, false, plain, 0, n);
            VectorGemm.sgemm(threads, ta, false, m, n, k, a, aOff, lda, b, 0, n, false, fused, 0, n, sums, sumsOff);
        }
        assertArrayEquals(expectedSums, sums, "row sums");
        assertArrayEquals(plain, fused, "C");
    }

    /**
     * A wide product (several column blocks, so op(A) is gathered once for all of them) gives the same bits as
     * the same columns computed in narrow products of their own.
     */
    @ParameterizedTest(name = "m={0} n={1} k={2} transA={3}")
    @CsvSource({"64,1100,600,true", "203,1300,257,false", "9,2049,40,true"})
    void wideProductEqualsItsColumnsComputedApart(int m, int n, int k, boolean ta) {
        int lda = ta ? m : k;
        float[] a = mixed(Math.max(1, ta ? k : m) * lda, 9);
        float[] b = mixed(n * k, 10);  // op(B) = B^T: column j of op(B) is row j of B
        float[] wide = new float[m * n];
        float[] apart = new float[m * n];
        try (CpuThreads threads = new CpuThreads(2)) {
            VectorGemm.sgemm(threads, ta, true, m, n, k, a, 0, lda, b, 0, k, false, wide, 0, n);
            for (int j0 = 0; j0 < n; j0 += 96) {
                int w = Math.min(96, n - j0);
                VectorGemm.sgemm(threads, ta, true, m, w, k, a, 0, lda, b, j0 * k, k, false, apart, j0, n);
            }
        }
        assertArrayEquals(apart, wide);
    }
}
