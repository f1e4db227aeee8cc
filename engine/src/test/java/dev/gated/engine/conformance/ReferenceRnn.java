package dev.gated.engine.conformance;

import dev.gated.engine.rnn.CellType;
import dev.gated.engine.rnn.RnnParam;
import dev.gated.engine.rnn.RnnSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The canonical RNN written out as plainly as possible, in float64, straight from PyTorch's equations
 * (torch.nn.LSTM / torch.nn.GRU, bias=True, batch_first=False). It is the ground truth of the conformance
 * suite: its forward pass is compared with each backend, and finite differences of its forward pass are the
 * ground truth for every gradient. {@link #backward} (plain backpropagation through time) exists only so the
 * test-only {@link ReferenceBackend} has gradients; the suite never trusts it, it checks it against finite
 * differences like any backend.
 *
 * <pre>
 * LSTM: i = σ(W_ii x + b_ii + W_hi h + b_hi)    GRU: r = σ(W_ir x + b_ir + W_hr h + b_hr)
 *       f = σ(W_if x + b_if + W_hf h + b_hf)         z = σ(W_iz x + b_iz + W_hz h + b_hz)
 *       g = tanh(W_ig x + b_ig + W_hg h + b_hg)      n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
 *       o = σ(W_io x + b_io + W_ho h + b_ho)         h' = (1 - z) * n + z * h
 *       c' = f * c + i * g
 *       h' = o * tanh(c')
 * </pre>
 *
 * Layouts: x [T, B, I], y [T, B, D*H], states [L*D, B, H] (state index l*D + d); parameters are the
 * row-major canonical tensors named as in PyTorch's state_dict. Sequence b runs over steps [0, len_b): the
 * forward direction from 0 up, the reverse direction from len_b - 1 down to 0; outputs past len_b are 0 and
 * the final state is the state after the last processed step. Layer k > 0 reads [forward, reverse] of
 * layer k - 1's outputs.
 */
public final class ReferenceRnn {
    private ReferenceRnn() {
    }

    /** y [T, B, D*H]; hy and cy [L*D, B, H] (cy null for a GRU). */
    public record Output(double[] y, double[] hy, double[] cy) {
    }

    /** Gradients of a scalar loss: dx, dh0, dc0 (null for a GRU) and one array per canonical parameter. */
    public record Gradients(double[] dx, double[] dh0, double[] dc0, Map<String, double[]> dParams) {
    }

    static double sigmoid(double v) {
        return 1.0 / (1.0 + Math.exp(-v));
    }

    /**
     * The forward pass. {@code h0} and {@code c0} may be null (zeros); {@code c0} is ignored for a GRU.
     */
    public static Output forward(RnnSpec spec, Map<String, double[]> p, double[] x, int seqLength, int[] lengths,
                                 double[] h0, double[] c0) {
        return run(spec, p, x, seqLength, lengths, h0, c0, null);
    }

    /**
     * Backpropagation through time for the loss sum(y*dy) + sum(hy*dhy) + sum(cy*dcy); dhy and dcy may be
     * null (zero).
     */
    public static Gradients backward(RnnSpec spec, Map<String, double[]> p, double[] x, int seqLength, int[] lengths,
                                     double[] h0, double[] c0, double[] dy, double[] dhy, double[] dcy) {
        Tape tape = new Tape(spec.numLayers());
        run(spec, p, x, seqLength, lengths, h0, c0, tape);
        return backprop(spec, p, seqLength, lengths, tape, dy, dhy, dcy);
    }

    /** Parameter-name suffix of layer l, direction d: "_l1_reverse". */
    static String suffix(int layer, int dir) {
        return "_l" + layer + (dir == 1 ? "_reverse" : "");
    }

    /** Activations kept for backward: per layer its input, per (layer, dir, batch, step) the cell's values. */
    private static final class Tape {
        final double[][] layerInput;
        final Map<String, Step[]> steps = new LinkedHashMap<>();

        Tape(int layers) {
            layerInput = new double[layers][];
        }
    }

    /** One cell evaluation: previous states, gate activations, (GRU) W_hn h + b_hn, new cell state. */
    private record Step(int t, double[] hPrev, double[] cPrev, double[] gates, double[] hn, double[] c) {
    }

