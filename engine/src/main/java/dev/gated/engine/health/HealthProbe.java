package dev.gated.engine.health;

import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.model.SequenceModel;
import dev.gated.engine.rnn.RnnParam;
import dev.gated.engine.rnn.RnnSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Training health of a {@link SequenceModel}, read through its canonical PyTorch-named tensors (so it is the same
 * on every backend and needs nothing from the Backend SPI): per layer, direction and gate the gradient norm, per
 * layer the ratio of the update's norm to the weights' norm, and per gate the fraction of saturated activations
 * ({@link HostRnnProbe}). Reading never changes the model, so a run with health rows trains bit-identically to one
 * without.
 *
 * <p>Columns: {@code grad_norm_<l>_<gate>} (the gate's rows of weight_ih, weight_hh, bias_ih and bias_hh
 * together), {@code grad_norm_ih_<l>} and {@code grad_norm_hh_<l>} (input and recurrent weights), {@code
 * grad_norm_head}; {@code update_ratio_<l>} and {@code update_ratio_head} (every tensor of the layer or head);
 * {@code saturation_<l>_<gate>}; {@code <l>} is {@code l0}, {@code l0_reverse}, ...
 */
public final class HealthProbe {
    private final SequenceModel model;
    private final int maxSequences;

    public HealthProbe(SequenceModel model, int maxSequences) {
        if (maxSequences < 1) {
            throw new IllegalArgumentException("maxSequences: expected >= 1, got " + maxSequences);
        }
        this.model = model;
        this.maxSequences = maxSequences;
    }

    /** Gradient norms of the last forward-backward, by gate and by tensor kind. */
    public Map<String, Double> gradientNorms() {
        RnnSpec spec = model.spec();
        int h = spec.hiddenSize();
        List<String> gates = Gates.names(spec.cell());
        Map<String, Double> out = new LinkedHashMap<>();
        for (int layer = 0; layer < spec.numLayers(); layer++) {
            for (int dir = 0; dir < spec.directions(); dir++) {
                String l = Gates.layer(layer, dir);
                double[] perGate = new double[gates.size()];
                double ih = 0;
                double hh = 0;
                for (String kind : List.of("weight_ih_", "weight_hh_", "bias_ih_", "bias_hh_")) {
                    double[] grad = model.readGradient(SequenceModel.RNN_PREFIX + kind + l);
                    // Each tensor is G blocks of H rows (or H values for a bias), gate q's block at q*H.
                    int perRow = grad.length / (gates.size() * h);
                    for (int i = 0; i < grad.length; i++) {
                        double sq = grad[i] * grad[i];
                        perGate[i / (perRow * h)] += sq;
                        if (kind.equals("weight_ih_")) {
                            ih += sq;
                        } else if (kind.equals("weight_hh_")) {
                            hh += sq;
                        }
                    }
                }
                for (int q = 0; q < gates.size(); q++) {
                    out.put("grad_norm_" + l + "_" + gates.get(q), Math.sqrt(perGate[q]));
                }
                out.put("grad_norm_ih_" + l, Math.sqrt(ih));
                out.put("grad_norm_hh_" + l, Math.sqrt(hh));
            }
        }
        out.put("grad_norm_head", Math.sqrt(sumOfSquares(model.readGradient(SequenceModel.HEAD_WEIGHT))
                + sumOfSquares(model.readGradient(SequenceModel.HEAD_BIAS))));
        if (model.embedding().isPresent()) {
            out.put("grad_norm_embedding", Math.sqrt(sumOfSquares(model.readGradient(
                    SequenceModel.EMBEDDING_WEIGHT))));
        }
        return out;
    }

    /** The weights now, per layer and direction and the head, to compare after the optimizer step. */
    public Map<String, double[]> snapshot() {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (String name : model.parameterNames()) {
            out.put(name, model.readParameter(name));
        }
        return out;
    }

    /** ||w_now - w_before|| / ||w_before|| per layer and direction (all four tensors) and for the head. */
    public Map<String, Double> updateRatios(Map<String, double[]> before) {
        RnnSpec spec = model.spec();
        Map<String, double[]> sums = new LinkedHashMap<>(); // group -> {||delta||^2, ||w||^2}
        for (String name : model.parameterNames()) {
            String group = group(spec, name);
            double[] now = model.readParameter(name);
            double[] was = before.get(name);
            double[] s = sums.computeIfAbsent(group, k -> new double[2]);
            for (int i = 0; i < now.length; i++) {
                double delta = now[i] - was[i];
                s[0] += delta * delta;
                s[1] += was[i] * was[i];
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        sums.forEach((group, s) -> out.put("update_ratio_" + group, s[1] == 0 ? (s[0] == 0 ? 0.0
                : Double.POSITIVE_INFINITY) : Math.sqrt(s[0] / s[1])));
        return out;
    }

    /** Saturated-gate fractions on the batch's first sequences ({@link HostRnnProbe}). */
    public Map<String, Double> saturation(SequenceBatch batch) {
        return HostRnnProbe.saturation(model.spec(), name -> model.readParameter(SequenceModel.RNN_PREFIX + name),
                model.embedInputs(batch), maxSequences);
    }

    private static String group(RnnSpec spec, String name) {
        if (name.equals(SequenceModel.EMBEDDING_WEIGHT)) {
            return "embedding";
        }
        if (!name.startsWith(SequenceModel.RNN_PREFIX)) {
            return "head";
        }
        RnnParam p = spec.parameter(name.substring(SequenceModel.RNN_PREFIX.length()));
        return Gates.layer(p.layer(), p.direction());
    }

    private static double sumOfSquares(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return s;
    }
}
