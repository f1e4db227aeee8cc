package dev.gated.cpu;

import dev.gated.engine.backend.AdagradConfig;
import dev.gated.engine.backend.AdamConfig;
import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.BinaryOp;
import dev.gated.engine.backend.Checks;
import dev.gated.engine.backend.DType;
import dev.gated.engine.backend.OpChecks;
import dev.gated.engine.backend.RmspropConfig;
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
import dev.gated.engine.util.FloatArrays;

/** The pure-Java backend: heap tensors, blocked multi-threaded kernels, cuDNN's RNN semantics. */
public final class CpuBackend implements Backend {
    private final CpuThreads threads;
    private final F32Kernels f32;

    public CpuBackend() {
        this(defaultThreads());
    }

    public CpuBackend(int threads) {
        this(threads, CpuKernels.VECTOR);
    }

    /** {@code vector} false forces the scalar float32 kernels (tests cover both paths). */
    CpuBackend(int threads, boolean vector) {
        if (vector && !CpuKernels.VECTOR) {
            throw new IllegalStateException("Vector API kernels requested but unavailable: " + CpuKernels.describe());
        }
        this.f32 = vector ? F32VectorKernels.INSTANCE : F32Kernels.INSTANCE;
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

    F32Kernels f32Kernels() {
        return f32;
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String description() {
        return "pure Java, " + threads.threads() + " thread" + (threads.threads() == 1 ? "" : "s") + ", "
                + (f32 instanceof F32VectorKernels ? CpuKernels.describe() : "scalar kernels");
    }

    /** Checks that t is one of ours and returns it as a CpuTensor. */
    CpuTensor own(String name, Tensor t) {
        Checks.owned(name, t, this);
        return (CpuTensor) t;
    }

    // ---- memory ----

    @Override
    public Tensor allocate(DType dtype, Shape shape) {
        OpChecks.allocate(dtype, shape);
        return CpuTensor.zeros(this, dtype, shape);
    }

    @Override
    public Tensor upload(double[] data, Shape shape, DType dtype) {
        OpChecks.upload(data, shape, dtype);
        if (dtype == DType.FLOAT64) {
            return new CpuTensor(this, shape, null, data.clone());
        }
        return new CpuTensor(this, shape, FloatArrays.toFloat(data), null);
    }

    @Override
    public Tensor upload(float[] data, Shape shape, DType dtype) {
        OpChecks.upload(data, shape, dtype);
        if (dtype == DType.FLOAT32) {
            return new CpuTensor(this, shape, data.clone(), null);
        }
        return new CpuTensor(this, shape, null, FloatArrays.toDouble(data));
    }

    @Override
    public double[] download(Tensor t) {
        CpuTensor x = own("t", t);
        if (!x.isFloat()) {
            return x.d().clone();
        }
        return FloatArrays.toDouble(x.f());
    }

    @Override
    public float[] downloadFloat(Tensor t) {
        CpuTensor x = own("t", t);
        if (x.isFloat()) {
            return x.f().clone();
        }
        return FloatArrays.toFloat(x.d());
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        CpuTensor s = own("src", src);
        CpuTensor d = own("dst", dst);
        OpChecks.copy(src, dst);
        if (s.isFloat()) {
            System.arraycopy(s.f(), 0, d.f(), 0, s.numel());
        } else {
            System.arraycopy(s.d(), 0, d.d(), 0, s.numel());
        }
    }

    @Override
    public void fill(Tensor t, double value) {
        CpuTensor x = own("t", t);
        if (x.isFloat()) {
            F32Ops.fill(threads, x.f(), (float) value);
        } else {
            F64Ops.fill(threads, x.d(), value);
        }
    }

    // ---- dense algebra ----

    @Override
    public void gemm(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c) {
        CpuTensor ta = own("a", a);
        CpuTensor tb = own("b", b);
        CpuTensor tc = own("c", c);
        OpChecks.GemmDims dims = OpChecks.gemm(transA, transB, a, b, c);
        int m = dims.m();
        int n = dims.n();
        int k = dims.k();
        notInPlace("gemm", ta, tb, tc);
        int lda = a.shape().dim(1);
        int ldb = b.shape().dim(1);
        if (ta.isFloat()) {
            F32Gemm.gemm(threads, transA, transB, m, n, k, (float) alpha, ta.f(), 0, lda, tb.f(), 0, ldb, (float) beta,
                    tc.f(), 0, n);
        } else {
            F64Gemm.gemm(threads, transA, transB, m, n, k, alpha, ta.d(), 0, lda, tb.d(), 0, ldb, beta, tc.d(), 0, n);
        }
    }

    @Override
    public void batchedGemm(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c) {
        CpuTensor ta = own("a", a);
        CpuTensor tb = own("b", b);
        CpuTensor tc = own("c", c);
        OpChecks.BatchedGemmDims d = OpChecks.batchedGemm(transA, transB, a, b, c);
        notInPlace("batchedGemm", ta, tb, tc);
        BatchedGemm.gemm(threads, transA, transB, d.batch(), d.m(), d.n(), d.k(), alpha, ta, a.shape().dim(2), tb,
                b.shape().dim(2), beta, tc);
    }

    private static void notInPlace(String op, CpuTensor a, CpuTensor b, CpuTensor c) {
        if (shareStorage(c, a) || shareStorage(c, b)) {
            throw new IllegalArgumentException("c: must not share storage with " + (shareStorage(c, a) ? "a" : "b")
                    + " (" + op + " does not work in place)");
        }
    }

    private static boolean shareStorage(CpuTensor x, CpuTensor y) {
        return x.isFloat() ? x.f() == y.f() : x.d() == y.d();
    }

    @Override
    public void axpby(double alpha, Tensor x, double beta, Tensor y) {
        CpuTensor tx = own("x", x);
        CpuTensor ty = own("y", y);
        OpChecks.axpby(x, y);
        if (tx.isFloat()) {
            F32Ops.axpby(threads, (float) alpha, tx.f(), (float) beta, ty.f());
        } else {
            F64Ops.axpby(threads, alpha, tx.d(), beta, ty.d());
        }
    }

    // ---- element-wise ----

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor y) {
        OpChecks.required("op", op);
        CpuTensor tx = own("x", x);
        CpuTensor ty = own("y", y);
        OpChecks.unary(x, y);
        if (tx.isFloat()) {
            F32Ops.unary(threads, op, tx.f(), ty.f());
        } else {
            F64Ops.unary(threads, op, tx.d(), ty.d());
        }
    }

    @Override
    public void unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        OpChecks.required("op", op);
        CpuTensor tx = own("x", x);
        CpuTensor ty = own("y", y);
        CpuTensor tdy = own("dy", dy);
        CpuTensor tdx = own("dx", dx);
        OpChecks.unaryBackward(x, y, dy, dx);
        if (tx.isFloat()) {
            F32Ops.unaryBackward(threads, op, tx.f(), ty.f(), tdy.f(), tdx.f());
        } else {
            F64Ops.unaryBackward(threads, op, tx.d(), ty.d(), tdy.d(), tdx.d());
        }
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        OpChecks.required("op", op);
        CpuTensor ta = own("a", a);
        CpuTensor tb = own("b", b);
        CpuTensor to = own("out", out);
        OpChecks.binary(a, b, out);
        if (ta.isFloat()) {
            F32Ops.binary(threads, op, ta.f(), tb.f(), to.f());
        } else {
            F64Ops.binary(threads, op, ta.d(), tb.d(), to.d());
        }
    }

