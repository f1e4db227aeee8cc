package dev.gated.engine.conformance;

import dev.gated.engine.backend.AdagradConfig;
import dev.gated.engine.backend.AdamConfig;
import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.BinaryOp;
import dev.gated.engine.backend.DType;
import dev.gated.engine.backend.RmspropConfig;
import dev.gated.engine.backend.SgdConfig;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.backend.UnaryOp;
import dev.gated.engine.rnn.RnnGradients;
import dev.gated.engine.rnn.RnnMode;
import dev.gated.engine.rnn.RnnPlan;
import dev.gated.engine.rnn.RnnSpec;
import dev.gated.engine.rnn.RnnTensors;
import dev.gated.engine.rnn.RnnWorkspace;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a conformance op case ({@link OpCases}) on a backend and records everything the case saw on the host, in
 * order: every download, every reduction and loss value, every {@code allFinite} answer. Two backends given the same
 * case see the same inputs (the case's random source is seeded by its name, as in {@link BackendConformance}), so
 * their recordings can be compared element by element: the parity suite's direct backend-against-backend check.
 *
 * <p>It lives in the conformance package because the case context ({@link Ctx}) is package-private there.
 */
public final class OpRecording {
    private OpRecording() {
    }

    /** One host-visible result: what produced it (e.g. "download#3") and its values. */
    public record Value(String what, double[] values) {
    }

    /**
     * Cases that cannot run through the recording wrapper, with the reason. "allocate" asserts that a tensor's
     * backend() is the very backend the case was given, which a wrapper changes; the conformance suite covers it.
     */
    public static String excluded(OpCases.OpCase c) {
        return c.name().startsWith("allocate:") ? "checks tensor ownership by identity, which a recording wrapper"
                + " changes (covered by the conformance suite)" : null;
    }

    /** Runs the case (its own reference checks included) and returns what it saw. */
    public static List<Value> record(OpCases.OpCase c, Backend backend, DType dtype) throws Throwable {
        Recorder rec = new Recorder(backend);
        Ctx x = new Ctx(rec, dtype, Tolerances.forDType(dtype), c.name().hashCode());
        try {
            c.check().accept(x);
        } finally {
            x.closeAll();
        }
        return rec.values;
    }

    /** Delegates every call and records the results that reach the host. The RNN ops are not part of op cases. */
    private static final class Recorder implements Backend {
        private final Backend be;
        final List<Value> values = new ArrayList<>();

        Recorder(Backend be) {
            this.be = be;
        }

        private double note(String what, double v) {
            values.add(new Value(what + "#" + values.size(), new double[] {v}));
            return v;
        }

        @Override
        public String name() {
            return be.name();
        }

        @Override
        public String description() {
            return be.description();
        }

        @Override
        public Tensor allocate(DType dtype, Shape shape) {
            return be.allocate(dtype, shape);
        }

        @Override
        public Tensor upload(double[] data, Shape shape, DType dtype) {
            return be.upload(data, shape, dtype);
        }

        @Override
        public Tensor upload(float[] data, Shape shape, DType dtype) {
            return be.upload(data, shape, dtype);
        }

        @Override
        public double[] download(Tensor t) {
            double[] v = be.download(t);
            values.add(new Value("download#" + values.size() + " " + t.shape(), v.clone()));
            return v;
        }

        @Override
        public float[] downloadFloat(Tensor t) {
            float[] f = be.downloadFloat(t);
            double[] v = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                v[i] = f[i];
            }
            values.add(new Value("downloadFloat#" + values.size() + " " + t.shape(), v));
            return f;
        }

        @Override
        public void copy(Tensor src, Tensor dst) {
            be.copy(src, dst);
        }

        @Override
        public void fill(Tensor t, double value) {
            be.fill(t, value);
        }

        @Override
        public void gemm(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c) {
            be.gemm(transA, transB, alpha, a, b, beta, c);
        }

        @Override
        public void batchedGemm(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta,
                                Tensor c) {
            be.batchedGemm(transA, transB, alpha, a, b, beta, c);
        }

        @Override
        public void axpby(double alpha, Tensor x, double beta, Tensor y) {
            be.axpby(alpha, x, beta, y);
        }

        @Override
        public void unary(UnaryOp op, Tensor x, Tensor y) {
            be.unary(op, x, y);
        }

        @Override
        public void unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor dy, Tensor dx) {
            be.unaryBackward(op, x, y, dy, dx);
        }

        @Override
        public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
            be.binary(op, a, b, out);
        }

        @Override
        public void addRowVector(Tensor x, Tensor v) {
            be.addRowVector(x, v);
        }

        @Override
        public void sumRows(Tensor x, Tensor out, boolean accumulate) {
            be.sumRows(x, out, accumulate);
        }

        @Override
        public void softmaxRows(Tensor x, Tensor y) {
            be.softmaxRows(x, y);
        }

        @Override
        public void softmaxRowsBackward(Tensor y, Tensor dy, Tensor dx) {
            be.softmaxRowsBackward(y, dy, dx);
        }

        @Override
        public double sum(Tensor x) {
            return note("sum", be.sum(x));
        }

        @Override
        public double sumOfSquares(Tensor x) {
            return note("sumOfSquares", be.sumOfSquares(x));
        }

        @Override
        public boolean allFinite(Tensor x) {
            boolean r = be.allFinite(x);
            note("allFinite", r ? 1 : 0);
            return r;
        }

        @Override
        public void gatherRows(Tensor src, int[] rows, Tensor dst) {
            be.gatherRows(src, rows, dst);
        }

        @Override
        public void scatterAddRows(Tensor src, int[] rows, Tensor dst) {
            be.scatterAddRows(src, rows, dst);
        }

        @Override
        public double mseLoss(Tensor pred, Tensor target, Tensor dPred) {
            return note("mseLoss", be.mseLoss(pred, target, dPred));
        }

        @Override
        public double softmaxCrossEntropy(Tensor logits, int[] labels, Tensor dLogits) {
            return note("softmaxCrossEntropy", be.softmaxCrossEntropy(logits, labels, dLogits));
        }

        @Override
        public void dropout(Tensor x, Tensor y, double p, long seed, long offset) {
            be.dropout(x, y, p, seed, offset);
        }

        @Override
        public void sgdStep(Tensor param, Tensor grad, Tensor momentumBuffer, SgdConfig config, long step) {
            be.sgdStep(param, grad, momentumBuffer, config, step);
        }

        @Override
        public void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, AdamConfig config, long step) {
            be.adamStep(param, grad, m, v, config, step);
        }

        @Override
        public void rmspropStep(Tensor param, Tensor grad, Tensor squareAvg, Tensor momentumBuffer, Tensor gradAvg,
                                RmspropConfig config, long step) {
            be.rmspropStep(param, grad, squareAvg, momentumBuffer, gradAvg, config, step);
        }

        @Override
        public void adagradStep(Tensor param, Tensor grad, Tensor stateSum, AdagradConfig config, long step) {
            be.adagradStep(param, grad, stateSum, config, step);
        }

        @Override
        public RnnPlan rnnPlan(RnnSpec spec) {
            throw new UnsupportedOperationException("op recordings cover the non-RNN ops; RNN parity uses RnnHarness");
        }

        @Override
        public void rnnForward(RnnPlan plan, RnnWorkspace ws, RnnMode mode, int[] seqLengths, RnnTensors io,
                               Tensor weights) {
            throw new UnsupportedOperationException("op recordings cover the non-RNN ops");
        }

        @Override
        public void rnnBackwardData(RnnPlan plan, RnnWorkspace ws, int[] seqLengths, RnnTensors io,
                                    RnnGradients grads, Tensor weights) {
            throw new UnsupportedOperationException("op recordings cover the non-RNN ops");
        }

        @Override
        public void rnnBackwardWeights(RnnPlan plan, RnnWorkspace ws, int[] seqLengths, RnnTensors io,
                                       Tensor dWeights) {
            throw new UnsupportedOperationException("op recordings cover the non-RNN ops");
        }

        @Override
        public void close() {
            // The backend belongs to the caller.
        }
    }
}
