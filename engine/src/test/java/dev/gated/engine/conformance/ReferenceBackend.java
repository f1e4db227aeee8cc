package dev.gated.engine.conformance;

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
import java.util.Map;

/**
 * A test-only backend built directly on {@link ReferenceOps} and {@link ReferenceRnn}: every value is kept as
 * a double (rounded to float after each op for float32 tensors). It exists to validate the conformance suite
 * itself (the suite must pass on it) and as an executable statement of the SPI's contract; it is not fast
 * and not used for training. Its flat RNN weight layout is deliberately not the canonical order (parameters
 * are stored last-to-first after one padding element), so a suite that assumed a layout would fail on it.
 */
public final class ReferenceBackend implements Backend {

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public String description() {
        return "plain float64 loops (test-only)";
    }

    RefTensor own(String name, Tensor t) {
        Checks.owned(name, t, this);
        return (RefTensor) t;
    }

    private RefTensor same(String name, Tensor t, String refName, Tensor ref) {
        Checks.owned(name, t, this);
        Checks.sameShape(name, t, refName, ref);
        return (RefTensor) t;
    }

    private static void sameDType(String name, Tensor t, Tensor ref) {
        Checks.dtype(name, t, ref.dtype());
    }

    // ---- memory ----

    @Override
    public Tensor allocate(DType dtype, Shape shape) {
        return new RefTensor(this, new double[shape.numel()], shape, dtype);
    }

    @Override
    public Tensor upload(double[] data, Shape shape, DType dtype) {
        Checks.numel("data (for shape " + shape + ")", data.length, shape.numel());
        RefTensor t = new RefTensor(this, new double[data.length], shape, dtype);
        for (int i = 0; i < data.length; i++) {
            t.set(i, data[i]);
        }
        return t;
    }

    @Override
    public Tensor upload(float[] data, Shape shape, DType dtype) {
        Checks.numel("data (for shape " + shape + ")", data.length, shape.numel());
        RefTensor t = new RefTensor(this, new double[data.length], shape, dtype);
        for (int i = 0; i < data.length; i++) {
            t.set(i, data[i]);
        }
        return t;
    }

    @Override
    public double[] download(Tensor t) {
        return own("t", t).data.clone();
    }

    @Override
    public float[] downloadFloat(Tensor t) {
        double[] d = own("t", t).data;
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        RefTensor s = own("src", src);
        RefTensor d = own("dst", dst);
        Checks.numel("dst (the element count of src " + src.shape() + ")", dst.numel(), src.numel());
        sameDType("dst", dst, src);
        System.arraycopy(s.data, 0, d.data, 0, s.data.length);
    }

    @Override
    public void fill(Tensor t, double value) {
        RefTensor r = own("t", t);
        for (int i = 0; i < r.data.length; i++) {
            r.set(i, value);
        }
    }

    // ---- dense algebra ----

    @Override
    public void gemm(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c) {
        RefTensor ra = own("a", a);
        RefTensor rb = own("b", b);
        RefTensor rc = own("c", c);
        OpChecks.GemmDims d = OpChecks.gemm(transA, transB, a, b, c);
        double[] out = ReferenceOps.gemm(transA, transB, d.m(), d.n(), d.k(), alpha, ra.data, a.shape().dim(1), rb.data,
                b.shape().dim(1), beta, rc.data);
        for (int i = 0; i < out.length; i++) {
            rc.set(i, out[i]);
        }
    }

    @Override
    public void batchedGemm(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c) {
        RefTensor ra = own("a", a);
        RefTensor rb = own("b", b);
        own("c", c);
        OpChecks.BatchedGemmDims d = OpChecks.batchedGemm(transA, transB, a, b, c);
        write(c, ReferenceOps.batchedGemm(transA, transB, d.batch(), d.m(), d.n(), d.k(), alpha, ra.data,
                a.shape().dim(2), rb.data, b.shape().dim(2), beta, data(c), false));
    }

    @Override
    public void axpby(double alpha, Tensor x, double beta, Tensor y) {
        RefTensor rx = own("x", x);
        RefTensor ry = same("y", y, "x", x);
        for (int i = 0; i < ry.data.length; i++) {
            ry.set(i, alpha * rx.data[i] + beta * ry.data[i]);
        }
    }

