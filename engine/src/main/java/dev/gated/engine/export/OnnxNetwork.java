package dev.gated.engine.export;

import static dev.gated.engine.export.OnnxGraph.Attr;

import dev.gated.engine.model.Embedding;
import dev.gated.engine.model.SequenceModel;
import dev.gated.engine.model.Stacking;
import dev.gated.engine.rnn.CellType;
import dev.gated.engine.rnn.RnnSpec;
import dev.gated.engine.util.FloatArrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@link SequenceModel}'s inference pass as ONNX nodes, exactly as {@code ForwardBackward} and {@code LayerStack}
 * run it: (standardisation or embedding) → per layer one ONNX {@code LSTM}/{@code GRU} node with
 * {@code sequence_lens} (then LayerNorm or BatchNorm, then the residual add, as {@link Stacking} orders them; dropout
 * is the identity at inference; an input BatchNorm before the first layer) → the head's readout (each sequence's last valid step: forward direction at
 * {@code len-1}, reverse at step 0; or every step) → the linear head.
 *
 * <p>Values are time-major like the engine's: x [T, B, I], tokens [T, B], the RNN outputs [T, B, D*H].
 */
final class OnnxNetwork {
    static final String X = "x";
    static final String TOKENS = "tokens";
    static final String SEQUENCE_LENS = "sequence_lens";
    static final String STEPS = "steps";
    static final String BATCH = "batch";

    private OnnxNetwork() {
    }

    /** What the graph's head produced: its value name and whether it has a row per step ([T, B, O]). */
    record Head(String value, boolean everyStep) {
    }

    /**
     * Adds the network to {@code g}: the graph inputs {@code x} [steps, batch, I] float (or {@code tokens}
     * [steps, batch] int64 with an embedding) and {@code sequence_lens} [batch] int32, and the nodes up to the
     * head's output, [batch, O] (or [steps, batch, O] for a language model).
     *
     * @param featureMean per input feature, subtracted from x first (empty: x is read as it is)
     * @param featureStd  per input feature, x is divided by it after the mean is subtracted
     */
    static Head build(OnnxGraph g, SequenceModel model, double[] featureMean, double[] featureStd) {
        RnnSpec spec = model.spec();
        Optional<Embedding> emb = model.embedding();
        String x;
        if (emb.isPresent()) {
            String tokens = g.input(TOKENS, "token ids, time-major, from the run's tokenizer and vocabulary",
                    OnnxGraph.INT64, STEPS, BATCH);
            String table = g.floats("embedding_weight", new long[] {emb.get().vocabSize(), emb.get().dim()},
                    FloatArrays.toFloat(model.readParameter(SequenceModel.EMBEDDING_WEIGHT)));
            x = g.op("Gather", List.of(table, tokens), Attr.i("axis", 0));
        } else {
            String doc = featureMean.length > 0
                    ? "input features, time-major, in the data's units (standardised in the graph)"
                    : "input features, time-major, as the model reads them";
            x = g.input(X, doc, OnnxGraph.FLOAT, STEPS, BATCH, spec.inputSize());
            if (featureMean.length > 0) {
                long[] dims = {spec.inputSize()};
                x = g.op("Sub", List.of(x, g.floats("feature_mean", dims, FloatArrays.toFloat(featureMean))));
                x = g.op("Div", List.of(x, g.floats("feature_std", dims, FloatArrays.toFloat(featureStd))));
            }
        }
        Stacking stacking = model.stacking();
        if (stacking.inputNorm()) {
            x = batchNorm(g, model, SequenceModel.INPUT_NORM_PREFIX, "in", x, spec.inputSize());
        }
        String lens = g.input(SEQUENCE_LENS, "each sequence's length (1..steps); steps past it are padding and ignored",
                OnnxGraph.INT32, BATCH);
        String in = x;
        long[] vec = {spec.outputSize()};
        String flatten = g.longs("shape_t_b_f", 0, 0, -1);
        for (int k = 0; k < spec.numLayers(); k++) {
            OnnxRnnWeights w = OnnxRnnWeights.of(spec, k,
                    name -> model.readParameter(SequenceModel.RNN_PREFIX + name));
            String layer = "l" + k;
            List<String> inputs = List.of(in, g.floats("W_" + layer, w.wShape(), w.w()),
                    g.floats("R_" + layer, w.rShape(), w.r()), g.floats("B_" + layer, w.bShape(), w.b()), lens);
            List<Attr> attrs = new ArrayList<>(List.of(Attr.i("hidden_size", spec.hiddenSize()),
                    Attr.s("direction", spec.bidirectional() ? "bidirectional" : "forward")));
            if (spec.cell() == CellType.GRU) {
                attrs.add(Attr.i("linear_before_reset", 1));
            }
            String y = g.op(spec.cell() == CellType.LSTM ? "LSTM" : "GRU", inputs, attrs.toArray(new Attr[0]));
            // Y [T, D, B, H] -> [T, B, D, H] -> [T, B, D*H], the engine's layout (forward features first).
            String r = g.op("Reshape", List.of(g.op("Transpose", List.of(y), Attr.ints("perm", 0, 2, 1, 3)), flatten));
            String h = r;
            if (stacking.layerNorm()) {
                String prefix = SequenceModel.LAYER_NORM_PREFIX + k;
                h = g.op("LayerNormalization", List.of(r,
                        g.floats("ln_gain_" + layer, vec, FloatArrays.toFloat(model.readParameter(prefix + ".weight"))),
                        g.floats("ln_bias_" + layer, vec, FloatArrays.toFloat(model.readParameter(prefix + ".bias")))),
                        Attr.i("axis", -1), Attr.f("epsilon", (float) Stacking.LAYER_NORM_EPS));
            } else if (stacking.batchNorm()) {
                h = batchNorm(g, model, SequenceModel.BATCH_NORM_PREFIX + k + ".", layer, r, spec.outputSize());
            }
            if (stacking.residual() && k > 0) {
                h = g.op("Add", List.of(h, in));
            }
            in = h;
        }
        int o = model.outputSize();
        float[] weight = FloatArrays.toFloat(model.readParameter(SequenceModel.HEAD_WEIGHT));
        String bias = g.floats("head_bias", new long[] {o},
                FloatArrays.toFloat(model.readParameter(SequenceModel.HEAD_BIAS)));
        if (model.objective().everyStep()) {
            // [T, B, F] x [F, O]: the head's weight transposed once here.
            String wt = g.floats("head_weight_t", new long[] {spec.outputSize(), o}, transpose(weight, o,
                    spec.outputSize()));
            return new Head(g.op("Add", List.of(g.op("MatMul", List.of(in, wt)), bias)), true);
        }
        String readout = lastStep(g, in, lens, spec);
        String w = g.floats("head_weight", new long[] {o, spec.outputSize()}, weight);
        return new Head(g.op("Gemm", List.of(readout, w, bias), Attr.i("transB", 1)), false);
    }

