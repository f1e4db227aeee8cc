package dev.gated.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.DType;
import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.model.Objective;
import dev.gated.engine.model.Optimizer;
import dev.gated.engine.model.SequenceModel;
import dev.gated.engine.rnn.CellType;
import dev.gated.engine.rnn.RnnSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Device memory does not grow over 10,000 small training steps. The batches cycle through three geometries while the
 * model keeps buffers for two, so buffers are freed and allocated again all the time: a leak there, in the per-step
 * temporaries (x uploads, targets) or in the optimizer shows. After a warm-up, the backend's {@code memoryInUse()}
 * must be exactly the same at every sample (taken at the same point of the geometry cycle) and the driver's free
 * memory may not drop by more than {@value #DRIVER_SLACK_MIB} MiB (room for the driver's own lazy allocations; a
 * leak of one 1 KiB buffer per step would show as about 10 MiB).
 */
@ExtendWith(RequiresUsableGpu.class)
class GpuMemoryTest {
    static final int STEPS = 10_000;
    static final int WARMUP = 300;
    static final int SAMPLE_EVERY = 990;
    static final int DRIVER_SLACK_MIB = 4;
    /** (T, B) of the batches, in turn; every sample is taken at a multiple of 3 steps. */
    static final int[][] GEOMETRIES = {{5, 4}, {7, 3}, {6, 4}};

    @Test
    void deviceMemoryIsStableOverTenThousandSteps() {
        try (Backend be = GpuConformanceTest.usableGpuOrSkip(getClass());
             SequenceModel model = new SequenceModel(be, new RnnSpec(CellType.LSTM, 4, 16, 2, true, DType.FLOAT32), 2,
                     Objective.REGRESSION, 7);
             Optimizer opt = new Optimizer(model, Optimizer.Settings.adam(Optimizer.Kind.ADAM, 1e-3, 0))) {
            for (int step = 0; step < WARMUP; step++) {
                step(model, opt, step);
            }
            long inUse0 = GpuMemory.inUse(be);
            long free0 = GpuMemory.driverFree();
            List<String> samples = new ArrayList<>();
            for (int step = WARMUP; step < WARMUP + STEPS; step++) {
                step(model, opt, step);
                int done = step + 1 - WARMUP;
                if (done % SAMPLE_EVERY == 0) {
                    long inUse = GpuMemory.inUse(be);
                    long free = GpuMemory.driverFree();
                    samples.add("after " + done + " steps: in use " + inUse + " B, driver free " + GpuMemory.mib(free));
                    assertEquals(inUse0, inUse, "memoryInUse() after " + done + " steps (warm-up: " + inUse0
                            + " B); samples so far: " + samples);
                    assertTrue(free0 - free <= DRIVER_SLACK_MIB * 1024L * 1024, "driver free memory dropped from "
                            + GpuMemory.mib(free0) + " to " + GpuMemory.mib(free) + " after " + done + " steps");
                }
            }
            System.out.println("GpuMemoryTest: warm-up in use " + inUse0 + " B, driver free " + GpuMemory.mib(free0)
                    + "; " + String.join("; ", samples));
        }
    }

    private static void step(SequenceModel model, Optimizer opt, int step) {
        int[] g = GEOMETRIES[step % GEOMETRIES.length];
        int t = g[0];
        int b = g[1];
        SplittableRandom r = new SplittableRandom(step);
        float[] x = new float[t * b * 4];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble(-1, 1);
        }
        int[] lengths = new int[b];
        for (int i = 0; i < b; i++) {
            lengths[i] = 1 + r.nextInt(t);
        }
        float[] y = new float[b * 2];
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) r.nextDouble(-1, 1);
        }
        model.forwardBackward(new SequenceBatch(t, b, 4, 2, x, lengths, y));
        model.clipGradientNorm(1.0);
        opt.step();
    }
}
