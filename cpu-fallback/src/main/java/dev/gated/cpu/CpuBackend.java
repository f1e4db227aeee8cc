package dev.gated.cpu;

import dev.gated.engine.backend.AdamConfig;
import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.BinaryOp;
import dev.gated.engine.backend.Checks;
import dev.gated.engine.backend.DType;
import dev.gated.engine.backend.SgdConfig;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.backend.UnaryOp;
import dev.gated.engine.rnn.RnnChecks;
import dev.gated.engine.rnn.RnnGradients;
import dev.gated.engine.rnn.RnnMode;
import dev.gated.engine.rnn.RnnPlan;
import dev.gated.engine.rnn.RnnSpec;
import dev.gated.engine.rnn.RnnTensors;
import dev.gated.engine.rnn.RnnWorkspace;

/** The pure-Java backend: heap tensors, blocked multi-threaded kernels, cuDNN's RNN semantics. */
public final class CpuBackend implements Backend {
    private final CpuThreads threads;

    public CpuBackend() {
        this(defaultThreads());
    }

    public CpuBackend(int threads) {
        this.threads = new CpuThreads(threads);
    }

    /** GATED_CPU_THREADS (or -Dgated.cpu.threads) if set, else the number of available processors. */
    static int defaultThreads() {
        String s = System.getProperty("gated.cpu.threads", System.getenv("GATED_CPU_THREADS"));
        if (s == null || s.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int n = Integer.parseInt(s.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("GATED_CPU_THREADS / gated.cpu.threads: expected an integer >= 1, got '" + s + "'");
    }

    CpuThreads threads() {
        return threads;
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String description() {
        return "pure Java, " + threads.threads() + " thread" + (threads.threads() == 1 ? "" : "s");
    }

    /** Checks that t is one of ours and returns it as a CpuTensor. */
    CpuTensor own(String name, Tensor t) {
        Checks.owned(name, t, this);
        return (CpuTensor) t;
    }

    // ---- memory ----

    @Override
    public Tensor allocate(DType dtype, Shape shape) {
        return CpuTensor.zeros(this, dtype, shape);
    }

    @Override
    public Tensor upload(double[] data, Shape shape, DType dtype) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    @Override
    public Tensor upload(float[] data, Shape shape, DType dtype) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    @Override
    public double[] download(Tensor t) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    @Override
    public float[] downloadFloat(Tensor t) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    @Override
    public void fill(Tensor t, double value) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    // ---- dense algebra ----

    @Override
    public void gemm(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    @Override
    public void axpby(double alpha, Tensor x, double beta, Tensor y) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    // ---- element-wise ----

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor y) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    @Override
    public void unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    @Override
    public void addRowVector(Tensor x, Tensor v) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    @Override
    public void sumRows(Tensor x, Tensor out, boolean accumulate) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    // ---- reductions ----

    @Override
    public double sum(Tensor x) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    @Override
    public double sumOfSquares(Tensor x) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    @Override
    public boolean allFinite(Tensor x) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    // ---- indexing ----

    @Override
    public void gatherRows(Tensor src, int[] rows, Tensor dst) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    @Override
    public void scatterAddRows(Tensor src, int[] rows, Tensor dst) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    // ---- losses ----

    @Override
    public double mseLoss(Tensor pred, Tensor target, Tensor dPred) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    @Override
    public double softmaxCrossEntropy(Tensor logits, int[] labels, Tensor dLogits) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    @Override
    public void dropout(Tensor x, Tensor y, double p, long seed, long offset) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    // ---- optimizers ----

    @Override
    public void sgdStep(Tensor param, Tensor grad, Tensor momentumBuffer, SgdConfig config, long step) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    @Override
    public void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, AdamConfig config, long step) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    // ---- RNN ----

    @Override
    public RnnPlan rnnPlan(RnnSpec spec) {
        return new CpuRnnPlan(this, spec);
    }

    private CpuRnnPlan plan(RnnPlan plan) {
        if (!(plan instanceof CpuRnnPlan p) || p.backend() != this) {
            throw new IllegalArgumentException("plan: expected a plan made by this cpu backend, got " + plan);
        }
        return p;
    }

    @Override
    public void rnnForward(RnnPlan plan, RnnWorkspace ws, RnnMode mode, int[] seqLengths, RnnTensors io,
                           Tensor weights) {
        CpuRnnPlan p = plan(plan);
        RnnChecks.Geometry g = RnnChecks.forward(p, ws, seqLengths, io, weights);
        p.forward(p.workspace(ws), mode, seqLengths, g, io, own("weights", weights));
    }

    @Override
    public void rnnBackwardData(RnnPlan plan, RnnWorkspace ws, int[] seqLengths, RnnTensors io,
                                RnnGradients grads, Tensor weights) {
        CpuRnnPlan p = plan(plan);
        RnnChecks.Geometry g = RnnChecks.backwardData(p, ws, seqLengths, io, grads, weights);
        p.backwardData(p.workspace(ws), seqLengths, g, io, grads, own("weights", weights));
    }

    @Override
    public void rnnBackwardWeights(RnnPlan plan, RnnWorkspace ws, int[] seqLengths, RnnTensors io,
                                   Tensor dWeights) {
        CpuRnnPlan p = plan(plan);
        RnnChecks.Geometry g = RnnChecks.backwardWeights(p, ws, seqLengths, io, dWeights);
        p.backwardWeights(p.workspace(ws), seqLengths, g, io, own("dWeights", dWeights));
    }

    @Override
    public void close() {
        threads.close();
    }
}
