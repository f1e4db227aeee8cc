package dev.gated.bench;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.DType;
import dev.gated.engine.backend.SgdConfig;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.rnn.CellType;
import dev.gated.engine.rnn.RnnChecks;
import dev.gated.engine.rnn.RnnGradients;
import dev.gated.engine.rnn.RnnMode;
import dev.gated.engine.rnn.RnnParam;
import dev.gated.engine.rnn.RnnPlan;
import dev.gated.engine.rnn.RnnSpec;
import dev.gated.engine.rnn.RnnTensors;
import dev.gated.engine.rnn.RnnWorkspace;
import java.util.SplittableRandom;

/**
 * One full RNN training step with everything preallocated: forward in training mode, backward-data,
 * backward-weights into a zeroed gradient buffer, and an SGD update of the weights. Inputs, weights and the incoming gradient are random
 * (seeded); the weights are initialised like PyTorch's, uniform in [-1/sqrt(H), 1/sqrt(H)).
 */
public final class TrainingStep implements AutoCloseable {
    private final Backend backend;
    private final RnnSpec spec;
    private final BenchShape shape;
    private final RnnPlan plan;
    private final RnnWorkspace ws;
    private final Tensor weights;
    private final Tensor dWeights;
    private final Tensor x;
    private final Tensor y;
    private final Tensor dy;
    private final Tensor dx;
    private final int[] lengths;
    private final RnnTensors io;
    private final RnnGradients grads;
    private long step;
    private static final SgdConfig SGD = SgdConfig.plain(1e-3);

    public TrainingStep(Backend backend, CellType cell, BenchShape shape, long seed) {
        this.backend = backend;
        this.shape = shape;
        this.spec = new RnnSpec(cell, shape.input(), shape.hidden(), shape.layers(), false, DType.FLOAT32);
        SplittableRandom rnd = new SplittableRandom(seed);
        this.plan = backend.rnnPlan(spec);
        this.weights = backend.allocate(DType.FLOAT32, Shape.of(plan.weightSpaceSize()));
        this.dWeights = backend.allocate(DType.FLOAT32, Shape.of(plan.weightSpaceSize()));
        double bound = 1 / Math.sqrt(shape.hidden());
        for (RnnParam p : spec.parameters()) {
            try (Tensor t = backend.upload(random(rnd, p.shape().numel(), bound), p.shape(), DType.FLOAT32)) {
                plan.writeParameter(weights, p.name(), t);
            }
        }
        Shape in = spec.inputShape(shape.seq(), shape.batch());
        Shape out = spec.outputShape(shape.seq(), shape.batch());
        this.x = backend.upload(random(rnd, in.numel(), 1), in, DType.FLOAT32);
        this.dy = backend.upload(random(rnd, out.numel(), 1e-3), out, DType.FLOAT32);
        this.y = backend.allocate(DType.FLOAT32, out);
        this.dx = backend.allocate(DType.FLOAT32, in);
        this.ws = plan.workspace(shape.seq(), shape.batch());
        this.lengths = RnnChecks.full(shape.seq(), shape.batch());
        this.io = RnnTensors.of(x, y);
        this.grads = RnnGradients.of(dy, dx);
    }

    /** n floats drawn uniformly from [-bound, bound): the benchmarks' inputs. */
    public static float[] random(SplittableRandom rnd, int n, double bound) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextDouble(-bound, bound);
        }
        return v;
    }

    /** forward (training) + backward-data + backward-weights + a plain SGD update, as the peers time it. */
    public void run() {
        backend.rnnForward(plan, ws, RnnMode.TRAINING, lengths, io, weights);
        backend.rnnBackwardData(plan, ws, lengths, io, grads, weights);
        backend.fill(dWeights, 0);
        backend.rnnBackwardWeights(plan, ws, lengths, io, dWeights);
        backend.sgdStep(weights, dWeights, null, SGD, ++step);
    }

    public RnnSpec spec() {
        return spec;
    }

    public BenchShape shape() {
        return shape;
    }

    /** FLOPs of one step: {@link RnnSpec#trainingFlops}. */
    public double flops() {
        return spec.trainingFlops(shape.seq(), shape.batch());
    }

    /** A cheap checksum of the outputs, so nothing can be optimised away. */
    public double checksum() {
        return backend.sum(dx) + backend.sum(dWeights);
    }

    @Override
    public void close() {
        for (Tensor t : new Tensor[] {weights, dWeights, x, y, dy, dx}) {
            t.close();
        }
        ws.close();
        plan.close();
    }
}
