package dev.gated.cuda;

import static dev.gated.cuda.CudaErrors.driver;

import dev.gated.engine.backend.AdagradConfig;
import dev.gated.engine.backend.AdamConfig;
import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.BinaryOp;
import dev.gated.engine.backend.Checks;
import dev.gated.engine.backend.DType;
import dev.gated.engine.backend.OpChecks;
import dev.gated.engine.backend.Precision;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

/**
 * The GPU backend: cuBLAS for GEMM, cuDNN's v8 RNN API ({@link CudnnRnnPlan}), Gated's CUDA kernels for the rest,
 * all queued on one stream of one device. Every call validates its arguments with the engine's {@link OpChecks}, as
 * {@code CpuBackend} does (same checks, same messages), before any native call. Host numbers (reductions, losses) and downloads wait for
 * the stream; everything else is asynchronous.
 *
 * <p>Not thread-safe (like every backend, it is used from one thread at a time); the thread may change between calls.
 */
public final class CudaBackend implements Backend {
    private final CudaContext ctx;
    private final Kernels kernels;
    private final Set<CudaTensor.Storage> live = Collections.newSetFromMap(new IdentityHashMap<>());
    private final List<CudnnRnnPlan> plans = new ArrayList<>();
    private final Scratch scratch;
    private final CudaGemm gemms;
    private final CudaSoftmax softmax;
    private boolean closed;

    /** Opens device {@code gated.cuda.device} (default 0) at the given precision. */
    public CudaBackend(Precision precision) {
        this(CudaContext.open(defaultDevice(), OpChecks.required("precision", precision)));
    }

    public CudaBackend() {
        this(Precision.FP32);
    }

    /** Over an open context; {@code ctx} null gives a backend that can only validate arguments (tests). */
    CudaBackend(CudaContext ctx) {
        this.ctx = ctx;
        this.kernels = ctx == null ? null : ctx.kernels();
        this.scratch = new Scratch(ctx);
        this.gemms = new CudaGemm(ctx, kernels);
        this.softmax = new CudaSoftmax(this, ctx, kernels, scratch);
    }

