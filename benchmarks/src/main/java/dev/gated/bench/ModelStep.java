package dev.gated.bench;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.DType;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.model.Objective;
import dev.gated.engine.model.Optimizer;
import dev.gated.engine.model.SequenceModel;
import dev.gated.engine.rnn.CellType;
import dev.gated.engine.rnn.RnnSpec;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One training step exactly as the trainer runs it, and as {@code benchmarks/gpu/pytorch_bench.py} runs it in
 * PyTorch: the batch (x [T, B, I], y [B, O], full-length sequences) copied from host memory, RNN forward in training
 * mode, a linear head on the last step, MSE, the loss read back to the host, backward (head, RNN data and weights)
 * and an Adam update of every parameter. {@link #sync()} waits for the device (a one-element reduction read back).
 */
public final class ModelStep implements AutoCloseable {
    /** The head's outputs (as in PyTorch's script). */
    public static final int OUTPUTS = 1;

    private final Backend backend;
    private final BenchShape shape;
    private final SequenceModel model;
    private final Optimizer optimizer;
    private final SequenceBatch batch;
    private final Tensor one;

    public ModelStep(Backend backend, CellType cell, BenchShape shape, long seed) {
        this.backend = backend;
        this.shape = shape;
        RnnSpec spec = new RnnSpec(cell, shape.input(), shape.hidden(), shape.layers(), false, DType.FLOAT32);
        this.model = new SequenceModel(backend, spec, OUTPUTS, Objective.REGRESSION, seed);
        this.optimizer = new Optimizer(model, Optimizer.Settings.adam(Optimizer.Kind.ADAM, 1e-3, 0));
        SplittableRandom rnd = new SplittableRandom(seed + 1);
        float[] x = new float[shape.seq() * shape.batch() * shape.input()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble(-1, 1);
        }
        float[] y = new float[shape.batch() * OUTPUTS];
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) rnd.nextDouble(-1, 1);
        }
        int[] lengths = new int[shape.batch()];
        Arrays.fill(lengths, shape.seq());
        this.batch = new SequenceBatch(shape.seq(), shape.batch(), shape.input(), OUTPUTS, x, lengths, y);
        this.one = backend.allocate(DType.FLOAT32, Shape.of(1));
    }

    /** One step; returns the loss (which the step reads back, as a trainer that logs it does). */
    public double run() {
        double loss = model.forwardBackward(batch);
        optimizer.step();
        return loss;
    }

    /** Waits until the device has finished everything queued (a reduction's result must come back). */
    public void sync() {
        backend.sum(one);
    }

    /** FLOPs of one step: the RNN's {@link RnnSpec#trainingFlops} plus the head (forward and two backward GEMMs). */
    public double flops() {
        return model.spec().trainingFlops(shape.seq(), shape.batch()) + 6.0 * shape.batch() * shape.hidden() * OUTPUTS;
    }

    @Override
    public void close() {
        one.close();
        optimizer.close();
        model.close();
    }
}