    @Override
    public void addRowVector(Tensor x, Tensor v) {
        CpuTensor tx = own("x", x);
        CpuTensor tv = own("v", v);
        OpChecks.addRowVector(x, v);
        if (tx.isFloat()) {
            F32Ops.addRowVector(threads, tx.f(), tv.f());
        } else {
            F64Ops.addRowVector(threads, tx.d(), tv.d());
        }
    }

    @Override
    public void sumRows(Tensor x, Tensor out, boolean accumulate) {
        CpuTensor tx = own("x", x);
        CpuTensor to = own("out", out);
        OpChecks.sumRows(x, out);
        if (tx.isFloat()) {
            F32Ops.sumRows(threads, tx.f(), to.f(), accumulate);
        } else {
            F64Ops.sumRows(threads, tx.d(), to.d(), accumulate);
        }
    }

    @Override
    public void softmaxRows(Tensor x, Tensor y) {
        CpuTensor tx = own("x", x);
        CpuTensor ty = own("y", y);
        int cols = OpChecks.softmaxRows(x, y);
        CpuSoftmax.Rows rx = CpuSoftmax.rows(tx);
        int masked = OpChecks.firstFullyMaskedRow(x.shape().rows(), cols, rx::get);
        if (masked >= 0) {
            throw OpChecks.fullyMaskedRow(x, masked);
        }
        CpuSoftmax.softmaxRows(threads, rx, CpuSoftmax.rows(ty), x.shape().rows(), cols);
    }