    /** GATED_CUDA_DEVICE (or -Dgated.cuda.device) if set, else 0. */
    static int defaultDevice() {
        String s = System.getProperty("gated.cuda.device", System.getenv("GATED_CUDA_DEVICE"));
        if (s == null || s.isBlank()) {
            return 0;
        }
        try {
            int d = Integer.parseInt(s.trim());
            if (d >= 0) {
                return d;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("GATED_CUDA_DEVICE / gated.cuda.device: expected a device number >= 0, got '"
                + s + "'");
    }

    @Override
    public String name() {
        return "cuda";
    }

    /** e.g. "NVIDIA H100 80GB HBM3 (sm_90, 79.1 GiB), CUDA driver 13.0, cuBLAS 13.1.0, cuDNN 9.13.0, fp32". */
    @Override
    public String description() {
        return describe(ctx);
    }

    static String describe(CudaContext c) {
        int cc = c.computeCapability();
        return c.deviceName() + " (sm_" + cc + ", " + CudaFormat.bytes(c.totalMemory()) + "), CUDA driver "
                + CudaFormat.driverVersion(c.driverVersion()) + ", cuBLAS " + CudaFormat.cublasVersion(c.cublasVersion())
                + ", cuDNN " + CudaFormat.cudnnVersion(c.cudnnVersion()) + ", " + c.precision();
    }

    /** The precision of float32 GEMMs and RNNs: FP32 (exact) or TF32 (tensor cores). */
    public Precision precision() {
        return ctx.precision();
    }

    /** Bytes of device memory this backend holds: tensors, RNN workspaces, scratch buffers. */
    public long memoryInUse() {
        return ctx == null ? 0 : ctx.bytesInUse();
    }

    CudaContext context() {
        return ctx;
    }

    /** Binds the context to the calling thread; called after the argument checks, before the first native call. */
    private void enter() {
        if (closed) {
            throw new IllegalStateException("the cuda backend has been closed");
        }
        ctx.makeCurrent();
    }

    /** Checks that t is one of ours and still open, and returns it as a CudaTensor. */
    CudaTensor own(String name, Tensor t) {
        if (t != null && t.backend() != this && t.backend() instanceof CudaBackend) {
            throw new IllegalArgumentException(name + ": tensor belongs to another cuda backend (another device or "
                    + "context), not this one");
        }
        Checks.owned(name, t, this);
        CudaTensor c = (CudaTensor) t;
        c.checkLive(name);
        return c;
    }

    // ---- memory ----

    private CudaTensor newTensor(DType dtype, Shape shape, String purpose) {
        long bytes = (long) shape.numel() * dtype.bytes();
        enter();
        CUdeviceptr p = ctx.allocate(bytes, purpose + " " + dtype + " " + shape);
        CudaTensor.Storage s = new CudaTensor.Storage(p, bytes);
        live.add(s);
        return new CudaTensor(this, s, shape, dtype, false);
    }

    /** Frees a tensor's storage (idempotent); called by the tensor that was allocated. */
    void release(CudaTensor.Storage s) {
        if (s.freed) {
            return;
        }
        s.freed = true;
        if (live.remove(s) && !closed) {
            ctx.makeCurrent();
            ctx.free(s.pointer);
        }
    }

    @Override
    public Tensor allocate(DType dtype, Shape shape) {
        OpChecks.allocate(dtype, shape);
        CudaTensor t = newTensor(dtype, shape, "a tensor");
        if (t.bytes() > 0) {
            driver(JCudaDriver.cuMemsetD8Async(t.pointer(), (byte) 0, t.bytes(), ctx.stream()), "cuMemsetD8Async");
        }
        return t;
    }

    @Override
    public Tensor upload(double[] data, Shape shape, DType dtype) {
        OpChecks.upload(data, shape, dtype);
        if (dtype == DType.FLOAT64) {
            return uploaded(Pointer.to(data), shape, dtype);
        }
        return uploaded(Pointer.to(FloatArrays.toFloat(data)), shape, dtype);
    }

    @Override
    public Tensor upload(float[] data, Shape shape, DType dtype) {
        OpChecks.upload(data, shape, dtype);
        if (dtype == DType.FLOAT32) {
            return uploaded(Pointer.to(data), shape, dtype);
        }
        return uploaded(Pointer.to(FloatArrays.toDouble(data)), shape, dtype);
    }

    /** Copies host memory (already in the tensor's dtype) into a new tensor, ordered on the stream. */
    private CudaTensor uploaded(Pointer host, Shape shape, DType dtype) {
        CudaTensor t = newTensor(dtype, shape, "an uploaded tensor");
        if (t.bytes() > 0) {
            // From pageable memory the driver stages the source before returning, so the Java array may move after.
            driver(JCudaDriver.cuMemcpyHtoDAsync(t.pointer(), host, t.bytes(), ctx.stream()), "cuMemcpyHtoDAsync");
        }
        return t;
    }

    @Override
    public double[] download(Tensor t) {
        CudaTensor x = own("t", t);
        enter();
        if (x.dtype() == DType.FLOAT64) {
            double[] out = new double[x.numel()];
            copyToHost(Pointer.to(out), x);
            return out;
        }
        float[] f = new float[x.numel()];
        copyToHost(Pointer.to(f), x);
        return FloatArrays.toDouble(f);
    }

    @Override
    public float[] downloadFloat(Tensor t) {
        CudaTensor x = own("t", t);
        enter();
        if (x.dtype() == DType.FLOAT32) {
            float[] out = new float[x.numel()];
            copyToHost(Pointer.to(out), x);
            return out;
        }
        double[] d = new double[x.numel()];
        copyToHost(Pointer.to(d), x);
        return FloatArrays.toFloat(d);
    }

    /** Waits for the stream (surfacing any earlier kernel error), then copies synchronously. */
    private void copyToHost(Pointer host, CudaTensor x) {
        ctx.synchronize();
        if (x.bytes() > 0) {
            driver(JCudaDriver.cuMemcpyDtoH(host, x.pointer(), x.bytes()), "cuMemcpyDtoH");
        }
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        CudaTensor s = own("src", src);
        CudaTensor d = own("dst", dst);
        OpChecks.copy(src, dst);
        enter();
        if (s.bytes() > 0 && s.pointer() != d.pointer()) {
            driver(JCudaDriver.cuMemcpyDtoDAsync(d.pointer(), s.pointer(), s.bytes(), ctx.stream()),
                    "cuMemcpyDtoDAsync");
        }
    }

    @Override
    public void fill(Tensor t, double value) {
        CudaTensor x = own("t", t);
        enter();
        kernels.fill(x.dtype(), x.pointer(), value, x.numel());
    }

    // ---- dense algebra ----

    @Override
    public void gemm(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c) {
        CudaTensor ta = own("a", a);
        CudaTensor tb = own("b", b);
        CudaTensor tc = own("c", c);
        OpChecks.GemmDims dims = OpChecks.gemm(transA, transB, a, b, c);
        notInPlace("gemm", ta, tb, tc);
        enter();
        gemms.gemm(a.dtype(), transA, transB, dims.m(), dims.n(), dims.k(), alpha, ta.pointer(), a.shape().dim(1),
                tb.pointer(), b.shape().dim(1), beta, tc.pointer());
    }

    @Override
    public void batchedGemm(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c) {
        CudaTensor ta = own("a", a);
        CudaTensor tb = own("b", b);
        CudaTensor tc = own("c", c);
        OpChecks.BatchedGemmDims d = OpChecks.batchedGemm(transA, transB, a, b, c);
        notInPlace("batchedGemm", ta, tb, tc);
        enter();
        gemms.batched(a.dtype(), transA, transB, d.batch(), d.m(), d.n(), d.k(), alpha, ta.pointer(), a.shape().dim(2),
                tb.pointer(), b.shape().dim(2), beta, tc.pointer());
    }

    private static void notInPlace(String op, CudaTensor a, CudaTensor b, CudaTensor c) {
        if (c.sharesStorage(a) || c.sharesStorage(b)) {
            throw new IllegalArgumentException("c: must not share storage with " + (c.sharesStorage(a) ? "a" : "b")
                    + " (" + op + " does not work in place)");
        }
    }

    @Override
    public void axpby(double alpha, Tensor x, double beta, Tensor y) {
        CudaTensor tx = own("x", x);
        CudaTensor ty = own("y", y);
        OpChecks.axpby(x, y);
        enter();
        kernels.axpby(tx.dtype(), alpha, tx.pointer(), beta, ty.pointer(), tx.numel());
    }

    // ---- element-wise ----

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor y) {
        OpChecks.required("op", op);
        CudaTensor tx = own("x", x);
        CudaTensor ty = own("y", y);
        OpChecks.unary(x, y);
        enter();
        kernels.unary(tx.dtype(), KernelOps.code(op), tx.pointer(), ty.pointer(), tx.numel());
    }

    @Override
    public void unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        OpChecks.required("op", op);
        CudaTensor tx = own("x", x);
        CudaTensor ty = own("y", y);
        CudaTensor tdy = own("dy", dy);
        CudaTensor tdx = own("dx", dx);
        OpChecks.unaryBackward(x, y, dy, dx);
        enter();
        kernels.unaryBackward(tx.dtype(), KernelOps.code(op), tx.pointer(), ty.pointer(), tdy.pointer(), tdx.pointer(),
                tx.numel());
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        OpChecks.required("op", op);
        CudaTensor ta = own("a", a);
        CudaTensor tb = own("b", b);
        CudaTensor to = own("out", out);
        OpChecks.binary(a, b, out);
        enter();
        kernels.binary(ta.dtype(), KernelOps.code(op), ta.pointer(), tb.pointer(), to.pointer(), ta.numel());
    }

