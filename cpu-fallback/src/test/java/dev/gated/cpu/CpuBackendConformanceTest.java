package dev.gated.cpu;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.DType;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.conformance.BackendConformance;
import dev.gated.engine.conformance.RnnCase;
import dev.gated.engine.conformance.RnnHarness;
import dev.gated.engine.rnn.CellType;
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
}
