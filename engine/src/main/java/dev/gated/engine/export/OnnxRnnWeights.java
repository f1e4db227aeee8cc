package dev.gated.engine.export;

import dev.gated.engine.rnn.CellType;
import dev.gated.engine.rnn.RnnParam;
import dev.gated.engine.rnn.RnnSpec;
import java.util.function.Function;

/**
 * One layer's canonical RNN tensors (PyTorch's names and gate order: LSTM i,f,g,o; GRU r,z,n) packed as the ONNX
 * {@code LSTM}/{@code GRU} operators read them: W [D, G*H, I], R [D, G*H, H], B [D, 2*G*H] = [Wb, Rb], directions
 * forward then reverse, gates in ONNX's order (LSTM i,o,f,c; GRU z,r,h). PyTorch's GRU applies the reset gate
 * after the recurrent matmul and its bias, which is ONNX's {@code linear_before_reset=1}.
 *
 * @param w as W, row-major
 * @param r as R
 * @param b as B
 */
record OnnxRnnWeights(float[] w, float[] r, float[] b, int directions, int gateRows, int inputSize, int hidden) {
    /** LSTM: ONNX gate g takes our gate ONNX_FROM_OURS[g] (i, o, f, c from i, f, g, o). */
    static final int[] LSTM_FROM_OURS = {0, 3, 1, 2};
    /** GRU: z, r, h from r, z, n. */
    static final int[] GRU_FROM_OURS = {1, 0, 2};

    /** Layer {@code layer} of {@code spec}, reading each canonical tensor (by PyTorch name, without "rnn.") with
     *  {@code read}. */
    static OnnxRnnWeights of(RnnSpec spec, int layer, Function<String, double[]> read) {
        int d = spec.directions();
        int h = spec.hiddenSize();
        int gh = spec.gates() * h;
        int in = spec.layerInputSize(layer);
        int[] order = spec.cell() == CellType.LSTM ? LSTM_FROM_OURS : GRU_FROM_OURS;
        float[] w = new float[d * gh * in];
        float[] r = new float[d * gh * h];
        float[] b = new float[d * 2 * gh];
        for (RnnParam p : spec.parameters()) {
            if (p.layer() != layer) {
                continue;
            }
            double[] v = read.apply(p.name());
            int dir = p.direction();
            switch (p.kind()) {
                case WEIGHT_IH -> reorder(v, order, h, in, w, dir * gh * in);
                case WEIGHT_HH -> reorder(v, order, h, h, r, dir * gh * h);
                case BIAS_IH -> reorder(v, order, h, 1, b, dir * 2 * gh);
                case BIAS_HH -> reorder(v, order, h, 1, b, dir * 2 * gh + gh);
            }
        }
        return new OnnxRnnWeights(w, r, b, d, gh, in, h);
    }

    /** Copies gate blocks of {@code h * cols} values from {@code src} to {@code dst} in ONNX's order. */
    private static void reorder(double[] src, int[] order, int h, int cols, float[] dst, int offset) {
        int block = h * cols;
        if (src.length != order.length * block) {
            throw new IllegalArgumentException("expected " + order.length * block + " values, got " + src.length);
        }
        for (int g = 0; g < order.length; g++) {
            for (int i = 0; i < block; i++) {
                dst[offset + g * block + i] = (float) src[order[g] * block + i];
            }
        }
    }

    long[] wShape() {
        return new long[] {directions, gateRows, inputSize};
    }

    long[] rShape() {
        return new long[] {directions, gateRows, hidden};
    }

    long[] bShape() {
        return new long[] {directions, 2L * gateRows};
    }
}
