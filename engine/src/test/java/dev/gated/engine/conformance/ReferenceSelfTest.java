package dev.gated.engine.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.backend.AdagradConfig;
import dev.gated.engine.backend.DType;
import dev.gated.engine.backend.RmspropConfig;
import dev.gated.engine.rnn.CellType;
import dev.gated.engine.rnn.RnnParam;
import dev.gated.engine.rnn.RnnSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Checks of the suite's own ground truth: {@link ReferenceRnn} against hand-computed numbers and structural
 * identities, {@link FiniteDifferences} against known derivatives, and the reference's backpropagation against
 * finite differences on every case of the RNN table (two independent computations that must agree).
 */
class ReferenceSelfTest {

    private static Map<String, double[]> params(double[] wih, double[] whh, double[] bih, double[] bhh) {
        Map<String, double[]> p = new LinkedHashMap<>();
        p.put("weight_ih_l0", wih);
        p.put("weight_hh_l0", whh);
        p.put("bias_ih_l0", bih);
        p.put("bias_hh_l0", bhh);
        return p;
    }

    /** I = H = 1, T = 1; the expected numbers were computed by hand from PyTorch's documented equations. */
    @Test
    void lstmOneStepByHand() {
        RnnSpec spec = new RnnSpec(CellType.LSTM, 1, 1, 1, false, DType.FLOAT64);
        // gate rows i, f, g, o
        Map<String, double[]> p = params(new double[] {0.1, 0.2, 1.0, -0.3}, new double[] {0.5, -0.4, 0.0, 0.6},
                new double[] {0.05, 0, 0, 0}, new double[] {0, 0.1, 0, 0});
        ReferenceRnn.Output o = ReferenceRnn.forward(spec, p, new double[] {0.5}, 1, new int[] {1},
                new double[] {0.3}, new double[] {1.0});
        // i = σ(0.25), f = σ(0.08), g = tanh(0.5), o = σ(0.03); c = f*1 + i*g; h = o*tanh(c)
        assertEquals(0.7797807466233062, o.cy()[0], 1e-15, "c");
        assertEquals(0.33118441038493657, o.hy()[0], 1e-15, "h");
        assertEquals(0.33118441038493657, o.y()[0], 1e-15, "y");
    }

    /** The reset gate multiplies (W_hn h + b_hn), after the matmul and including its bias, as in PyTorch. */
    @Test
    void gruOneStepByHand() {
        RnnSpec spec = new RnnSpec(CellType.GRU, 1, 1, 1, false, DType.FLOAT64);
        // gate rows r, z, n
        Map<String, double[]> p = params(new double[] {0.3, -0.2, 0.7}, new double[] {0.4, 0.1, -0.5},
                new double[] {0, 0, 0.1}, new double[] {0, 0, 0.2});
        ReferenceRnn.Output o = ReferenceRnn.forward(spec, p, new double[] {0.5}, 1, new int[] {1},
                new double[] {0.6}, null);
        // r = σ(0.39), z = σ(-0.04), n = tanh(0.45 + r*(-0.1)), h = (1-z)*n + z*0.6
        assertEquals(0.4835574353635595, o.hy()[0], 1e-15, "h");
        assertEquals(null, o.cy(), "a GRU has no cell state");
    }