    private static Output run(RnnSpec spec, Map<String, double[]> p, double[] x, int seqLength, int[] lengths,
                              double[] h0, double[] c0, Tape tape) {
        boolean lstm = spec.cell() == CellType.LSTM;
        int numT = seqLength;
        int batch = lengths.length;
        int hidden = spec.hiddenSize();
        int dirs = spec.directions();
        int gh = spec.gates() * hidden;
        double[] hy = new double[spec.numLayers() * dirs * batch * hidden];
        double[] cy = lstm ? new double[hy.length] : null;
        double[] in = x;
        int inSize = spec.inputSize();
        for (int l = 0; l < spec.numLayers(); l++) {
            if (tape != null) {
                tape.layerInput[l] = in;
            }
            double[] out = new double[numT * batch * dirs * hidden];
            for (int d = 0; d < dirs; d++) {
                String sfx = suffix(l, d);
                double[] wih = p.get("weight_ih" + sfx);
                double[] whh = p.get("weight_hh" + sfx);
                double[] bih = p.get("bias_ih" + sfx);
                double[] bhh = p.get("bias_hh" + sfx);
                int s = l * dirs + d;
                for (int b = 0; b < batch; b++) {
                    double[] h = new double[hidden];
                    double[] c = new double[hidden];
                    for (int u = 0; u < hidden; u++) {
                        h[u] = h0 == null ? 0 : h0[(s * batch + b) * hidden + u];
                        c[u] = c0 == null || !lstm ? 0 : c0[(s * batch + b) * hidden + u];
                    }
                    int len = lengths[b];
                    Step[] record = tape == null ? null : new Step[len];
                    for (int step = 0; step < len; step++) {
                        int t = d == 0 ? step : len - 1 - step;
                        int xo = (t * batch + b) * inSize;
                        double[] ai = new double[gh];
                        double[] ah = new double[gh];
                        for (int j = 0; j < gh; j++) {
                            double si = bih[j];
                            for (int k = 0; k < inSize; k++) {
                                si += wih[j * inSize + k] * in[xo + k];
                            }
                            double sh = bhh[j];
                            for (int k = 0; k < hidden; k++) {
                                sh += whh[j * hidden + k] * h[k];
                            }
                            ai[j] = si;
                            ah[j] = sh;
                        }
                        double[] gates = new double[gh];
                        double[] hNew = new double[hidden];
                        double[] cNew = new double[hidden];
                        double[] hn = null;
                        if (lstm) {
                            for (int u = 0; u < hidden; u++) {
                                double ig = sigmoid(ai[u] + ah[u]);
                                double fg = sigmoid(ai[hidden + u] + ah[hidden + u]);
                                double gg = Math.tanh(ai[2 * hidden + u] + ah[2 * hidden + u]);
                                double og = sigmoid(ai[3 * hidden + u] + ah[3 * hidden + u]);
                                cNew[u] = fg * c[u] + ig * gg;
                                hNew[u] = og * Math.tanh(cNew[u]);
                                gates[u] = ig;
                                gates[hidden + u] = fg;
                                gates[2 * hidden + u] = gg;
                                gates[3 * hidden + u] = og;
                            }
                        } else {
                            hn = new double[hidden];
                            for (int u = 0; u < hidden; u++) {
                                double r = sigmoid(ai[u] + ah[u]);
                                double z = sigmoid(ai[hidden + u] + ah[hidden + u]);
                                hn[u] = ah[2 * hidden + u];
                                double n = Math.tanh(ai[2 * hidden + u] + r * hn[u]);
                                hNew[u] = (1 - z) * n + z * h[u];
                                gates[u] = r;
                                gates[hidden + u] = z;
                                gates[2 * hidden + u] = n;
                            }
                        }
                        if (record != null) {
                            record[step] = new Step(t, h, c, gates, hn, cNew);
                        }
                        h = hNew;
                        c = cNew;
                        for (int u = 0; u < hidden; u++) {
                            out[(t * batch + b) * dirs * hidden + d * hidden + u] = h[u];
                        }
                    }
                    for (int u = 0; u < hidden; u++) {
                        hy[(s * batch + b) * hidden + u] = h[u];
                        if (lstm) {
                            cy[(s * batch + b) * hidden + u] = c[u];
                        }
                    }
                    if (tape != null) {
                        tape.steps.put(l + "/" + d + "/" + b, record);
                    }
                }
            }
            in = out;
            inSize = dirs * hidden;
        }
        return new Output(in, hy, cy);
    }