    /**
     * BatchNorm at inference over the last axis: {@code (x - running_mean) * rstd * weight + bias} with
     * {@code rstd = 1 / sqrt(running_var + eps)} computed here in float32 the way the engine's float32 path does, as
     * element-wise nodes in the engine's order (ONNX's BatchNormalization wants the features on axis 1; ours are on
     * the last axis of [T, B, F]). Padded steps get values too, which the RNN's sequence_lens and the readout ignore.
     */
    private static String batchNorm(OnnxGraph g, SequenceModel model, String prefix, String site, String x,
                                    int features) {
        long[] dims = {features};
        float[] var = model.readBuffer(prefix + "running_var").toFloatArray();
        float[] rstd = new float[features];
        for (int j = 0; j < features; j++) {
            rstd[j] = 1f / (float) Math.sqrt(var[j] + (float) Stacking.LAYER_NORM_EPS);
        }
        String centred = g.op("Sub", List.of(x, g.floats("bn_mean_" + site, dims,
                model.readBuffer(prefix + "running_mean").toFloatArray())));
        String xhat = g.op("Mul", List.of(centred, g.floats("bn_rstd_" + site, dims, rstd)));
        String scaled = g.op("Mul", List.of(xhat, g.floats("bn_weight_" + site, dims,
                FloatArrays.toFloat(model.readParameter(prefix + "weight")))));
        return g.op("Add", List.of(scaled, g.floats("bn_bias_" + site, dims,
                FloatArrays.toFloat(model.readParameter(prefix + "bias")))));
    }

    /**
     * [B, D*H]: the forward features of each sequence at its last valid step {@code len-1}, and for a bidirectional
     * RNN the reverse features at step 0, which is where the reverse direction ends.
     */
    private static String lastStep(OnnxGraph g, String z, String lens, RnnSpec spec) {
        String batchMajor = g.op("Transpose", List.of(z), Attr.ints("perm", 1, 0, 2));
        String last = g.op("Sub", List.of(g.op("Cast", List.of(lens), Attr.i("to", OnnxGraph.INT64)),
                g.longs("one", new long[0], 1)));
        String index = g.op("Unsqueeze", List.of(last, g.longs("axis_1", 1)));
        String atLast = g.op("GatherND", List.of(batchMajor, index), Attr.i("batch_dims", 1));
        if (!spec.bidirectional()) {
            return atLast;
        }
        int h = spec.hiddenSize();
        String axis = g.longs("axis_1", 1);
        String forward = g.op("Slice", List.of(atLast, g.longs("from", 0), g.longs("to", h), axis));
        String first = g.op("Gather", List.of(z, g.longs("step_0", new long[0], 0)), Attr.i("axis", 0));
        String reverse = g.op("Slice", List.of(first, g.longs("from", h), g.longs("to", 2L * h), axis));
        return g.op("Concat", List.of(forward, reverse), Attr.i("axis", 1));
    }

    /** [rows, cols] row-major to [cols, rows]. */
    private static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = m[i * cols + j];
            }
        }
        return t;
    }
}
