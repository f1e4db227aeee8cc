package dev.gated.cpu;

import dev.gated.bench.TrainingStep;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The float32 Vector API GEMM on the products of the M shape's LSTM step (L2 I256 H512 T100 B64, layer 0), so a
 * kernel change can be measured on its own, far below the step's noise. GFLOP/s = {@link #flops()} / time; the
 * shapes (m x n x k):
 * <ul>
 *   <li>{@code recurrent}: h W_hh^T for one time step of one thread's batch chunk, 32 x 2048 x 512, W_hh packed
 *       once (as the recurrent loop does), one thread;</li>
 *   <li>{@code inputProjection}: X W_ih^T for all T x B rows at once, 6400 x 2048 x 256;</li>
 *   <li>{@code weightGradient}: dW_ih = dG^T X over all rows, 2048 x 256 x 6400, with the bias sums (the
 *       column sums of dG) taken while dG^T is gathered.</li>
 * </ul>
 * Run: {@code java -jar benchmarks/target/benchmarks.jar VectorGemm [-p product=recurrent] [-p threads=1]}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class VectorGemmBenchmark {
    @Param({"recurrent", "inputProjection", "weightGradient"})
    public String product;

    /** Threads for the whole-sequence products (the recurrent one always runs on one, as in the step). */
    @Param({"2"})
    public int threads;

    private int m;
    private int n;
    private int k;
    private float[] a;
    private float[] b;
    private float[] c;
    private float[] sums;
    private VectorGemm.Packed packed;
    private CpuThreads pool;

    @Setup(Level.Trial)
    public void setUp() {
        switch (product) {
            case "recurrent" -> shape(32, 2048, 512);
            case "inputProjection" -> shape(6400, 2048, 256);
            case "weightGradient" -> shape(2048, 256, 6400);
            default -> throw new IllegalArgumentException("product: recurrent, inputProjection or weightGradient");
        }
        SplittableRandom random = new SplittableRandom(11);
        a = TrainingStep.random(random, m * k, 2);
        b = TrainingStep.random(random, k * n, 2);
        c = new float[m * n];
        sums = new float[m];
        // The recurrent product's B is W_hh^T: W_hh (n x k) read transposed, packed once.
        packed = "recurrent".equals(product) ? VectorGemm.pack(null, true, k, n, b, 0, k) : null;
        pool = "recurrent".equals(product) ? CpuThreads.SERIAL : new CpuThreads(threads);
    }

    private void shape(int rows, int cols, int depth) {
        m = rows;
        n = cols;
        k = depth;
    }

    /** Floating-point operations of one product. */
    public double flops() {
        return 2.0 * m * n * k;
    }

    @Benchmark
    public float gemm() {
        switch (product) {
            case "recurrent" -> VectorGemm.sgemm(pool, false, m, a, 0, k, packed, false, c, 0, n);
            // x (T*B x I) times W_ih^T, W_ih stored (4H x I): B transposed, as the forward pass calls it.
            case "inputProjection" -> VectorGemm.sgemm(pool, false, true, m, n, k, a, 0, k, b, 0, k, false, c, 0,
                    n);
            // dG (T*B x 4H) read transposed times X (T*B x I), accumulating as backward-weights does.
            default -> VectorGemm.sgemm(pool, true, false, m, n, k, a, 0, m, b, 0, n, true, c, 0, n, sums, 0);
        }
        return c[0];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (pool != CpuThreads.SERIAL) {
            pool.close();
        }
    }
}