    private static Gradients backprop(RnnSpec spec, Map<String, double[]> p, int seqLength, int[] lengths, Tape tape,
                                      double[] dy, double[] dhy, double[] dcy) {
        boolean lstm = spec.cell() == CellType.LSTM;
        int batch = lengths.length;
        int hidden = spec.hiddenSize();
        int dirs = spec.directions();
        int gh = spec.gates() * hidden;
        Map<String, double[]> dp = new LinkedHashMap<>();
        for (RnnParam param : spec.parameters()) {
            dp.put(param.name(), new double[param.shape().numel()]);
        }
        double[] dh0 = new double[spec.numLayers() * dirs * batch * hidden];
        double[] dc0 = lstm ? new double[dh0.length] : null;
        double[] dOut = dy;
        for (int l = spec.numLayers() - 1; l >= 0; l--) {
            int inSize = spec.layerInputSize(l);
            double[] in = tape.layerInput[l];
            double[] dIn = new double[seqLength * batch * inSize];
            for (int d = 0; d < dirs; d++) {
                String sfx = suffix(l, d);
                double[] wih = p.get("weight_ih" + sfx);
                double[] whh = p.get("weight_hh" + sfx);
                double[] dwih = dp.get("weight_ih" + sfx);
                double[] dwhh = dp.get("weight_hh" + sfx);
                double[] dbih = dp.get("bias_ih" + sfx);
                double[] dbhh = dp.get("bias_hh" + sfx);
                int s = l * dirs + d;
                for (int b = 0; b < batch; b++) {
                    double[] dh = new double[hidden];
                    double[] dc = new double[hidden];
                    for (int u = 0; u < hidden; u++) {
                        dh[u] = dhy == null ? 0 : dhy[(s * batch + b) * hidden + u];
                        dc[u] = dcy == null || !lstm ? 0 : dcy[(s * batch + b) * hidden + u];
                    }
                    Step[] record = tape.steps.get(l + "/" + d + "/" + b);
                    for (int step = record.length - 1; step >= 0; step--) {
                        Step st = record[step];
                        int t = st.t();
                        for (int u = 0; u < hidden; u++) {
                            dh[u] += dOut[(t * batch + b) * dirs * hidden + d * hidden + u];
                        }
                        double[] dai = new double[gh]; // gradient of W_ih x + b_ih
                        double[] dah = new double[gh]; // gradient of W_hh h + b_hh
                        double[] dhPrev = new double[hidden];
                        double[] dcPrev = new double[hidden];
                        double[] g = st.gates();
                        for (int u = 0; u < hidden; u++) {
                            if (lstm) {
                                double ig = g[u];
                                double fg = g[hidden + u];
                                double gg = g[2 * hidden + u];
                                double og = g[3 * hidden + u];
                                double tc = Math.tanh(st.c()[u]);
                                double dcu = dc[u] + dh[u] * og * (1 - tc * tc);
                                double a0 = dcu * gg * ig * (1 - ig);
                                double a1 = dcu * st.cPrev()[u] * fg * (1 - fg);
                                double a2 = dcu * ig * (1 - gg * gg);
                                double a3 = dh[u] * tc * og * (1 - og);
                                dai[u] = dah[u] = a0;
                                dai[hidden + u] = dah[hidden + u] = a1;
                                dai[2 * hidden + u] = dah[2 * hidden + u] = a2;
                                dai[3 * hidden + u] = dah[3 * hidden + u] = a3;
                                dcPrev[u] = dcu * fg;
                            } else {
                                double r = g[u];
                                double z = g[hidden + u];
                                double n = g[2 * hidden + u];
                                double dn = dh[u] * (1 - z);
                                double dz = dh[u] * (st.hPrev()[u] - n);
                                double dan = dn * (1 - n * n);
                                double dr = dan * st.hn()[u];
                                double ar = dr * r * (1 - r);
                                double az = dz * z * (1 - z);
                                dai[u] = dah[u] = ar;
                                dai[hidden + u] = dah[hidden + u] = az;
                                dai[2 * hidden + u] = dan;
                                dah[2 * hidden + u] = dan * r;
                                dhPrev[u] = dh[u] * z;
                            }
                        }
                        int xo = (t * batch + b) * inSize;
                        for (int j = 0; j < gh; j++) {
                            dbih[j] += dai[j];
                            dbhh[j] += dah[j];
                            for (int k = 0; k < inSize; k++) {
                                dwih[j * inSize + k] += dai[j] * in[xo + k];
                                dIn[xo + k] += wih[j * inSize + k] * dai[j];
                            }
                            for (int k = 0; k < hidden; k++) {
                                dwhh[j * hidden + k] += dah[j] * st.hPrev()[k];
                                dhPrev[k] += whh[j * hidden + k] * dah[j];
                            }
                        }
                        dh = dhPrev;
                        dc = dcPrev;
                    }
                    for (int u = 0; u < hidden; u++) {
                        dh0[(s * batch + b) * hidden + u] = dh[u];
                        if (lstm) {
                            dc0[(s * batch + b) * hidden + u] = dc[u];
                        }
                    }
                }
            }
            dOut = dIn;
        }
        return new Gradients(dOut, dh0, dc0, dp);
    }
}