    @Override
    public void addRowVector(Tensor x, Tensor v) {
        CudaTensor tx = own("x", x);
        CudaTensor tv = own("v", v);
        OpChecks.addRowVector(x, v);
        enter();
        kernels.addRowVector(tx.dtype(), tx.pointer(), tv.pointer(), tx.numel(), tv.numel());
    }

    @Override
    public void sumRows(Tensor x, Tensor out, boolean accumulate) {
        CudaTensor tx = own("x", x);
        CudaTensor to = own("out", out);
        OpChecks.sumRows(x, out);
        enter();
        int cols = to.numel();
        int rows = cols == 0 ? 0 : tx.numel() / cols;
        kernels.sumRows(tx.dtype(), tx.pointer(), to.pointer(), rows, cols, accumulate);
    }

    @Override
    public void softmaxRows(Tensor x, Tensor y) {
        CudaTensor tx = own("x", x);
        CudaTensor ty = own("y", y);
        int cols = OpChecks.softmaxRows(x, y);
        enter();
        softmax.softmaxRows(tx, ty, x.shape().rows(), cols);
    }

    @Override
    public void softmaxRowsBackward(Tensor y, Tensor dy, Tensor dx) {
        CudaTensor ty = own("y", y);
        CudaTensor tdy = own("dy", dy);
        CudaTensor tdx = own("dx", dx);
        int cols = OpChecks.softmaxRowsBackward(y, dy, dx);
        enter();
        softmax.softmaxRowsBackward(ty, tdy, tdx, y.shape().rows(), cols);
    }

