package dev.gated.bench;

import dev.gated.cpu.CpuBackend;
import dev.gated.engine.backend.Backend;
import dev.gated.engine.rnn.CellType;
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
 * One full RNN training step (forward in training mode + backward-data + backward-weights + SGD update, float32) on the CPU
 * backend. Run: {@code java -jar benchmarks/target/benchmarks.jar RnnTrainingStep} (add {@code -p shape=S} or
 * {@code -p cell=gru} to narrow it, {@code -p threads=1} for one thread).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RnnTrainingStepBenchmark {
    @Param({"lstm", "gru"})
    public String cell;

    /** S, M, or L&lt;layers&gt;-I&lt;input&gt;-H&lt;hidden&gt;-T&lt;seq&gt;-B&lt;batch&gt;. */
    @Param({"S", "M"})
    public String shape;

    /** CPU threads; 0 means the backend's default (GATED_CPU_THREADS, else every core). */
    @Param({"0"})
    public int threads;

    private Backend backend;
    private TrainingStep step;

    @Setup(Level.Trial)
    public void setUp() {
        backend = threads > 0 ? new CpuBackend(threads) : new CpuBackend();
        step = new TrainingStep(backend, CellType.parse(cell), BenchShape.parse(shape), 42);
    }

    @Benchmark
    public void trainingStep() {
        step.run();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        step.close();
        backend.close();
    }
}
