package dev.gated.engine.conformance;

import dev.gated.engine.backend.DType;
import dev.gated.engine.rnn.CellType;
import dev.gated.engine.rnn.RnnParam;
import dev.gated.engine.rnn.RnnSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One row of the RNN case table: the network, the batch geometry, and which optional tensors are used.
 *
 * @param initialStates     hx (and cx for an LSTM) are given; otherwise they are null (zeros)
 * @param finalStates       hy (and cy) are requested, and dhy (and dcy) are passed to backward-data
 * @param initialStateGrads dhx (and dcx) are requested from backward-data (also possible with null hx)
 */
public record RnnCase(CellType cell, int inputSize, int hiddenSize, int layers, boolean bidirectional,
                      int seqLength, int[] lengths, boolean initialStates, boolean finalStates,
                      boolean initialStateGrads) {

    /** Scale of the random weights: U(-0.6, 0.6), a little above PyTorch's 1/sqrt(H), so the gates saturate unevenly. */
    static final double WEIGHT_SCALE = 0.6;

    public int batch() {
        return lengths.length;
    }

    public RnnSpec spec(DType dtype) {
        return new RnnSpec(cell, inputSize, hiddenSize, layers, bidirectional, dtype);
    }

    public String name() {
        return cell + " L=" + layers + (bidirectional ? " bi" : " uni") + " I=" + inputSize + " H=" + hiddenSize
                + " T=" + seqLength + " B=" + batch() + " lengths=" + Arrays.toString(lengths)
                + (initialStates ? (cell == CellType.LSTM ? " +hx,cx" : " +hx") : " hx=null")
                + (finalStates ? (cell == CellType.LSTM ? " +hy,cy" : " +hy") : " hy=null")
                + (initialStateGrads && !initialStates ? " +dhx at zero state" : "");
    }

    @Override
    public String toString() {
        return name();
    }

    /**
     * The inputs of a case: canonical parameters, x, h0/c0 (null when not used) and the fixed random
     * weights R of the scalar loss L = sum(y*ry) + sum(hy*rh) + sum(cy*rc). Every value is float32-representable,
     * so the float32 and float64 suites see exactly the same numbers and share one ground truth.
     */
    public record Data(Map<String, double[]> params, double[] x, double[] h0, double[] c0, double[] ry, double[] rh,
                       double[] rc) {
        /** A deep copy, safe to perturb. */
        Data copy() {
            Map<String, double[]> p = new LinkedHashMap<>();
            params.forEach((k, v) -> p.put(k, v.clone()));
            return new Data(p, x.clone(), h0 == null ? null : h0.clone(), c0 == null ? null : c0.clone(), ry,
                    rh, rc);
        }
    }

    public Data data() {
        SplittableRandom r = new SplittableRandom(name().hashCode());
        RnnSpec spec = spec(DType.FLOAT64);
        Map<String, double[]> p = new LinkedHashMap<>();
        for (RnnParam param : spec.parameters()) {
            p.put(param.name(), Ctx.rand(r, param.shape().numel(), -WEIGHT_SCALE, WEIGHT_SCALE));
        }
        int states = spec.stateShape(batch()).numel();
        double[] x = Ctx.rand(r, seqLength * batch() * inputSize, -1, 1);
        double[] h0 = initialStates ? Ctx.rand(r, states, -0.8, 0.8) : null;
        double[] c0 = initialStates && cell == CellType.LSTM ? Ctx.rand(r, states, -0.8, 0.8) : null;
        double[] ry = Ctx.rand(r, seqLength * batch() * spec.outputSize(), -1, 1);
        double[] rh = finalStates ? Ctx.rand(r, states, -1, 1) : null;
        double[] rc = finalStates && cell == CellType.LSTM ? Ctx.rand(r, states, -1, 1) : null;
        return new Data(p, x, h0, c0, ry, rh, rc);
    }

    /** The reference forward pass on this case's data. */
    public ReferenceRnn.Output reference(Data d) {
        return ReferenceRnn.forward(spec(DType.FLOAT64), d.params(), d.x(), seqLength, lengths, d.h0(), d.c0());
    }

    /** L = sum(y*ry) + sum(hy*rh) + sum(cy*rc), with the terms of unrequested final states left out. */
    double loss(Data d, double[] h0, double[] c0) {
        ReferenceRnn.Output o = ReferenceRnn.forward(spec(DType.FLOAT64), d.params(), d.x(), seqLength, lengths, h0, c0);
        double l = dot(o.y(), d.ry());
        if (finalStates) {
            l += dot(o.hy(), d.rh());
            if (o.cy() != null) {
                l += dot(o.cy(), d.rc());
            }
        }
        return l;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static final Map<String, Map<String, double[]>> FD_CACHE = new ConcurrentHashMap<>();

    /**
     * Central finite differences of the reference loss with respect to every input the backend gives a
     * gradient for: "dx", "dhx"/"dcx" (when requested; at zeros when hx/cx are null) and every canonical
     * parameter by name. Computed once per case and shared by all suites in the JVM.
     */
    public Map<String, double[]> finiteDifferences() {
        return FD_CACHE.computeIfAbsent(name(), k -> computeFiniteDifferences());
    }

    private Map<String, double[]> computeFiniteDifferences() {
        List<String> keys = new ArrayList<>(List.of("dx"));
        if (initialStateGrads) {
            keys.add("dhx");
            if (cell == CellType.LSTM) {
                keys.add("dcx");
            }
        }
        keys.addAll(data().params().keySet());
        // One tensor per task, each on its own copy of the data (the stencil perturbs it in place).
        Map<String, double[]> byKey = new ConcurrentHashMap<>();
        keys.parallelStream().forEach(k -> byKey.put(k, finiteDifferences(k)));
        Map<String, double[]> g = new LinkedHashMap<>();
        keys.forEach(k -> g.put(k, byKey.get(k)));
        return g;
    }

    /** d L / d (the tensor named key): "dx", "dhx", "dcx" or a parameter name. */
    private double[] finiteDifferences(String key) {
        Data d = data().copy();
        int states = spec(DType.FLOAT64).stateShape(batch()).numel();
        boolean lstm = cell == CellType.LSTM;
        double[] h0 = d.h0() != null ? d.h0() : initialStateGrads ? new double[states] : null;
        double[] c0 = !lstm ? null : d.c0() != null ? d.c0() : initialStateGrads ? new double[states] : null;
        double[] v = switch (key) {
            case "dx" -> d.x();
            case "dhx" -> h0;
            case "dcx" -> c0;
            default -> d.params().get(key);
        };
        return FiniteDifferences.gradient(v, () -> loss(d, h0, c0));
    }

    /** The same case on one sequence of the batch (for batch-independence checks). */
    RnnCase single(int b) {
        return new RnnCase(cell, inputSize, hiddenSize, layers, bidirectional, seqLength, new int[] {lengths[b]},
                initialStates, finalStates, initialStateGrads);
    }

    /** Sequence b of the data; x, y-shaped and state-shaped arrays are sliced along their batch axis. */
    Data slice(Data d, int b) {
        RnnSpec spec = spec(DType.FLOAT64);
        int lds = layers * spec.directions();
        return new Data(d.params(), sliceBatch(d.x(), seqLength, batch(), inputSize, b),
                sliceBatch(d.h0(), lds, batch(), hiddenSize, b), sliceBatch(d.c0(), lds, batch(), hiddenSize, b),
                sliceBatch(d.ry(), seqLength, batch(), spec.outputSize(), b),
                sliceBatch(d.rh(), lds, batch(), hiddenSize, b), sliceBatch(d.rc(), lds, batch(), hiddenSize, b));
    }

    /** a[:, b, :] of an array [outer, batch, width], as [outer, 1, width]. */
    static double[] sliceBatch(double[] a, int outer, int batch, int width, int b) {
        if (a == null) {
            return null;
        }
        double[] out = new double[outer * width];
        for (int o = 0; o < outer; o++) {
            System.arraycopy(a, (o * batch + b) * width, out, o * width, width);
        }
        return out;
    }

    // ---- the table ----

    /**
     * The RNN case table: LSTM and GRU x {1, 2, 3 layers} x {uni, bi} on I=3, H=5, T=4 with unsorted lengths
     * {4, 1, 3} (mixing 1, T and a value in between), alternating with and without initial states; then, per
     * cell, sizes that are not multiples of 8 (I=7, H=11), I > H (I=9, H=2), batch 1, T = 1, max(lengths) < T,
     * full-length batches without final states, and the gradient at a null (zero) initial state.
     */
    public static List<RnnCase> table() {
        List<RnnCase> t = new ArrayList<>();
        for (CellType cell : CellType.values()) {
            for (int layers = 1; layers <= 3; layers++) {
                for (boolean bi : new boolean[] {false, true}) {
                    boolean init = (layers + (bi ? 1 : 0)) % 2 == 0;
                    t.add(new RnnCase(cell, 3, 5, layers, bi, 4, new int[] {4, 1, 3}, init, true, init));
                }
            }
            t.add(new RnnCase(cell, 7, 11, 1, false, 3, new int[] {2, 3}, true, true, true));
            t.add(new RnnCase(cell, 7, 11, 2, true, 3, new int[] {3}, false, true, false));
            t.add(new RnnCase(cell, 9, 2, 2, true, 5, new int[] {2, 4, 1}, true, true, true));
            t.add(new RnnCase(cell, 4, 3, 1, true, 1, new int[] {1, 1}, true, true, true));
            t.add(new RnnCase(cell, 3, 5, 1, false, 1, new int[] {1}, true, true, true));
            t.add(new RnnCase(cell, 3, 5, 2, true, 4, new int[] {4, 4}, false, false, false));
            t.add(new RnnCase(cell, 3, 5, 2, false, 4, new int[] {3, 4, 1}, false, true, true));
        }
        return t;
    }
}
