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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The float32 Vector API gate kernels alone: one time step of one batch chunk (every row's gates, as
 * {@code CpuRnnWorkspace} calls them), one thread. Run with JMH's allocation profiler to see that they allocate
 * nothing once compiled (a vector boxed by the JIT shows up as bytes per op):
 * {@code java -jar benchmarks/target/benchmarks.jar GateKernel -prof gc}. In this package because the kernels
 * are the backend's internals.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GateKernelBenchmark {
    @Param({"lstm", "gru"})
    public String cell;

    /** Hidden units per row (M's 512, S's 128). */
    @Param({"512", "128"})
    public int hidden;

    /** Rows: one thread's batch chunk (M: batch 64 over two threads). */
    @Param({"32"})
    public int rows;

    private F32Kernels k;
    private int gh;
    private float[] g;
    private float[] rec;
    private float[] bias;
    private float[] prev;
    private float[] c;
    private float[] h;
    private float[] hn;
    private float[] dh;
    private float[] dc;
    private float[] dg;
    private float[] dgRec;

    @Setup(Level.Trial)
    public void setUp() {
        if (!CpuKernels.VECTOR) {
            throw new IllegalStateException("the Vector API kernels are off: " + CpuKernels.describe());
        }
        k = F32VectorKernels.INSTANCE;
        int gates = "lstm".equals(cell) ? 4 : 3;
        gh = gates * hidden;
        SplittableRandom random = new SplittableRandom(7);
        g = TrainingStep.random(random, rows * gh, 2);
        rec = TrainingStep.random(random, rows * gh, 2);
        bias = TrainingStep.random(random, 2 * gh, 2);
        prev = TrainingStep.random(random, rows * hidden, 2);
        c = TrainingStep.random(random, rows * hidden, 2);
        h = new float[rows * hidden];
        hn = TrainingStep.random(random, rows * hidden, 2);
        dh = TrainingStep.random(random, rows * hidden, 2);
        dc = TrainingStep.random(random, rows * hidden, 2);
        dg = new float[rows * gh];
        dgRec = new float[rows * gh];
        if (gates == 3) {
            // GRU's backward scales dh by z in place: z = 1 keeps dh from decaying into subnormals over the calls.
            for (int b = 0; b < rows; b++) {
                java.util.Arrays.fill(g, b * gh + hidden, b * gh + 2 * hidden, 1f);
            }
        }
    }

    /**
     * The forward kernel over all rows. It activates g in place, so later calls see activated gates again: the
     * values drift into (0, 1), which costs the same as fresh pre-activations (no branches on the values).
     */
    @Benchmark
    public float forward() {
        for (int b = 0; b < rows; b++) {
            if (gh == 4 * hidden) {
                k.lstmForward(hidden, g, b * gh, rec, b * gh, bias, 0, prev, b * hidden, c, b * hidden, h,
                        b * hidden);
            } else {
                k.gruForward(hidden, g, b * gh, rec, b * gh, bias, 0, bias, gh, prev, b * hidden, hn, b * hidden,
                        h, b * hidden);
            }
        }
        return h[0];
    }

    /** The backward kernel over all rows. */
    @Benchmark
    public float backward() {
        for (int b = 0; b < rows; b++) {
            if (gh == 4 * hidden) {
                k.lstmBackward(hidden, g, b * gh, c, b * hidden, prev, b * hidden, dh, b * hidden, dc, b * hidden,
                        dg, b * gh);
            } else {
                k.gruBackward(hidden, g, b * gh, hn, b * hidden, prev, b * hidden, dh, b * hidden, dg, b * gh,
                        dgRec, b * gh);
            }
        }
        return dg[0];
    }
}