    @Override
    public void softmaxRowsBackward(Tensor y, Tensor dy, Tensor dx) {
        CpuTensor ty = own("y", y);
        CpuTensor tdy = own("dy", dy);
        CpuTensor tdx = own("dx", dx);
        int cols = OpChecks.softmaxRowsBackward(y, dy, dx);
        CpuSoftmax.softmaxRowsBackward(threads, CpuSoftmax.rows(ty), CpuSoftmax.rows(tdy), CpuSoftmax.rows(tdx),
                y.shape().rows(), cols);
    }

    // ---- reductions ----

    @Override
    public double sum(Tensor x) {
        CpuTensor tx = own("x", x);
        return tx.isFloat() ? F32Ops.sum(threads, tx.f()) : F64Ops.sum(threads, tx.d());
    }

    @Override
    public double sumOfSquares(Tensor x) {
        CpuTensor tx = own("x", x);
        return tx.isFloat() ? F32Ops.sumOfSquares(threads, tx.f()) : F64Ops.sumOfSquares(threads, tx.d());
    }

    @Override
    public boolean allFinite(Tensor x) {
        CpuTensor tx = own("x", x);
        return tx.isFloat() ? F32Ops.allFinite(threads, tx.f()) : F64Ops.allFinite(threads, tx.d());
    }

    // ---- indexing ----

    @Override
    public void gatherRows(Tensor src, int[] rows, Tensor dst) {
        CpuTensor ts = own("src", src);
        CpuTensor td = own("dst", dst);
        int cols = OpChecks.gatherRows(src, rows, dst);
        if (ts.isFloat()) {
            F32Ops.gatherRows(threads, ts.f(), rows, td.f(), cols);
        } else {
            F64Ops.gatherRows(threads, ts.d(), rows, td.d(), cols);
        }
    }

    @Override
    public void scatterAddRows(Tensor src, int[] rows, Tensor dst) {
        CpuTensor ts = own("src", src);
        CpuTensor td = own("dst", dst);
        int cols = OpChecks.scatterAddRows(src, rows, dst);
        if (shareStorage(ts, td)) {
            throw new IllegalArgumentException("dst: must not share storage with src");
        }
        if (ts.isFloat()) {
            F32Ops.scatterAddRows(threads, ts.f(), rows, td.f(), cols);
        } else {
            F64Ops.scatterAddRows(threads, ts.d(), rows, td.d(), cols);
        }
    }

    // ---- losses ----

    @Override
    public double mseLoss(Tensor pred, Tensor target, Tensor dPred) {
        CpuTensor tp = own("pred", pred);
        CpuTensor tt = own("target", target);
        CpuTensor td = dPred == null ? null : own("dPred", dPred);
        OpChecks.mseLoss(pred, target, dPred);
        if (tp.isFloat()) {
            return F32Ops.mseLoss(threads, tp.f(), tt.f(), td == null ? null : td.f());
        }
        return F64Ops.mseLoss(threads, tp.d(), tt.d(), td == null ? null : td.d());
    }

    @Override
    public double softmaxCrossEntropy(Tensor logits, int[] labels, Tensor dLogits) {
        CpuTensor tl = own("logits", logits);
        CpuTensor td = dLogits == null ? null : own("dLogits", dLogits);
        int classes = OpChecks.softmaxCrossEntropy(logits, labels, dLogits);
        return CpuSoftmax.softmaxCrossEntropy(threads, CpuSoftmax.rows(tl), classes, labels, CpuSoftmax.rows(td));
    }

    @Override
    public void dropout(Tensor x, Tensor y, double p, long seed, long offset) {
        CpuTensor tx = own("x", x);
        CpuTensor ty = own("y", y);
        OpChecks.dropout(x, y, p);
        if (tx.isFloat()) {
            F32Ops.dropout(threads, tx.f(), ty.f(), p, seed, offset);
        } else {
            F64Ops.dropout(threads, tx.d(), ty.d(), p, seed, offset);
        }
    }

    // ---- optimizers ----

    @Override
    public void sgdStep(Tensor param, Tensor grad, Tensor momentumBuffer, SgdConfig config, long step) {
        CpuTensor tp = own("param", param);
        CpuTensor tg = own("grad", grad);
        CpuTensor tb = momentumBuffer == null ? null : own("momentumBuffer", momentumBuffer);
        OpChecks.sgdStep(param, grad, momentumBuffer, config, step);
        if (config.momentum() == 0) {
            tb = null; // checked, but plain SGD keeps no buffer
        }
        OpChecks.separateState(CpuBackend::shareStorage, tp, tg, new String[] {"momentumBuffer"}, tb);
        if (tp.isFloat()) {
            CpuOptimizers.sgd(threads, tp.f(), tg.f(), tb == null ? null : tb.f(), config, step);
        } else {
            CpuOptimizers.sgd(threads, tp.d(), tg.d(), tb == null ? null : tb.d(), config, step);
        }
    }