    /**
     * Golden values from PyTorch 2.14.1 in float64 (torch.nn.LSTM / torch.nn.GRU fed a PackedSequence built
     * with pack_padded_sequence(enforce_sorted=False), padded back with pad_packed_sequence(total_length=T)).
     * Parameter k of the state_dict holds 0.5*sin(0.37 j + 1.3 k) at flat index j; x[i] = cos(0.71 i);
     * h0[i] = 0.3 sin(0.53 i + 0.2); c0[i] = 0.4 cos(0.29 i). Each checksum is sum_i a[i] * (1 + 0.1 (i mod 7)).
     */
    @TestFactory
    Stream<DynamicTest> matchesPyTorch() {
        Object[][] golden = {
            {CellType.LSTM, 3, 4, 2, true, 4, new int[] {4, 1, 3}, true,
                new double[] {-9.131955740630833, -6.116489775141395, -14.491621418952251, -0.11950048554822701,
                    -0.20309028582791694}},
            {CellType.GRU, 3, 4, 2, true, 4, new int[] {4, 1, 3}, true,
                new double[] {-16.504847059841175, -10.270837567264262, Double.NaN, -0.1477359961339865,
                    -0.07025642287145813}},
            {CellType.LSTM, 5, 3, 3, false, 5, new int[] {2, 5, 1, 4}, false,
                new double[] {-5.168871309538024, -6.274917938379494, -16.1542180944393, -0.15231142817007265,
                    -0.3414784764178768}},
            {CellType.GRU, 5, 3, 3, false, 5, new int[] {2, 5, 1, 4}, false,
                new double[] {-2.608048428656729, -14.103922975626883, Double.NaN, -0.2593538060362096,
                    -0.627851225940307}},
        };
        return Stream.of(golden).map(g -> DynamicTest.dynamicTest(g[0] + " L=" + g[3] + " bi=" + g[4], () -> {
            CellType cell = (CellType) g[0];
            int in = (int) g[1];
            int hidden = (int) g[2];
            int layers = (int) g[3];
            boolean bi = (boolean) g[4];
            int t = (int) g[5];
            int[] lengths = (int[]) g[6];
            boolean states = (boolean) g[7];
            double[] expect = (double[]) g[8];
            RnnSpec spec = new RnnSpec(cell, in, hidden, layers, bi, DType.FLOAT64);
            Map<String, double[]> p = new LinkedHashMap<>();
            int k = 0;
            for (RnnParam param : spec.parameters()) {
                double[] v = new double[param.shape().numel()];
                for (int j = 0; j < v.length; j++) {
                    v[j] = 0.5 * Math.sin(j * 0.37 + k * 1.3);
                }
                p.put(param.name(), v);
                k++;
            }
            int b = lengths.length;
            double[] x = new double[t * b * in];
            for (int i = 0; i < x.length; i++) {
                x[i] = Math.cos(i * 0.71);
            }
            int n = spec.stateShape(b).numel();
            double[] h0 = new double[n];
            double[] c0 = new double[n];
            for (int i = 0; i < n; i++) {
                h0[i] = 0.3 * Math.sin(i * 0.53 + 0.2);
                c0[i] = 0.4 * Math.cos(i * 0.29);
            }
            ReferenceRnn.Output o = ReferenceRnn.forward(spec, p, x, t, lengths, states ? h0 : null,
                    states && cell == CellType.LSTM ? c0 : null);
            assertEquals(expect[0], checksum(o.y()), 1e-12, "y");
            assertEquals(expect[1], checksum(o.hy()), 1e-12, "hy");
            if (cell == CellType.LSTM) {
                assertEquals(expect[2], checksum(o.cy()), 1e-12, "cy");
            }
            assertEquals(expect[3], o.y()[5], 1e-14, "y[5]");
            assertEquals(expect[4], o.hy()[o.hy().length - 1], 1e-14, "hy[last]");
        }));
    }

