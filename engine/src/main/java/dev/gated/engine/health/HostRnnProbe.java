package dev.gated.engine.health;

import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.rnn.CellType;
import dev.gated.engine.rnn.RnnSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The fraction of saturated gate activations, from a float64 forward pass on the host through the canonical
 * (PyTorch-named) weights: the same numbers whichever backend trains, and no change to the Backend SPI.
 *
 * <p>A sigmoid gate is saturated when its activation lies outside [{@value #SIGMOID_LOW}, {@value #SIGMOID_HIGH}]
 * (its derivative is then below 0.0475, under a fifth of its peak 0.25, so little gradient passes); a tanh
 * candidate (LSTM g, GRU n) when |a| > {@value #TANH_HIGH} (derivative below 0.0975). Counted over every valid
 * step, sequence and hidden unit of each layer and direction; inputs as the model received them, without dropout.
 */
public final class HostRnnProbe {
    public static final double SIGMOID_LOW = 0.05;
    public static final double SIGMOID_HIGH = 0.95;
    public static final double TANH_HIGH = 0.95;

    private HostRnnProbe() {
    }

    /**
     * @param weights a parameter's values by its RNN name without prefix ({@code weight_ih_l0}, ...), row-major
     * @param batch   the batch; only its first {@code maxSequences} sequences are run
     * @return {@code saturation_<layer>_<gate>} for every layer, direction and gate, in [0, 1]
     */
    public static Map<String, Double> saturation(RnnSpec spec, Function<String, double[]> weights, SequenceBatch batch,
                                                 int maxSequences) {
        int m = Math.min(batch.batchSize(), maxSequences);
        int bs = batch.batchSize();
        int t = batch.seqLength();
        int h = spec.hiddenSize();
        int d = spec.directions();
        int g = spec.gates();
        CellType cell = spec.cell();
        int[] lengths = batch.lengths();
        // Layer input [T][m][in], padded steps left at 0 and never read.
        int in = spec.inputSize();
        double[] input = new double[t * m * in];
        for (int s = 0; s < t; s++) {
            for (int b = 0; b < m; b++) {
                for (int i = 0; i < in; i++) {
                    input[(s * m + b) * in + i] = batch.x()[(s * bs + b) * in + i];
                }
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (int layer = 0; layer < spec.numLayers(); layer++) {
            double[] output = new double[t * m * d * h];
            for (int dir = 0; dir < d; dir++) {
                String suffix = Gates.layer(layer, dir);
                double[] wih = weights.apply("weight_ih_" + suffix);
                double[] whh = weights.apply("weight_hh_" + suffix);
                double[] bih = weights.apply("bias_ih_" + suffix);
                double[] bhh = weights.apply("bias_hh_" + suffix);
                long[] saturated = new long[g];
                long count = 0;
                double[] pre = new double[g * h];
                double[] rec = new double[g * h];
                for (int b = 0; b < m; b++) {
                    double[] hs = new double[h];
                    double[] cs = new double[h];
                    for (int k = 0; k < lengths[b]; k++) {
                        int s = dir == 0 ? k : lengths[b] - 1 - k;
                        int xo = (s * m + b) * in;
                        for (int r = 0; r < g * h; r++) {
                            double a = bih[r];
                            for (int i = 0; i < in; i++) {
                                a += wih[r * in + i] * input[xo + i];
                            }
                            double c = bhh[r];
                            for (int j = 0; j < h; j++) {
                                c += whh[r * h + j] * hs[j];
                            }
                            pre[r] = a;
                            rec[r] = c;
                        }
                        count += h;
                        for (int j = 0; j < h; j++) {
                            double hn;
                            if (cell == CellType.LSTM) {
                                double i = sigmoid(pre[j] + rec[j]);
                                double f = sigmoid(pre[h + j] + rec[h + j]);
                                double gg = Math.tanh(pre[2 * h + j] + rec[2 * h + j]);
                                double o = sigmoid(pre[3 * h + j] + rec[3 * h + j]);
                                saturated[0] += sigmoidSaturated(i);
                                saturated[1] += sigmoidSaturated(f);
                                saturated[2] += tanhSaturated(gg);
                                saturated[3] += sigmoidSaturated(o);
                                cs[j] = f * cs[j] + i * gg;
                                hn = o * Math.tanh(cs[j]);
                            } else {
                                double r = sigmoid(pre[j] + rec[j]);
                                double z = sigmoid(pre[h + j] + rec[h + j]);
                                // The reset gate applies after the recurrent product (PyTorch, cuDNN).
                                double n = Math.tanh(pre[2 * h + j] + r * rec[2 * h + j]);
                                saturated[0] += sigmoidSaturated(r);
                                saturated[1] += sigmoidSaturated(z);
                                saturated[2] += tanhSaturated(n);
                                hn = (1 - z) * n + z * hs[j];
                            }
                            output[((s * m + b) * d + dir) * h + j] = hn;
                        }
                        // All gates of this step read the previous h: update it only now.
                        for (int j = 0; j < h; j++) {
                            hs[j] = output[((s * m + b) * d + dir) * h + j];
                        }
                    }
                }
                for (int q = 0; q < g; q++) {
                    out.put("saturation_" + suffix + "_" + Gates.names(cell).get(q),
                            count == 0 ? 0.0 : (double) saturated[q] / count);
                }
            }
            input = output;
            in = d * h;
        }
        return out;
    }

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    private static int sigmoidSaturated(double a) {
        return a < SIGMOID_LOW || a > SIGMOID_HIGH ? 1 : 0;
    }

    private static int tanhSaturated(double a) {
        return Math.abs(a) > TANH_HIGH ? 1 : 0;
    }
}
