package dev.gated.cpu;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.DType;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.conformance.BackendConformance;
import dev.gated.engine.conformance.RnnCase;
import dev.gated.engine.conformance.RnnHarness;
import dev.gated.engine.rnn.CellType;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The backend conformance suite on the CPU backend in float64, plus thread-count invariance. */
class CpuBackendConformanceTest extends BackendConformance {
    @Override
    protected Backend backend() {
        return new CpuBackend(2);
    }

    /**
     * Larger than the suite's cases, so the work is split into several pieces: results must be bit-identical
     * with 1 and 3 threads, however the backend splits the work (the RNN, for one, chunks the batch by thread count).
     */
    static List<RnnCase> threadCases() {
        return List.of(
                new RnnCase(CellType.LSTM, 13, 37, 2, true, 6, new int[] {6, 2, 5, 1, 6, 3, 4, 6, 6, 2, 1, 5, 6, 3, 2, 6, 4},
                        true, true, true),
                new RnnCase(CellType.GRU, 29, 19, 3, false, 5, new int[] {5, 5, 1, 3, 4, 5, 2, 5, 5, 1, 5},
                        false, true, true));
    }

    @TestFactory
    Stream<DynamicTest> rnnIsBitIdenticalWithOneAndThreeThreads() {
        return Stream.of(DType.FLOAT64, DType.FLOAT32).flatMap(dtype -> threadCases().stream().map(c ->
                DynamicTest.dynamicTest(dtype + " " + c.name(), () -> {
                    RnnCase.Data d = c.data();
                    RnnHarness.Result one;
                    RnnHarness.Result three;
                    try (CpuBackend b1 = new CpuBackend(1); CpuBackend b3 = new CpuBackend(3)) {
                        one = RnnHarness.run(b1, c, dtype, d, RnnHarness.Options.FULL);
                        three = RnnHarness.run(b3, c, dtype, d, RnnHarness.Options.FULL);
                    }
                    assertIdentical(one, three);
                })));
    }

    @Test
    void gemmAndReductionsAreBitIdenticalWithOneAndThreeThreads() {
        for (DType dtype : DType.values()) {
            SplittableRandom r = new SplittableRandom(5);
            double[] a = r.doubles(131 * 97, -1, 1).toArray();
            double[] b = r.doubles(97 * 300, -1, 1).toArray();
            double[] big = r.doubles(1003 * 101, -1, 1).toArray(); // several reduction chunks
            double[][] results = new double[2][];
            double[][] sums = new double[2][];
            int i = 0;
            for (int threads : new int[] {1, 3}) {
                try (CpuBackend be = new CpuBackend(threads)) {
                    Tensor ta = be.upload(a, Shape.of(131, 97), dtype);
                    Tensor tb = be.upload(b, Shape.of(97, 300), dtype);
                    Tensor tc = be.allocate(dtype, Shape.of(131, 300));
                    be.gemm(false, false, 1, ta, tb, 0, tc);
                    Tensor tbig = be.upload(big, Shape.of(1003, 101), dtype);
                    Tensor rows = be.allocate(dtype, Shape.of(101));
                    be.sumRows(tbig, rows, false);
                    results[i] = be.download(tc);
                    double[] rowSums = be.download(rows);
                    sums[i] = new double[rowSums.length + 2];
                    sums[i][0] = be.sum(tbig);
                    sums[i][1] = be.sumOfSquares(tbig);
                    System.arraycopy(rowSums, 0, sums[i], 2, rowSums.length);
                }
                i++;
            }
            assertArrayEquals(results[0], results[1], 0, dtype + " gemm");
            assertArrayEquals(sums[0], sums[1], 0, dtype + " sum, sumOfSquares, sumRows");
        }
    }
    /**
     * batchedGemm both ways it runs (many small items in parallel, one item per task; few large items, each split
     * over the threads by Gemm) and the row softmaxes on enough rows to be split: bit-identical with 1 and 3 threads,
     * and each batchedGemm item bit-identical to gemm on that item.
     */
    @Test
    void attentionOpsAreBitIdenticalWithOneAndThreeThreads() {
        int[][] sizes = {{64, 7, 9, 5}, {3, 130, 140, 120}}; // {batch, m, n, k}: small items, then items > PARALLEL_MNK
        for (DType dtype : DType.values()) {
            for (int[] s : sizes) {
                int batch = s[0];
                int m = s[1];
                int n = s[2];
                int k = s[3];
                SplittableRandom r = new SplittableRandom(11);
                double[] a = r.doubles((long) batch * m * k, -1, 1).toArray();
                double[] b = r.doubles((long) batch * n * k, -1, 1).toArray();
                double[] x = r.doubles(700 * 131, -30, 30).toArray();
                double[] dy = r.doubles(700 * 131, -1, 1).toArray();
                for (int e = 0; e < x.length; e += 3) {
                    if (e % 131 != 0) {
                        x[e] = Double.NEGATIVE_INFINITY;
                    }
                }
                double[][] results = new double[2][];
                double[] perItem = null;
                int i = 0;
                for (int threads : new int[] {1, 3}) {
                    try (CpuBackend be = new CpuBackend(threads)) {
                        Tensor ta = be.upload(a, Shape.of(batch, m, k), dtype);
                        Tensor tb = be.upload(b, Shape.of(batch, n, k), dtype);
                        Tensor tc = be.allocate(dtype, Shape.of(batch, m, n));
                        be.batchedGemm(false, true, 1, ta, tb, 0, tc);
                        Tensor tx = be.upload(x, Shape.of(700, 131), dtype);
                        Tensor ty = be.allocate(dtype, Shape.of(700, 131));
                        be.softmaxRows(tx, ty);
                        Tensor tdx = be.allocate(dtype, Shape.of(700, 131));
                        be.softmaxRowsBackward(ty, be.upload(dy, Shape.of(700, 131), dtype), tdx);
                        double[] c = be.download(tc);
                        double[] y = be.download(ty);
                        double[] dx = be.download(tdx);
                        results[i] = new double[c.length + y.length + dx.length];
                        System.arraycopy(c, 0, results[i], 0, c.length);
                        System.arraycopy(y, 0, results[i], c.length, y.length);
                        System.arraycopy(dx, 0, results[i], c.length + y.length, dx.length);
                        if (threads == 3) {
                            Tensor last = be.allocate(dtype, Shape.of(m, n));
                            be.gemm(false, true, 1, be.upload(Arrays.copyOfRange(a, (batch - 1) * m * k,
                                    batch * m * k), Shape.of(m, k), dtype), be.upload(Arrays.copyOfRange(b,
                                    (batch - 1) * n * k, batch * n * k), Shape.of(n, k), dtype), 0, last);
                            perItem = be.download(last);
                        }
                    }
                    i++;
                }
                assertArrayEquals(results[0], results[1], 0, dtype + " batchedGemm " + batch + " items, softmaxRows");
                assertArrayEquals(perItem, Arrays.copyOfRange(results[1], (batch - 1) * m * n, batch * m * n),
                        0, dtype + " batchedGemm's last item vs gemm");
            }
        }
    }
}