    // ---- element-wise ----

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor y) {
        RefTensor rx = own("x", x);
        RefTensor ry = same("y", y, "x", x);
        for (int i = 0; i < ry.data.length; i++) {
            ry.set(i, ReferenceOps.unary(op, rx.data[i]));
        }
    }

    @Override
    public void unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        RefTensor rx = own("x", x);
        same("y", y, "x", x);
        RefTensor rdy = same("dy", dy, "x", x);
        RefTensor rdx = same("dx", dx, "x", x);
        for (int i = 0; i < rdx.data.length; i++) {
            rdx.set(i, rdy.data[i] * ReferenceOps.unaryDerivative(op, rx.data[i]));
        }
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        RefTensor ra = own("a", a);
        RefTensor rb = same("b", b, "a", a);
        RefTensor ro = same("out", out, "a", a);
        for (int i = 0; i < ro.data.length; i++) {
            ro.set(i, ReferenceOps.binary(op, ra.data[i], rb.data[i]));
        }
    }

    private static int lastAxis(Tensor t) {
        return t.shape().rank() == 0 ? 1 : t.shape().dim(t.shape().rank() - 1);
    }

    @Override
    public void addRowVector(Tensor x, Tensor v) {
        RefTensor rx = own("x", x);
        RefTensor rv = own("v", v);
        sameDType("v", v, x);
        Checks.numel("v (the last axis of x " + x.shape() + ")", v.numel(), lastAxis(x));
        double[] out = ReferenceOps.addRowVector(rx.data, rv.data);
        for (int i = 0; i < out.length; i++) {
            rx.set(i, out[i]);
        }
    }

    @Override
    public void sumRows(Tensor x, Tensor out, boolean accumulate) {
        RefTensor rx = own("x", x);
        RefTensor ro = own("out", out);
        sameDType("out", out, x);
        Checks.numel("out (the last axis of x " + x.shape() + ")", out.numel(), lastAxis(x));
        double[] s = ReferenceOps.sumRows(rx.data, lastAxis(x), accumulate ? ro.data : null);
        for (int i = 0; i < s.length; i++) {
            ro.set(i, s[i]);
        }
    }

    @Override
    public void softmaxRows(Tensor x, Tensor y) {
        RefTensor rx = own("x", x);
        own("y", y);
        int cols = OpChecks.softmaxRows(x, y);
        int masked = OpChecks.firstFullyMaskedRow(x.shape().rows(), cols, i -> rx.data[i]);
        if (masked >= 0) {
            throw OpChecks.fullyMaskedRow(x, masked);
        }
        write(y, ReferenceOps.softmaxRows(rx.data, cols));
    }

    @Override
    public void softmaxRowsBackward(Tensor y, Tensor dy, Tensor dx) {
        RefTensor ry = own("y", y);
        RefTensor rdy = own("dy", dy);
        own("dx", dx);
        int cols = OpChecks.softmaxRowsBackward(y, dy, dx);
        write(dx, ReferenceOps.softmaxRowsBackward(ry.data, rdy.data, cols));
    }

    // ---- reductions ----

    @Override
    public double sum(Tensor x) {
        return ReferenceOps.sum(own("x", x).data);
    }

    @Override
    public double sumOfSquares(Tensor x) {
        return ReferenceOps.sumOfSquares(own("x", x).data);
    }

    @Override
    public boolean allFinite(Tensor x) {
        for (double v : own("x", x).data) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    // ---- indexing ----

    @Override
    public void gatherRows(Tensor src, int[] rows, Tensor dst) {
        RefTensor rs = own("src", src);
        RefTensor rd = own("dst", dst);
        int cols = OpChecks.gatherRows(src, rows, dst);
        double[] out = ReferenceOps.gatherRows(rs.data, cols, rows);
        System.arraycopy(out, 0, rd.data, 0, out.length);
    }

    @Override
    public void scatterAddRows(Tensor src, int[] rows, Tensor dst) {
        RefTensor rs = own("src", src);
        RefTensor rd = own("dst", dst);
        int cols = OpChecks.scatterAddRows(src, rows, dst);
        double[] out = ReferenceOps.scatterAddRows(rs.data, cols, rows, rd.data);
        for (int i = 0; i < out.length; i++) {
            rd.set(i, out[i]);
        }
    }

    // ---- losses ----

    @Override
    public double mseLoss(Tensor pred, Tensor target, Tensor dPred) {
        RefTensor rp = own("pred", pred);
        RefTensor rt = own("target", target);
        RefTensor rd = dPred == null ? null : own("dPred", dPred);
        OpChecks.mseLoss(pred, target, dPred);
        if (rd != null) {
            double[] g = ReferenceOps.mseGradient(rp.data, rt.data);
            for (int i = 0; i < g.length; i++) {
                rd.set(i, g[i]);
            }
        }
        return ReferenceOps.mse(rp.data, rt.data);
    }

    @Override
    public double softmaxCrossEntropy(Tensor logits, int[] labels, Tensor dLogits) {
        RefTensor rl = own("logits", logits);
        RefTensor rd = dLogits == null ? null : own("dLogits", dLogits);
        int classes = OpChecks.softmaxCrossEntropy(logits, labels, dLogits);
        if (rd != null) {
            double[] g = ReferenceOps.softmaxCrossEntropyGradient(rl.data, classes, labels);
            for (int i = 0; i < g.length; i++) {
                rd.set(i, g[i]);
            }
        }
        return ReferenceOps.softmaxCrossEntropy(rl.data, classes, labels);
    }

    // ---- dropout ----

    @Override
    public void dropout(Tensor x, Tensor y, double p, long seed, long offset) {
        RefTensor rx = own("x", x);
        RefTensor ry = own("y", y);
        OpChecks.dropout(x, y, p);
        double[] out = ReferenceOps.dropout(rx.data, p, seed, offset);
        for (int i = 0; i < out.length; i++) {
            ry.set(i, out[i]);
        }
    }

    // ---- optimizers ----

    @Override
    public void sgdStep(Tensor param, Tensor grad, Tensor momentumBuffer, SgdConfig config, long step) {
        RefTensor rp = own("param", param);
        RefTensor rg = own("grad", grad);
        RefTensor rb = momentumBuffer == null ? null : own("momentumBuffer", momentumBuffer);
        OpChecks.sgdStep(param, grad, momentumBuffer, config, step);
        if (config.momentum() == 0) {
            rb = null; // checked, but plain SGD keeps no buffer
        }
        double[] p = rp.data.clone();
        double[] buf = rb == null ? null : rb.data.clone();
        ReferenceOps.sgdStep(p, rg.data, buf, config, step);
        for (int i = 0; i < p.length; i++) {
            rp.set(i, p[i]);
            if (rb != null) {
                rb.set(i, buf[i]);
            }
        }
    }

    @Override
    public void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, AdamConfig config, long step) {
        RefTensor rp = own("param", param);
        RefTensor rg = own("grad", grad);
        RefTensor rm = own("m", m);
        RefTensor rv = own("v", v);
        OpChecks.adamStep(param, grad, m, v, config, step);
        double[] p = rp.data.clone();
        double[] mm = rm.data.clone();
        double[] vv = rv.data.clone();
        ReferenceOps.adamStep(p, rg.data, mm, vv, config, step);
        for (int i = 0; i < p.length; i++) {
            rp.set(i, p[i]);
            rm.set(i, mm[i]);
            rv.set(i, vv[i]);
        }
    }

    @Override
    public void rmspropStep(Tensor param, Tensor grad, Tensor squareAvg, Tensor momentumBuffer, Tensor gradAvg,
                            RmspropConfig config, long step) {
        RefTensor rp = own("param", param);
        RefTensor rg = own("grad", grad);
        RefTensor rs = own("squareAvg", squareAvg);
        RefTensor rb = momentumBuffer == null ? null : own("momentumBuffer", momentumBuffer);
        RefTensor ra = gradAvg == null ? null : own("gradAvg", gradAvg);
        OpChecks.rmspropStep(param, grad, squareAvg, momentumBuffer, gradAvg, config, step);
        // checked, but a step without momentum (not centered) keeps no buffer (no average)
        rb = config.momentum() != 0 ? rb : null;
        ra = config.centered() ? ra : null;
        double[] p = rp.data.clone();
        double[] sq = rs.data.clone();
        double[] buf = rb == null ? null : rb.data.clone();
        double[] avg = ra == null ? null : ra.data.clone();
        ReferenceOps.rmspropStep(p, rg.data, sq, buf, avg, config, step);
        for (int i = 0; i < p.length; i++) {
            rp.set(i, p[i]);
            rs.set(i, sq[i]);
            if (rb != null) {
                rb.set(i, buf[i]);
            }
            if (ra != null) {
                ra.set(i, avg[i]);
            }
        }
    }

    @Override
    public void adagradStep(Tensor param, Tensor grad, Tensor stateSum, AdagradConfig config, long step) {
        RefTensor rp = own("param", param);
        RefTensor rg = own("grad", grad);
        RefTensor rs = own("stateSum", stateSum);
        OpChecks.adagradStep(param, grad, stateSum, config, step);
        double[] p = rp.data.clone();
        double[] sum = rs.data.clone();
        ReferenceOps.adagradStep(p, rg.data, sum, config, step);
        for (int i = 0; i < p.length; i++) {
            rp.set(i, p[i]);
            rs.set(i, sum[i]);
        }
    }

    // ---- RNN ----

    @Override
    public RnnPlan rnnPlan(RnnSpec spec) {
        return new ReferenceRnnPlan(this, spec);
    }

    private ReferenceRnnPlan plan(RnnPlan plan) {
        if (!(plan instanceof ReferenceRnnPlan p) || p.backend() != this) {
            throw new IllegalArgumentException("plan: expected a plan made by this backend, got " + plan);
        }
        return p;
    }

    private static ReferenceRnnPlan.Workspace workspace(ReferenceRnnPlan plan, RnnWorkspace ws) {
        if (!(ws instanceof ReferenceRnnPlan.Workspace w) || w.plan != plan) {
            throw new IllegalArgumentException("workspace: expected one made by this plan, got " + ws);
        }
        return w;
    }

    private void owned(RnnTensors io) {
        own("x", io.x());
        own("y", io.y());
        for (Tensor t : new Tensor[] {io.hx(), io.cx(), io.hy(), io.cy()}) {
            if (t != null) {
                own("state", t);
            }
        }
    }

    private static double[] data(Tensor t) {
        return t == null ? null : ((RefTensor) t).data;
    }

    private void write(Tensor t, double[] v) {
        if (t != null) {
            RefTensor r = own("output", t);
            for (int i = 0; i < v.length; i++) {
                r.set(i, v[i]);
            }
        }
    }

    @Override
    public void rnnForward(RnnPlan plan, RnnWorkspace ws, RnnMode mode, int[] seqLengths, RnnTensors io,
                           Tensor weights) {
        ReferenceRnnPlan p = plan(plan);
        RnnChecks.Geometry g = RnnChecks.forward(p, ws, seqLengths, io, weights);
        ReferenceRnnPlan.Workspace w = workspace(p, ws);
        owned(io);
        ReferenceRnn.Output o = ReferenceRnn.forward(p.spec, p.canonical(own("weights", weights)), data(io.x()),
                g.seqLength(), seqLengths, data(io.hx()), data(io.cx()));
        write(io.y(), o.y());
        write(io.hy(), o.hy());
        write(io.cy(), o.cy());
        w.trained = mode == RnnMode.TRAINING;
        w.dParams = null;
    }

    @Override
    public void rnnBackwardData(RnnPlan plan, RnnWorkspace ws, int[] seqLengths, RnnTensors io, RnnGradients grads,
                                Tensor weights) {
        ReferenceRnnPlan p = plan(plan);
        RnnChecks.Geometry g = RnnChecks.backwardData(p, ws, seqLengths, io, grads, weights);
        ReferenceRnnPlan.Workspace w = workspace(p, ws);
        if (!w.trained) {
            throw new IllegalStateException("workspace: backward-data needs a training-mode forward first");
        }
        ReferenceRnn.Gradients r = ReferenceRnn.backward(p.spec, p.canonical(own("weights", weights)), data(io.x()),
                g.seqLength(), seqLengths, data(io.hx()), data(io.cx()), data(grads.dy()), data(grads.dhy()),
                data(grads.dcy()));
        write(grads.dx(), r.dx());
        write(grads.dhx(), r.dh0());
        write(grads.dcx(), r.dc0());
        w.dParams = r.dParams();
    }

    @Override
    public void rnnBackwardWeights(RnnPlan plan, RnnWorkspace ws, int[] seqLengths, RnnTensors io, Tensor dWeights) {
        ReferenceRnnPlan p = plan(plan);
        RnnChecks.backwardWeights(p, ws, seqLengths, io, dWeights);
        ReferenceRnnPlan.Workspace w = workspace(p, ws);
        if (w.dParams == null) {
            throw new IllegalStateException("workspace: backward-weights needs backward-data first");
        }
        RefTensor dw = own("dWeights", dWeights);
        for (Map.Entry<String, double[]> e : w.dParams.entrySet()) {
            int off = p.offsets.get(e.getKey());
            double[] v = e.getValue();
            for (int i = 0; i < v.length; i++) {
                dw.set(off + i, dw.data[off + i] + v[i]);
            }
        }
    }

    @Override
    public void close() {
    }
}