    // ---- reductions ----

    private double reduce(KernelOps.Reduce code, CudaTensor x, CudaTensor y, CudaTensor grad, double scale) {
        enter();
        CUdeviceptr partials = scratch.partials();
        CUdeviceptr out = scratch.result();
        kernels.reduce(x.dtype(), code, x.pointer(), y == null ? null : y.pointer(),
                grad == null ? null : grad.pointer(), x.numel(), scale, partials, out);
        double[] result = new double[1];
        ctx.synchronize();
        driver(JCudaDriver.cuMemcpyDtoH(Pointer.to(result), out, Double.BYTES), "cuMemcpyDtoH(reduction result)");
        return result[0];
    }

    @Override
    public double sum(Tensor x) {
        return reduce(KernelOps.Reduce.SUM, own("x", x), null, null, 0);
    }

    @Override
    public double sumOfSquares(Tensor x) {
        return reduce(KernelOps.Reduce.SUM_OF_SQUARES, own("x", x), null, null, 0);
    }

    @Override
    public boolean allFinite(Tensor x) {
        return reduce(KernelOps.Reduce.NON_FINITE_COUNT, own("x", x), null, null, 0) == 0;
    }

    // ---- indexing ----

    @Override
    public void gatherRows(Tensor src, int[] rows, Tensor dst) {
        CudaTensor ts = own("src", src);
        CudaTensor td = own("dst", dst);
        int cols = OpChecks.gatherRows(src, rows, dst);
        enter();
        if ((long) rows.length * cols == 0) {
            return;
        }
        CUdeviceptr idx = scratch.ints(rows);
        kernels.gatherRows(ts.dtype(), ts.pointer(), idx, td.pointer(), rows.length, cols);
    }

    @Override
    public void scatterAddRows(Tensor src, int[] rows, Tensor dst) {
        CudaTensor ts = own("src", src);
        CudaTensor td = own("dst", dst);
        int cols = OpChecks.scatterAddRows(src, rows, dst);
        if (ts.sharesStorage(td)) {
            throw new IllegalArgumentException("dst: must not share storage with src");
        }
        enter();
        if ((long) rows.length * cols == 0) {
            return;
        }
        CUdeviceptr idx = scratch.ints(rows);
        kernels.scatterAddRows(ts.dtype(), ts.pointer(), idx, td.pointer(), rows.length, cols);
    }

    // ---- losses ----

    @Override
    public double mseLoss(Tensor pred, Tensor target, Tensor dPred) {
        CudaTensor tp = own("pred", pred);
        CudaTensor tt = own("target", target);
        CudaTensor td = dPred == null ? null : own("dPred", dPred);
        OpChecks.mseLoss(pred, target, dPred);
        int n = pred.numel();
        return reduce(KernelOps.Reduce.MSE, tp, tt, td, 2.0 / n) / n;
    }

    @Override
    public double softmaxCrossEntropy(Tensor logits, int[] labels, Tensor dLogits) {
        CudaTensor tl = own("logits", logits);
        CudaTensor td = dLogits == null ? null : own("dLogits", dLogits);
        int classes = OpChecks.softmaxCrossEntropy(logits, labels, dLogits);
        enter();
        return softmax.crossEntropy(tl, labels, td, logits.shape().rows(), classes);
    }

    @Override
    public void dropout(Tensor x, Tensor y, double p, long seed, long offset) {
        CudaTensor tx = own("x", x);
        CudaTensor ty = own("y", y);
        OpChecks.dropout(x, y, p);
        enter();
        // float32: (float) (1.0 / (1.0 - p)), as the CPU backend's F32Ops.dropout; Kernels rounds the scale to the
        // dtype.
        kernels.dropout(tx.dtype(), tx.pointer(), ty.pointer(), tx.numel(), p, 1.0 / (1.0 - p), seed, offset);
    }