    @Override
    public void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, AdamConfig config, long step) {
        CpuTensor tp = own("param", param);
        CpuTensor tg = own("grad", grad);
        CpuTensor tm = own("m", m);
        CpuTensor tv = own("v", v);
        OpChecks.adamStep(param, grad, m, v, config, step);
        if (shareStorage(tm, tv) || shareStorage(tm, tp) || shareStorage(tv, tp)) {
            throw new IllegalArgumentException("m, v: must be separate buffers, not sharing storage with each other "
                    + "or with param");
        }
        if (tp.isFloat()) {
            CpuOptimizers.adam(threads, tp.f(), tg.f(), tm.f(), tv.f(), config, step);
        } else {
            CpuOptimizers.adam(threads, tp.d(), tg.d(), tm.d(), tv.d(), config, step);
        }
    }

    @Override
    public void rmspropStep(Tensor param, Tensor grad, Tensor squareAvg, Tensor momentumBuffer, Tensor gradAvg,
                            RmspropConfig config, long step) {
        CpuTensor tp = own("param", param);
        CpuTensor tg = own("grad", grad);
        CpuTensor ts = own("squareAvg", squareAvg);
        CpuTensor tb = momentumBuffer == null ? null : own("momentumBuffer", momentumBuffer);
        CpuTensor ta = gradAvg == null ? null : own("gradAvg", gradAvg);
        OpChecks.rmspropStep(param, grad, squareAvg, momentumBuffer, gradAvg, config, step);
        // checked, but a step without momentum (not centered) keeps no buffer (no average)
        tb = config.momentum() != 0 ? tb : null;
        ta = config.centered() ? ta : null;
        OpChecks.separateState(CpuBackend::shareStorage, tp, tg,
                new String[] {"squareAvg", "momentumBuffer", "gradAvg"}, ts, tb, ta);
        if (tp.isFloat()) {
            CpuOptimizers.rmsprop(threads, tp.f(), tg.f(), ts.f(), tb == null ? null : tb.f(),
                    ta == null ? null : ta.f(), config, step);
        } else {
            CpuOptimizers.rmsprop(threads, tp.d(), tg.d(), ts.d(), tb == null ? null : tb.d(),
                    ta == null ? null : ta.d(), config, step);
        }
    }

    @Override
    public void adagradStep(Tensor param, Tensor grad, Tensor stateSum, AdagradConfig config, long step) {
        CpuTensor tp = own("param", param);
        CpuTensor tg = own("grad", grad);
        CpuTensor ts = own("stateSum", stateSum);
        OpChecks.adagradStep(param, grad, stateSum, config, step);
        OpChecks.separateState(CpuBackend::shareStorage, tp, tg, new String[] {"stateSum"}, ts);
        if (tp.isFloat()) {
            CpuOptimizers.adagrad(threads, tp.f(), tg.f(), ts.f(), config, step);
        } else {
            CpuOptimizers.adagrad(threads, tp.d(), tg.d(), ts.d(), config, step);
        }
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
        p.workspace(ws).forward(mode, seqLengths, g, io, own("weights", weights));
    }

    @Override
    public void rnnBackwardData(RnnPlan plan, RnnWorkspace ws, int[] seqLengths, RnnTensors io,
                                RnnGradients grads, Tensor weights) {
        CpuRnnPlan p = plan(plan);
        RnnChecks.Geometry g = RnnChecks.backwardData(p, ws, seqLengths, io, grads, weights);
        p.workspace(ws).backwardData(seqLengths, g, io, grads, own("weights", weights));
    }

    @Override
    public void rnnBackwardWeights(RnnPlan plan, RnnWorkspace ws, int[] seqLengths, RnnTensors io,
                                   Tensor dWeights) {
        CpuRnnPlan p = plan(plan);
        RnnChecks.Geometry g = RnnChecks.backwardWeights(p, ws, seqLengths, io, dWeights);
        p.workspace(ws).backwardWeights(seqLengths, g, io, own("dWeights", dWeights));
    }

    @Override
    public void close() {
        threads.close();
    }
}