    private static double checksum(double[] a) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * (1 + (i % 7) * 0.1);
        }
        return s;
    }

    private static Map<String, double[]> randomParams(RnnSpec spec, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, double[]> p = new LinkedHashMap<>();
        for (RnnParam param : spec.parameters()) {
            p.put(param.name(), Ctx.rand(r, param.shape().numel(), -0.6, 0.6));
        }
        return p;
    }

    /**
     * The reverse direction of a bidirectional layer is the forward direction run on the time-reversed valid
     * prefix of each sequence; outputs past the length are 0; its final state is its output at step 0.
     */
    @Test
    void reverseDirectionIsForwardOnReversedSequence() {
        for (CellType cell : CellType.values()) {
            int t = 5;
            int i = 3;
            int h = 4;
            int[] lengths = {3, 5, 1};
            RnnSpec bi = new RnnSpec(cell, i, h, 1, true, DType.FLOAT64);
            Map<String, double[]> p = randomParams(bi, 7);
            double[] x = Ctx.rand(new SplittableRandom(8), t * 3 * i, -1, 1);
            ReferenceRnn.Output o = ReferenceRnn.forward(bi, p, x, t, lengths, null, null);
            RnnSpec uni = new RnnSpec(cell, i, h, 1, false, DType.FLOAT64);
            Map<String, double[]> rev = new LinkedHashMap<>();
            for (String k : new String[] {"weight_ih", "weight_hh", "bias_ih", "bias_hh"}) {
                rev.put(k + "_l0", p.get(k + "_l0_reverse"));
            }
            for (int b = 0; b < 3; b++) {
                int len = lengths[b];
                double[] xr = new double[len * i];
                for (int s = 0; s < len; s++) {
                    System.arraycopy(x, ((len - 1 - s) * 3 + b) * i, xr, s * i, i);
                }
                ReferenceRnn.Output u = ReferenceRnn.forward(uni, rev, xr, len, new int[] {len}, null, null);
                for (int s = 0; s < t; s++) {
                    for (int k = 0; k < h; k++) {
                        double got = o.y()[(s * 3 + b) * 2 * h + h + k];
                        double expect = s < len ? u.y()[(len - 1 - s) * h + k] : 0;
                        assertEquals(expect, got, 0, cell + " reverse y[" + s + ", " + b + ", " + k + "]");
                        if (s >= len) {
                            assertEquals(0, o.y()[(s * 3 + b) * 2 * h + k], 0, "forward y past the length");
                        }
                    }
                }
                for (int k = 0; k < h; k++) {
                    assertEquals(o.y()[b * 2 * h + h + k], o.hy()[(3 + b) * h + k], 0, "reverse hy = y at step 0");
                    assertEquals(o.y()[((len - 1) * 3 + b) * 2 * h + k], o.hy()[b * h + k], 0,
                            "forward hy = y at step len-1");
                }
            }
        }
    }

    /** Layer 1 reads layer 0's [forward, reverse] outputs: a 2-layer net is two 1-layer nets stacked. */
    @Test
    void layersStack() {
        for (CellType cell : CellType.values()) {
            int t = 4;
            int[] lengths = {4, 2};
            RnnSpec two = new RnnSpec(cell, 3, 5, 2, true, DType.FLOAT64);
            Map<String, double[]> p = randomParams(two, 11);
            int states = two.stateShape(2).numel();
            double[] x = Ctx.rand(new SplittableRandom(12), t * 2 * 3, -1, 1);
            double[] h0 = Ctx.rand(new SplittableRandom(13), states, -1, 1);
            double[] c0 = cell == CellType.LSTM ? Ctx.rand(new SplittableRandom(14), states, -1, 1) : null;
            ReferenceRnn.Output o = ReferenceRnn.forward(two, p, x, t, lengths, h0, c0);

            RnnSpec first = new RnnSpec(cell, 3, 5, 1, true, DType.FLOAT64);
            RnnSpec second = new RnnSpec(cell, 10, 5, 1, true, DType.FLOAT64);
            Map<String, double[]> p0 = new LinkedHashMap<>();
            Map<String, double[]> p1 = new LinkedHashMap<>();
            p.forEach((k, v) -> (k.contains("_l0") ? p0 : p1).put(k.replace("_l1", "_l0"), v));
            int half = states / 2;
            double[] o0h0 = java.util.Arrays.copyOfRange(h0, 0, half);
            double[] o1h0 = java.util.Arrays.copyOfRange(h0, half, states);
            double[] o0c0 = c0 == null ? null : java.util.Arrays.copyOfRange(c0, 0, half);
            double[] o1c0 = c0 == null ? null : java.util.Arrays.copyOfRange(c0, half, states);
            ReferenceRnn.Output a = ReferenceRnn.forward(first, p0, x, t, lengths, o0h0, o0c0);
            ReferenceRnn.Output b = ReferenceRnn.forward(second, p1, a.y(), t, lengths, o1h0, o1c0);
            assertArrayEquals(b.y(), o.y(), 0, cell + " y");
            double[] hy = new double[states];
            System.arraycopy(a.hy(), 0, hy, 0, half);
            System.arraycopy(b.hy(), 0, hy, half, half);
            assertArrayEquals(hy, o.hy(), 0, cell + " hy");
        }
    }

    @Test
    void finiteDifferencesOfKnownFunctions() {
        double[] v = {0.3, -1.2, 2.5, 0.0};
        double[] g = FiniteDifferences.gradient(v, () -> {
            double s = 0;
            for (double e : v) {
                s += Math.sin(e) * e * e + Math.exp(0.5 * e);
            }
            return s;
        });
        double[] exact = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            exact[i] = Math.cos(v[i]) * v[i] * v[i] + 2 * v[i] * Math.sin(v[i]) + 0.5 * Math.exp(0.5 * v[i]);
        }
        assertTrue(FiniteDifferences.relativeError(g, exact) < 1e-10,
                "relative error " + FiniteDifferences.relativeError(g, exact));
        assertArrayEquals(new double[] {0.3, -1.2, 2.5, 0.0}, v, 0, "v restored");
        assertEquals(1 / Math.cosh(0.7) / Math.cosh(0.7), FiniteDifferences.derivative(Math::tanh, 0.7), 1e-11);
    }

    @Test
    void relativeErrorMetric() {
        assertEquals(0.5, FiniteDifferences.relativeError(new double[] {1, 0.5}, new double[] {1, 1}), 0);
        assertEquals(1e-6 / 1e-3, FiniteDifferences.relativeError(new double[] {1e-6}, new double[] {0}), 1e-18,
                "floor");
        assertTrue(Double.isNaN(FiniteDifferences.relativeError(new double[] {Double.NaN}, new double[] {1})));
        assertFalse(FiniteDifferences.relativeError(new double[] {Double.NaN}, new double[] {1}) <= 1);
    }

    @Test
    void tokenMatchingOfBadInputMessages() {
        assertTrue(BadInputCases.containsToken("seqLengths[1]: expected a length in [1, 4], got 0", "seqLengths"));
        assertTrue(BadInputCases.containsToken("seqLengths[1]: expected a length in [1, 4], got 0", "0"));
        assertFalse(BadInputCases.containsToken("expected 10 elements, got 20", "0"));
        assertFalse(BadInputCases.containsToken("expected 0.5", "0"));
        assertTrue(BadInputCases.containsToken("got 5.", "5"));
        assertTrue(BadInputCases.containsToken("y: expected shape [4, 3, 10], got [4, 3, 5]", "[4, 3, 5]"));
        assertFalse(BadInputCases.containsToken("dy: expected shape", "y"));
    }

    /** Backpropagation through time of the reference agrees with finite differences on every table case. */
    @TestFactory
    Stream<DynamicTest> referenceBackpropMatchesFiniteDifferences() {
        return RnnCase.table().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            RnnCase.Data d = c.data();
            Map<String, double[]> fd = c.finiteDifferences();
            int states = c.spec(DType.FLOAT64).stateShape(c.batch()).numel();
            double[] h0 = d.h0() != null ? d.h0() : new double[states];
            double[] c0 = c.cell() == CellType.LSTM ? (d.c0() != null ? d.c0() : new double[states]) : null;
            ReferenceRnn.Gradients g = ReferenceRnn.backward(c.spec(DType.FLOAT64), d.params(), d.x(), c.seqLength(),
                    c.lengths(), h0, c0, d.ry(), d.rh(), d.rc());
            StringBuilder worst = new StringBuilder();
            double max = 0;
            Map<String, double[]> got = new LinkedHashMap<>(g.dParams());
            got.put("dx", g.dx());
            got.put("dhx", g.dh0());
            got.put("dcx", g.dc0());
            for (Map.Entry<String, double[]> e : fd.entrySet()) {
                double err = FiniteDifferences.relativeError(got.get(e.getKey()), e.getValue());
                if (err > max) {
                    max = err;
                    worst.setLength(0);
                    worst.append(e.getKey());
                }
            }
            assertTrue(max < 1e-9, "worst relative error " + max + " in " + worst);
        }));
    }

    // ---- optimizers: ReferenceOps against torch.optim's documented rules, unrolled by hand ----

    private static final double[] GRADS = {2, -2, 4};

    /** Runs three steps on one parameter (starting at 1) with gradients 2, -2, 4; returns p after each step. */
    private static double[] rmsprop(RmspropConfig c, double[] squareAvg, double[] buf, double[] gradAvg) {
        double[] p = {1};
        double[] out = new double[GRADS.length];
        for (int step = 1; step <= GRADS.length; step++) {
            ReferenceOps.rmspropStep(p, new double[] {GRADS[step - 1]}, squareAvg, buf, gradAvg, c, step);
            out[step - 1] = p[0];
        }
        return out;
    }

    /** alpha 0.5, so v = 0.5 v + 0.5 g^2: 2, 3, 9.5; eps is added after the square root. */
    @Test
    void rmspropByHand() {
        double eps = 1e-8;
        double[] v = new double[1];
        double[] p = rmsprop(new RmspropConfig(0.1, 0.5, eps, 0, 0, false), v, null, null);
        double p1 = 1 - 0.1 * 2 / (Math.sqrt(2) + eps);
        double p2 = p1 - 0.1 * -2 / (Math.sqrt(3) + eps);
        double p3 = p2 - 0.1 * 4 / (Math.sqrt(9.5) + eps);
        assertArrayEquals(new double[] {p1, p2, p3}, p, 1e-14);
        assertEquals(9.5, v[0], 1e-15, "square_avg");
    }

    /** Centered with momentum 0.9: grad_avg 1, -0.5, 1.75, so v - grad_avg^2 = 1, 2.75, 6.4375. */
    @Test
    void rmspropCenteredWithMomentumByHand() {
        double eps = 1e-8;
        double[] v = new double[1];
        double[] buf = new double[1];
        double[] avg = new double[1];
        double[] p = rmsprop(new RmspropConfig(0.1, 0.5, eps, 0, 0.9, true), v, buf, avg);
        double b1 = 2 / (1 + eps);
        double b2 = 0.9 * b1 + -2 / (Math.sqrt(2.75) + eps);
        double b3 = 0.9 * b2 + 4 / (Math.sqrt(6.4375) + eps);
        double p1 = 1 - 0.1 * b1;
        double p2 = p1 - 0.1 * b2;
        double p3 = p2 - 0.1 * b3;
        assertArrayEquals(new double[] {p1, p2, p3}, p, 1e-14);
        assertEquals(1.75, avg[0], 1e-15, "grad_avg");
        assertEquals(b3, buf[0], 1e-14, "momentum_buffer");
    }

    /** Weight decay adds wd * p to the gradient before anything else. */
    @Test
    void rmspropWeightDecayByHand() {
        double eps = 1e-8;
        double[] p = rmsprop(new RmspropConfig(0.1, 0.5, eps, 0.5, 0, false), new double[1], null, null);
        double g1 = 2 + 0.5 * 1;
        double v1 = 0.5 * g1 * g1;
        double p1 = 1 - 0.1 * g1 / (Math.sqrt(v1) + eps);
        double g2 = -2 + 0.5 * p1;
        double v2 = 0.5 * v1 + 0.5 * g2 * g2;
        double p2 = p1 - 0.1 * g2 / (Math.sqrt(v2) + eps);
        double g3 = 4 + 0.5 * p2;
        double v3 = 0.5 * v2 + 0.5 * g3 * g3;
        double p3 = p2 - 0.1 * g3 / (Math.sqrt(v3) + eps);
        assertArrayEquals(new double[] {p1, p2, p3}, p, 1e-14);
    }

    /**
     * lr 0.1, lr_decay 0.5 (clr = 0.1, 0.1/1.5, 0.05), initial accumulator 1 (sum = 5, 9, 25); then with weight
     * decay 0.5.
     */
    @Test
    void adagradByHand() {
        double eps = 1e-10;
        double[] p = {1};
        double[] sum = {123}; // ignored before step 1
        AdagradConfig c = new AdagradConfig(0.1, 0.5, 0, eps, 1);
        double[] got = new double[3];
        for (int step = 1; step <= 3; step++) {
            ReferenceOps.adagradStep(p, new double[] {GRADS[step - 1]}, sum, c, step);
            got[step - 1] = p[0];
        }
        double p1 = 1 - 0.1 * 2 / (Math.sqrt(5) + eps);
        double p2 = p1 - 0.1 / 1.5 * -2 / (3 + eps);
        double p3 = p2 - 0.05 * 4 / (5 + eps);
        assertArrayEquals(new double[] {p1, p2, p3}, got, 1e-14);
        assertEquals(25, sum[0], 1e-15, "sum");
        assertEquals(0.05, c.stepLr(3), 1e-17);

        p[0] = 1;
        c = new AdagradConfig(0.1, 0, 0.5, eps, 0);
        for (int step = 1; step <= 2; step++) {
            ReferenceOps.adagradStep(p, new double[] {GRADS[step - 1]}, sum, c, step);
            got[step - 1] = p[0];
        }
        double g1 = 2 + 0.5;
        double q1 = 1 - 0.1 * g1 / (Math.sqrt(g1 * g1) + eps);
        double g2 = -2 + 0.5 * q1;
        double q2 = q1 - 0.1 * g2 / (Math.sqrt(g1 * g1 + g2 * g2) + eps);
        assertEquals(q1, got[0], 1e-14);
        assertEquals(q2, got[1], 1e-14);
    }
}
