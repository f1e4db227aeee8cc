package dev.gated.engine.export;

import static dev.gated.engine.export.OnnxGraph.Attr;

import dev.gated.engine.forecast.ForecastLayout;
import java.util.List;

/**
 * {@code WindowCodec.decode} as ONNX nodes: the network's outputs [B, O] back in the data's units, [B, H, J, Q].
 * Per target j: {@code w = out * target_scale_j + target_base_j}; with a difference d, {@code y(o+h) = w(o+h) +
 * y(o+h-d)}, which unrolls to {@code recent[(h-1) mod d] + sum of w(o+k) over 1 <= k <= h with k = h (mod d)}: one
 * MatMul with a constant 0/1 matrix and a Gather of the observed rows; then the quantile levels sorted ascending
 * (TopK), as the codec sorts them so they never cross.
 */
final class ForecastDecoding {
    static final String TARGET_SCALE = "target_scale";
    static final String TARGET_BASE = "target_base";
    static final String RECENT = "recent";

    private ForecastDecoding() {
    }

    /** Adds the inputs target_scale, target_base [batch, J] (and recent [batch, J, d]) and the nodes; returns the
     *  decoded forecasts' value name. */
    static String build(OnnxGraph g, String output, ForecastLayout l) {
        int hm = l.modelHorizon();
        int j = l.targets();
        int q = l.quantileCount();
        int d = l.difference();
        String scale = g.input(TARGET_SCALE, "per window and target, the scale s_j the window was encoded with",
                OnnxGraph.FLOAT, OnnxNetwork.BATCH, j);
        String base = g.input(TARGET_BASE,
                "per window and target, the base b_j (centre, or the origin's value for target: change)",
                OnnxGraph.FLOAT, OnnxNetwork.BATCH, j);
        String perTarget = g.longs("shape_b_1_j_1", 0, 1, j, 1);
        String out = g.op("Reshape", List.of(output, g.longs("shape_b_h_j_q", 0, hm, j, q)));
        String w = g.op("Add", List.of(g.op("Mul", List.of(out, g.op("Reshape", List.of(scale, perTarget)))),
                g.op("Reshape", List.of(base, perTarget))));
        if (d > 0) {
            String recent = g.input(RECENT, "per window and target, the observed values of the d rows up to the origin",
                    OnnxGraph.FLOAT, OnnxNetwork.BATCH, j, d);
            float[] sums = new float[hm * hm];
            long[] lag = new long[hm];
            for (int h = 1; h <= hm; h++) {
                lag[h - 1] = (h - 1) % d;
                for (int k = 1; k <= h; k++) {
                    if ((h - k) % d == 0) {
                        sums[(k - 1) * hm + (h - 1)] = 1;
                    }
                }
            }
            // [B, H, J, Q] -> [B, J, Q, H] so that the sums over steps are one MatMul on the last axis.
            String steps = g.op("MatMul", List.of(g.op("Transpose", List.of(w), Attr.ints("perm", 0, 2, 3, 1)),
                    g.floats("step_sums", new long[] {hm, hm}, sums)));
            String observed = g.op("Unsqueeze", List.of(g.op("Gather", List.of(recent, g.longs("lag", lag)),
                    Attr.i("axis", 2)), g.longs("axis_2", 2)));
            w = g.op("Transpose", List.of(g.op("Add", List.of(steps, observed))), Attr.ints("perm", 0, 3, 1, 2));
        }
        if (q == 1) {
            return w;
        }
        String sorted = g.fresh("sorted");
        g.node("TopK", List.of(w, g.longs("k", q)), List.of(sorted, g.fresh("sorted_index")),
                Attr.i("axis", -1), Attr.i("largest", 0), Attr.i("sorted", 1));
        return sorted;
    }
}
