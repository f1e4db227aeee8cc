package dev.gated.engine.conformance;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.DType;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.rnn.CellType;
import dev.gated.engine.rnn.RnnGradients;
import dev.gated.engine.rnn.RnnMode;
import dev.gated.engine.rnn.RnnParam;
import dev.gated.engine.rnn.RnnPlan;
import dev.gated.engine.rnn.RnnSpec;
import dev.gated.engine.rnn.RnnTensors;
import dev.gated.engine.rnn.RnnWorkspace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one {@link RnnCase} on a backend the way the trainer will: plan, flat weights written through
 * {@code writeParameter}, forward, backward-data with dy = R_y (dhy = R_h, dcy = R_c), backward-weights into a
 * flat gradient buffer, canonical gradients read back with {@code readParameter}. Every output tensor is filled
 * with NaN first, so a backend must write all of it (zeros past each sequence's length included).
 */
public final class RnnHarness {
    private RnnHarness() {
    }

    /** What to run. */
    public record Options(RnnMode mode, boolean backward, double[] dWeightsInit, int weightPasses) {
        public static final Options FORWARD = new Options(RnnMode.TRAINING, false, null, 0);
        public static final Options INFERENCE = new Options(RnnMode.INFERENCE, false, null, 0);
        public static final Options FULL = new Options(RnnMode.TRAINING, true, null, 1);
    }

    /**
     * Everything the backend produced, downloaded as float64: y, hy, cy (null when not requested), dx, dhx,
     * dcx (null when not requested / not run), the flat gradient buffer and the canonical gradients by name.
     */
    public record Result(double[] y, double[] hy, double[] cy, double[] dx, double[] dhx, double[] dcx,
                         double[] dWeightsFlat, Map<String, double[]> dParams) {
    }

    /** The size of the flat weight buffer of the case's plan. */
    public static int weightSpaceSize(Backend be, RnnCase c, DType dtype) {
        try (RnnPlan plan = be.rnnPlan(c.spec(dtype))) {
            return plan.weightSpaceSize();
        }
    }

    public static Result run(Backend backend, RnnCase c, DType dtype, RnnCase.Data d, Options opt) {
        RnnSpec spec = c.spec(dtype);
        boolean lstm = spec.cell() == CellType.LSTM;
        int t = c.seqLength();
        int b = c.batch();
        Shape states = spec.stateShape(b);
        List<Tensor> made = new ArrayList<>();
        Backend be = backend;
        try (RnnPlan plan = be.rnnPlan(spec); RnnWorkspace ws = plan.workspace(t, b)) {
            Tensor w = keep(made, be.allocate(dtype, Shape.of(plan.weightSpaceSize())));
            for (RnnParam p : spec.parameters()) {
                plan.writeParameter(w, p.name(), keep(made, be.upload(d.params().get(p.name()), p.shape(), dtype)));
            }
            Tensor x = keep(made, be.upload(d.x(), spec.inputShape(t, b), dtype));
            Tensor y = keep(made, nans(be, dtype, spec.outputShape(t, b)));
            Tensor hx = d.h0() == null ? null : keep(made, be.upload(d.h0(), states, dtype));
            Tensor cx = d.c0() == null ? null : keep(made, be.upload(d.c0(), states, dtype));
            Tensor hy = c.finalStates() ? keep(made, nans(be, dtype, states)) : null;
            Tensor cy = c.finalStates() && lstm ? keep(made, nans(be, dtype, states)) : null;
            RnnTensors io = new RnnTensors(x, y, hx, cx, hy, cy);
            int[] lengths = c.lengths().clone();
            be.rnnForward(plan, ws, opt.mode(), lengths, io, w);
            double[] yOut = be.download(y);
            double[] hyOut = hy == null ? null : be.download(hy);
            double[] cyOut = cy == null ? null : be.download(cy);
            if (!opt.backward()) {
                return new Result(yOut, hyOut, cyOut, null, null, null, null, null);
            }
            Tensor dy = keep(made, be.upload(d.ry(), spec.outputShape(t, b), dtype));
            Tensor dhy = c.finalStates() ? keep(made, be.upload(d.rh(), states, dtype)) : null;
            Tensor dcy = c.finalStates() && lstm ? keep(made, be.upload(d.rc(), states, dtype)) : null;
            Tensor dx = keep(made, nans(be, dtype, spec.inputShape(t, b)));
            Tensor dhx = c.initialStateGrads() ? keep(made, nans(be, dtype, states)) : null;
            Tensor dcx = c.initialStateGrads() && lstm ? keep(made, nans(be, dtype, states)) : null;
            be.rnnBackwardData(plan, ws, lengths, io, new RnnGradients(dy, dhy, dcy, dx, dhx, dcx), w);
            Tensor dw = keep(made, opt.dWeightsInit() == null ? be.allocate(dtype, Shape.of(plan.weightSpaceSize()))
                    : be.upload(opt.dWeightsInit(), Shape.of(plan.weightSpaceSize()), dtype));
            for (int pass = 0; pass < opt.weightPasses(); pass++) {
                be.rnnBackwardWeights(plan, ws, lengths, io, dw);
            }
            Map<String, double[]> dParams = new LinkedHashMap<>();
            for (RnnParam p : spec.parameters()) {
                Tensor out = keep(made, nans(be, dtype, p.shape()));
                plan.readParameter(dw, p.name(), out);
                dParams.put(p.name(), be.download(out));
            }
            return new Result(yOut, hyOut, cyOut, be.download(dx), dhx == null ? null : be.download(dhx),
                    dcx == null ? null : be.download(dcx), be.download(dw), dParams);
        } finally {
            made.forEach(Tensor::close);
        }
    }

    private static Tensor keep(List<Tensor> made, Tensor t) {
        if (t != null) {
            made.add(t);
        }
        return t;
    }

    static Tensor nans(Backend be, DType dtype, Shape shape) {
        Tensor t = be.allocate(dtype, shape);
        be.fill(t, Double.NaN);
        return t;
    }
}