    // ---- optimizers ----

    @Override
    public void sgdStep(Tensor param, Tensor grad, Tensor momentumBuffer, SgdConfig config, long step) {
        CudaTensor tp = own("param", param);
        CudaTensor tg = own("grad", grad);
        CudaTensor tb = momentumBuffer == null ? null : own("momentumBuffer", momentumBuffer);
        OpChecks.sgdStep(param, grad, momentumBuffer, config, step);
        if (config.momentum() == 0) {
            tb = null; // checked, but plain SGD keeps no buffer
        }
        OpChecks.separateState(CudaTensor::sharesStorage, tp, tg, new String[] {"momentumBuffer"}, tb);
        enter();
        kernels.sgd(tp.dtype(), tp.pointer(), tg.pointer(), tb == null ? null : tb.pointer(), tp.numel(), config.lr(),
                config.weightDecay(), config.momentum(), 1 - config.dampening(), config.nesterov(), step == 1);
    }

    @Override
    public void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, AdamConfig config, long step) {
        CudaTensor tp = own("param", param);
        CudaTensor tg = own("grad", grad);
        CudaTensor tm = own("m", m);
        CudaTensor tv = own("v", v);
        OpChecks.adamStep(param, grad, m, v, config, step);
        if (tm.sharesStorage(tv) || tm.sharesStorage(tp) || tv.sharesStorage(tp)) {
            throw new IllegalArgumentException("m, v: must be separate buffers, not sharing storage with each other "
                    + "or with param");
        }
        enter();
        // The scalars exactly as CpuOptimizers.adam computes them (Math.pow on the host).
        double lr = config.lr();
        double decay = 1 - lr * config.weightDecay();
        double bc1 = 1 - Math.pow(config.beta1(), step);
        double bc2 = 1 - Math.pow(config.beta2(), step);
        kernels.adam(tp.dtype(), tp.pointer(), tg.pointer(), tm.pointer(), tv.pointer(), tp.numel(), lr, config.beta1(),
                config.beta2(), config.eps(), config.weightDecay(), config.decoupled(), decay, bc1, bc2);
    }

    @Override
    public void rmspropStep(Tensor param, Tensor grad, Tensor squareAvg, Tensor momentumBuffer, Tensor gradAvg,
                            RmspropConfig config, long step) {
        CudaTensor tp = own("param", param);
        CudaTensor tg = own("grad", grad);
        CudaTensor ts = own("squareAvg", squareAvg);
        CudaTensor tb = momentumBuffer == null ? null : own("momentumBuffer", momentumBuffer);
        CudaTensor ta = gradAvg == null ? null : own("gradAvg", gradAvg);
        OpChecks.rmspropStep(param, grad, squareAvg, momentumBuffer, gradAvg, config, step);
        // checked, but a step without momentum (not centered) keeps no buffer (no average)
        tb = config.momentum() != 0 ? tb : null;
        ta = config.centered() ? ta : null;
        OpChecks.separateState(CudaTensor::sharesStorage, tp, tg,
                new String[] {"squareAvg", "momentumBuffer", "gradAvg"}, ts, tb, ta);
        enter();
        kernels.rmsprop(tp.dtype(), tp.pointer(), tg.pointer(), ts.pointer(), tb == null ? null : tb.pointer(),
                ta == null ? null : ta.pointer(), tp.numel(), config.lr(), config.alpha(), config.eps(),
                config.weightDecay(), config.momentum(), step == 1);
    }

    @Override
    public void adagradStep(Tensor param, Tensor grad, Tensor stateSum, AdagradConfig config, long step) {
        CudaTensor tp = own("param", param);
        CudaTensor tg = own("grad", grad);
        CudaTensor ts = own("stateSum", stateSum);
        OpChecks.adagradStep(param, grad, stateSum, config, step);
        OpChecks.separateState(CudaTensor::sharesStorage, tp, tg, new String[] {"stateSum"}, ts);
        enter();
        // clr exactly as CpuOptimizers.adagrad computes it.
        kernels.adagrad(tp.dtype(), tp.pointer(), tg.pointer(), ts.pointer(), tp.numel(), config.stepLr(step),
                config.weightDecay(), config.eps(), config.initialAccumulatorValue(), step == 1);
    }

    // ---- RNN (cuDNN v8 API, in CudnnRnnPlan / CudnnRnnWorkspace) ----

    @Override
    public RnnPlan rnnPlan(RnnSpec spec) {
        OpChecks.required("spec", spec);
        enter();
        CudnnRnnPlan p = new CudnnRnnPlan(ctx, spec);
        plans.add(p);
        return p;
    }

    private CudnnRnnPlan plan(RnnPlan plan) {
        if (!(plan instanceof CudnnRnnPlan p) || p.context() != ctx) {
            throw new IllegalArgumentException("plan: expected a plan made by this cuda backend, got " + plan);
        }
        return p;
    }

    private static CudnnRnnWorkspace workspace(RnnWorkspace ws) {
        if (!(ws instanceof CudnnRnnWorkspace w)) {
            throw new IllegalArgumentException("workspace: expected one made by this plan's workspace(), got " + ws);
        }
        return w;
    }

    /** Every tensor of io that is present must be one of ours (RnnChecks checks shapes and dtypes). */
    private void ownAll(RnnTensors io) {
        own("x", io.x());
        own("y", io.y());
        ownOptional("hx", io.hx());
        ownOptional("cx", io.cx());
        ownOptional("hy", io.hy());
        ownOptional("cy", io.cy());
    }

    private void ownOptional(String name, Tensor t) {
        if (t != null) {
            own(name, t);
        }
    }

    @Override
    public void rnnForward(RnnPlan plan, RnnWorkspace ws, RnnMode mode, int[] seqLengths, RnnTensors io,
                           Tensor weights) {
        CudnnRnnPlan p = plan(plan);
        OpChecks.required("mode", mode);
        OpChecks.required("io", io);
        RnnChecks.forward(p, ws, seqLengths, io, weights);
        ownAll(io);
        CudaTensor w = own("weights", weights);
        CudnnRnnWorkspace cws = workspace(ws);
        enter();
        p.forward(cws, mode, seqLengths, io, w);
    }

    @Override
    public void rnnBackwardData(RnnPlan plan, RnnWorkspace ws, int[] seqLengths, RnnTensors io,
                                RnnGradients grads, Tensor weights) {
        CudnnRnnPlan p = plan(plan);
        OpChecks.required("io", io);
        OpChecks.required("grads", grads);
        RnnChecks.backwardData(p, ws, seqLengths, io, grads, weights);
        ownAll(io);
        own("dy", grads.dy());
        own("dx", grads.dx());
        ownOptional("dhy", grads.dhy());
        ownOptional("dcy", grads.dcy());
        ownOptional("dhx", grads.dhx());
        ownOptional("dcx", grads.dcx());
        CudaTensor w = own("weights", weights);
        CudnnRnnWorkspace cws = workspace(ws);
        enter();
        p.backwardData(cws, seqLengths, io, grads, w);
    }

    @Override
    public void rnnBackwardWeights(RnnPlan plan, RnnWorkspace ws, int[] seqLengths, RnnTensors io,
                                   Tensor dWeights) {
        CudnnRnnPlan p = plan(plan);
        OpChecks.required("io", io);
        RnnChecks.backwardWeights(p, ws, seqLengths, io, dWeights);
        ownAll(io);
        CudaTensor dw = own("dWeights", dWeights);
        CudnnRnnWorkspace cws = workspace(ws);
        enter();
        p.backwardWeights(cws, seqLengths, io, dw);
    }

    /**
     * Waits for the device, then releases everything this backend holds: plans, tensors still open, scratch, the
     * handles, the kernel module and the context. Idempotent; tensors closed afterwards do nothing.
     */
    @Override
    public void close() {
        if (closed || ctx == null) {
            closed = true;
            return;
        }
        RuntimeException first = null;
        try {
            ctx.makeCurrent();
            for (CudnnRnnPlan p : plans) {
                try {
                    p.close();
                } catch (RuntimeException e) {
                    first = first == null ? e : first;
                }
            }
            plans.clear();
            for (CudaTensor.Storage s : live) {
                s.freed = true;
            }
            live.clear();
        } finally {
            closed = true;
            // The context frees every allocation still open (tensors, workspaces, scratch) and then itself.
            try {
                ctx.close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "CudaBackend[%s]", ctx == null ? "detached" : ctx.deviceName());
    }
}
