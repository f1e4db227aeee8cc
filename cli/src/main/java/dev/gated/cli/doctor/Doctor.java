package dev.gated.cli.doctor;

import dev.gated.engine.config.JobConfig;
import dev.gated.engine.config.OptimizerKind;
import dev.gated.engine.rnn.CellType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a run's rows and explains what looks wrong, each finding with its evidence and the settings to try. The
 * rules are rules of thumb, written down here so a finding can be checked by hand:
 * <ul>
 *   <li><b>loses to a naive baseline</b> (forecasting): {@code forecast.json} says a baseline's test RMSE or MASE is
 *       at least as good as the model's; the settings are the ones the report suggests for the run;</li>
 *   <li><b>exploding gradients</b>: a non-finite loss, skipped batches or rollbacks; an epoch whose largest
 *       gradient norm is at least {@value #SPIKE}x its mean; the mean norm growing {@value #GROWTH}x from the
 *       first to the last epoch; or the norm above {@code clip_grad_norm} at half or more of the sampled steps;</li>
 *   <li><b>vanishing gradients</b> (health rows): the lowest layer's gradient norm, or a layer's recurrent
 *       ({@code weight_hh}) norm next to its input norm, {@value #VANISHING}x or more below (median over rows);</li>
 *   <li><b>saturated gates</b> (health rows): a gate with at least {@value #SATURATED} of its activations saturated
 *       (mean over the later half of the rows; thresholds in {@code HostRnnProbe});</li>
 *   <li><b>overfitting</b>: the validation loss lowest {@value #OVERFIT_EPOCHS} or more epochs before the end and
 *       at least {@value #OVERFIT_RISE} above that minimum at the end, while the training loss kept falling;</li>
 *   <li><b>learning rate too high</b>: the training loss rising within the first three epochs by more than 5 %,
 *       rising in at least 40 % of epoch transitions (5 or more epochs), ending above where it started, or
 *       median update ratios above {@value #RATIO_HIGH};</li>
 *   <li><b>learning rate too low</b>: the training loss improving by less than 2 % over three or more epochs, or
 *       median update ratios below {@value #RATIO_LOW} (a common rule of thumb is about 1e-3).</li>
 * </ul>
 */
public final class Doctor {
    static final double SPIKE = 10;
    static final double GROWTH = 10;
    static final double VANISHING = 100;
    static final double SATURATED = 0.5;
    static final int OVERFIT_EPOCHS = 3;
    static final double OVERFIT_RISE = 0.1;
    static final double RATIO_HIGH = 0.1;
    static final double RATIO_LOW = 1e-5;

    private final RunRecord run;
    private final List<Map<String, Double>> epochs;
    private final List<Map<String, Double>> health;
    private final Optional<JobConfig> job;
    private final double lr;

    private Doctor(RunRecord run) {
        this.run = run;
        this.epochs = run.epochs();
        this.health = run.health();
        this.job = run.job();
        this.lr = job.map(j -> j.training().learningRate()).orElse(Double.NaN);
    }

    /** The findings, worst first; empty when nothing looks wrong. */
    public static List<Finding> diagnose(RunRecord run) {
        Doctor d = new Doctor(run);
        List<Finding> out = new ArrayList<>();
        d.losesToBaselines().ifPresent(out::add);
        d.exploding().ifPresent(out::add);
        d.learningRateTooHigh().ifPresent(out::add);
        d.vanishing().ifPresent(out::add);
        d.saturated().ifPresent(out::add);
        d.overfitting().ifPresent(out::add);
        d.learningRateTooLow().ifPresent(out::add);
        return out;
    }

    /** What a healthy run's evidence looks like: the figures that were checked. */
    public static List<String> healthyEvidence(RunRecord run) {
        Doctor d = new Doctor(run);
        List<String> out = new ArrayList<>();
        double[] train = d.column(d.epochs, "train_loss");
        if (train.length > 0) {
            out.add(fmt("train_loss went from %s (epoch 1) to %s (epoch %d)", train[0], train[train.length - 1],
                    train.length));
        }
        double[] val = d.column(d.epochs, "val_loss");
        if (val.length > 0) {
            int best = argMin(val);
            out.add(fmt("val_loss was lowest at epoch %d (%s) and ends at %s", best + 1, val[best],
                    val[val.length - 1]));
        }
        if (!d.health.isEmpty()) {
            out.add(fmt("median update ratio %s per step; largest saturated fraction of a gate in the last health "
                    + "row %s", d.medianUpdateRatio(),
                    d.health.get(d.health.size() - 1).entrySet().stream().filter(e -> e.getKey()
                            .startsWith("saturation_")).mapToDouble(Map.Entry::getValue).max().orElse(0)));
        }
        return out;
    }

    // ---- the checks ----

    /** Forecasting: the test split's report says a naive baseline is at least as good as the model. */
    private Optional<Finding> losesToBaselines() {
        if (run.forecast().isEmpty() || run.forecast().get().path("beats_baselines").asBoolean(true)) {
            return Optional.empty();
        }
        com.fasterxml.jackson.databind.JsonNode f = run.forecast().get();
        List<String> evidence = new ArrayList<>();
        f.path("losing_to").forEach(n -> evidence.add("on the " + f.path("split").asText("test") + " split, "
                + n.asText()));
        evidence.add(fmt("skill against the best baseline: RMSE %s, MASE %s (above 0 beats it)",
                f.path("skill_rmse").asDouble(Double.NaN), f.path("skill_mase").asDouble(Double.NaN)));
        List<String> settings = new ArrayList<>();
        f.path("try").forEach(n -> settings.add(n.asText()));
        return Optional.of(new Finding("the model loses to a naive baseline: a forecaster that does not beat "
                + "\"tomorrow = today\" (or the season before) is not worth keeping yet", evidence, settings));
    }

    private Optional<Finding> exploding() {
        List<String> evidence = new ArrayList<>();
        for (Map<String, Double> row : epochs) {
            Double loss = row.get("train_loss");
            if (loss == null || !Double.isFinite(loss)) {
                evidence.add(fmt("epoch %d: train_loss is not finite (%s)", epoch(row), loss));
                break;
            }
        }
        double skipped = run.summary().getOrDefault("skipped_batches", 0.0);
        if (skipped > 0) {
            evidence.add(fmt("%d batches were skipped for a NaN or infinite loss or gradient", (long) skipped));
        }
        double rollbacks = run.summary().getOrDefault("rollbacks", 0.0);
        if (rollbacks > 0) {
            evidence.add(fmt("training rolled back %d times after a NaN or infinite loss or gradient", (long) rollbacks));
        }
        for (Map<String, Double> row : epochs) {
            double mean = row.getOrDefault("grad_norm", Double.NaN);
            double max = row.getOrDefault("grad_norm_max", Double.NaN);
            if (mean > 0 && max >= SPIKE * mean) {
                evidence.add(fmt("epoch %d: the largest gradient norm %s is %.0fx the epoch's mean %s", epoch(row),
                        max, max / mean, mean));
                break;
            }
        }
        double[] norms = column(epochs, "grad_norm");
        if (norms.length >= 3 && norms[0] > 0 && norms[norms.length - 1] >= GROWTH * norms[0]) {
            evidence.add(fmt("the mean gradient norm grew from %s (epoch 1) to %s (epoch %d)", norms[0],
                    norms[norms.length - 1], norms.length));
        }
        // The health rows also cover a run that diverged before its first epoch ended (no metrics row yet).
        double[] sampledNorms = column(health, "grad_norm");
        if (sampledNorms.length >= 3 && sampledNorms[0] > 0
                && !(sampledNorms[sampledNorms.length - 1] < GROWTH * sampledNorms[0])) {
            evidence.add(fmt("the sampled gradient norm grew from %s (step %d) to %s (step %d)", sampledNorms[0],
                    (long) health.get(0).getOrDefault("step", Double.NaN).doubleValue(),
                    sampledNorms[sampledNorms.length - 1],
                    (long) health.get(health.size() - 1).getOrDefault("step", Double.NaN).doubleValue()));
        }
        Optional<Double> clip = job.flatMap(j -> j.training().clipGradNorm());
        if (clip.isPresent()) {
            double[] sampled = column(health, "grad_norm");
            long above = Arrays.stream(sampled).filter(v -> v > clip.get()).count();
            if (sampled.length >= 3 && above * 2 >= sampled.length) {
                evidence.add(fmt("clipping was active at %d of %d sampled steps (norm above clip_grad_norm %s)",
                        above, sampled.length, clip.get()));
            }
        }
        if (evidence.isEmpty()) {
            return Optional.empty();
        }
        List<String> settings = new ArrayList<>();
        if (clip.isEmpty()) {
            settings.add("training.clip_grad_norm: 1.0");
        } else {
            settings.add(lrSetting(1.0 / 3));
        }
        if (job.isEmpty() || job.get().training().health().onNonFinite().key().equals("stop")) {
            settings.add("training.on_nonfinite: rollback  (go back to the last checkpoint with a lower rate)");
        }
        settings.add("model.init.recurrent: orthogonal");
        return Optional.of(new Finding("Exploding gradients: the gradient norm spikes or grows, which makes training "
                + "unstable", evidence, settings));
    }

    private Optional<Finding> vanishing() {
        if (health.isEmpty()) {
            return Optional.empty();
        }
        int layers = layerCount();
        List<String> evidence = new ArrayList<>();
        if (layers > 1) {
            double[] ratio = health.stream().mapToDouble(r -> layerNorm(r, layers - 1) / layerNorm(r, 0))
                    .filter(Double::isFinite).toArray();
            double m = median(ratio);
            if (ratio.length > 0 && m >= VANISHING) {
                evidence.add(fmt("the gradient norm of layer 0 is %.3gx smaller than that of the top layer %d "
                        + "(median over %d health rows)", m, layers - 1, ratio.length));
            }
        }
        for (int l = 0; l < layers; l++) {
            int layer = l;
            double[] ratio = health.stream().mapToDouble(r -> r.getOrDefault("grad_norm_ih_l" + layer, Double.NaN)
                    / r.getOrDefault("grad_norm_hh_l" + layer, Double.NaN)).filter(Double::isFinite).toArray();
            double m = median(ratio);
            if (ratio.length > 0 && m >= VANISHING) {
                evidence.add(fmt("layer %d: the recurrent weights (weight_hh) get a gradient %.3gx smaller than the "
                        + "input weights: little gradient flows back through time", l, m));
            }
        }
        if (evidence.isEmpty()) {
            return Optional.empty();
        }
        List<String> settings = new ArrayList<>();
        CellType cell = job.map(j -> j.model().cell()).orElse(CellType.LSTM);
        if (cell == CellType.LSTM) {
            settings.add("model.init.forget_bias: 1.0");
        }
        settings.add("model.init.recurrent: orthogonal");
        if (layers > 1) {
            settings.add(fmt("model.layers: %d", layers - 1));
        }
        job.ifPresent(j -> settings.add(fmt("data.window: %d  (shorter sequences; now %d)",
                Math.max(2, j.data().window() / 2), j.data().window())));
        return Optional.of(new Finding("Vanishing gradients: the lower layers or the recurrence receive almost no "
                + "gradient, so they barely learn", evidence, settings));
    }

    private Optional<Finding> saturated() {
        if (health.isEmpty()) {
            return Optional.empty();
        }
        List<Map<String, Double>> later = health.subList(health.size() / 2, health.size());
        Map<String, Double> mean = new LinkedHashMap<>();
        for (String key : later.get(later.size() - 1).keySet()) {
            if (key.startsWith("saturation_")) {
                mean.put(key, later.stream().mapToDouble(r -> r.getOrDefault(key, 0.0)).average().orElse(0));
            }
        }
        List<String> evidence = new ArrayList<>();
        mean.forEach((k, v) -> {
            if (v >= SATURATED) {
                String[] parts = k.substring("saturation_".length()).split("_");
                String gate = parts[parts.length - 1];
                String layer = k.substring("saturation_".length(), k.length() - gate.length() - 1);
                evidence.add(fmt("layer %s, gate %s: %.0f%% of the activations are saturated (mean of the last %d "
                        + "health rows)", layer, gate, 100 * v, later.size()));
            }
        });
        if (evidence.isEmpty()) {
            return Optional.empty();
        }
        List<String> settings = new ArrayList<>();
        if (job.isPresent() && !job.get().data().standardize()) {
            settings.add("data.standardize: true");
        }
        settings.add(lrSetting(1.0 / 3));
        settings.add("model.init.weights: xavier_uniform");
        settings.add("training.l2: 0.0001");
        return Optional.of(new Finding("Saturated gates: many gate activations sit at 0 or 1 (or +-1), where they "
                + "pass almost no gradient", evidence, settings));
    }

    private Optional<Finding> overfitting() {
        double[] val = column(epochs, "val_loss");
        double[] train = column(epochs, "train_loss");
        if (val.length < OVERFIT_EPOCHS + 1 || val.length != train.length) {
            return Optional.empty();
        }
        int best = argMin(val);
        int last = val.length - 1;
        if (last - best < OVERFIT_EPOCHS || val[last] < val[best] * (1 + OVERFIT_RISE) || !(train[last] < train[best])) {
            return Optional.empty();
        }
        List<String> evidence = List.of(
                fmt("val_loss was lowest at epoch %d (%s) and rose to %s by epoch %d (+%.0f%%)", best + 1, val[best],
                        val[last], last + 1, 100 * (val[last] / val[best] - 1)),
                fmt("meanwhile train_loss fell from %s to %s; the gap val_loss / train_loss is now %.3g", train[best],
                        train[last], val[last] / train[last]));
        List<String> settings = new ArrayList<>();
        if (job.isEmpty() || job.get().training().earlyStopping().isEmpty()) {
            settings.add("training.early_stopping: {patience: 3}");
        }
        if (job.isEmpty() || job.get().model().dropout().output() == 0) {
            settings.add("model.dropout.output: 0.2");
        }
        settings.add("training.l2: 0.0001");
        job.ifPresent(j -> settings.add(fmt("model.hidden: %d  (now %d)", Math.max(1, j.model().hidden() / 2),
                j.model().hidden())));
        settings.add("training.input_noise: 0.05");
        return Optional.of(new Finding("Overfitting: the model keeps fitting the training data while the validation "
                + "loss gets worse", evidence, settings));
    }

    private Optional<Finding> learningRateTooHigh() {
        double[] train = column(epochs, "train_loss");
        List<String> evidence = new ArrayList<>();
        for (int e = 1; e < Math.min(3, train.length); e++) {
            if (train[e] > train[e - 1] * 1.05) {
                evidence.add(fmt("train_loss rose early, from %s (epoch %d) to %s (epoch %d)", train[e - 1], e,
                        train[e], e + 1));
                break;
            }
        }
        if (train.length >= 5) {
            int ups = 0;
            for (int e = 1; e < train.length; e++) {
                ups += train[e] > train[e - 1] ? 1 : 0;
            }
            if (ups >= 0.4 * (train.length - 1)) {
                evidence.add(fmt("train_loss went up in %d of %d epochs: it oscillates", ups, train.length - 1));
            }
        }
        if (train.length >= 2 && train[train.length - 1] > train[0]) {
            evidence.add(fmt("train_loss ends higher (%s) than after the first epoch (%s): training diverges",
                    train[train.length - 1], train[0]));
        }
        double ratio = medianUpdateRatio();
        if (ratio > RATIO_HIGH) {
            evidence.add(fmt("the median update ratio ||update|| / ||weights|| is %.3g per step (about 1e-3 is "
                    + "typical)", ratio));
        }
        if (evidence.isEmpty()) {
            return Optional.empty();
        }
        List<String> settings = new ArrayList<>();
        settings.add(lrSetting(1.0 / 3));
        settings.add("training.lr_schedule: {kind: cosine, warmup_steps: 100}");
        if (job.isEmpty() || job.get().training().clipGradNorm().isEmpty()) {
            settings.add("training.clip_grad_norm: 1.0");
        }
        return Optional.of(new Finding("Learning rate too high: the loss rises, oscillates or diverges", evidence,
                settings));
    }

    private Optional<Finding> learningRateTooLow() {
        double[] train = column(epochs, "train_loss");
        List<String> evidence = new ArrayList<>();
        if (train.length >= 3 && train[0] > 0) {
            double best = Arrays.stream(train).min().orElseThrow();
            double gain = (train[0] - best) / train[0];
            if (gain < 0.02 && gain >= 0) {
                evidence.add(fmt("train_loss barely moved: from %s to at best %s over %d epochs (%.2f%%)", train[0],
                        best, train.length, 100 * gain));
            }
        }
        double ratio = medianUpdateRatio();
        if (ratio < RATIO_LOW) {
            evidence.add(fmt("the median update ratio ||update|| / ||weights|| is %.3g per step (about 1e-3 is "
                    + "typical)", ratio));
        }
        if (evidence.isEmpty()) {
            return Optional.empty();
        }
        List<String> settings = new ArrayList<>();
        settings.add(lrSetting(10));
        if (job.isPresent() && job.get().training().optimizer() == OptimizerKind.SGD) {
            settings.add("training.optimizer: adam");
        }
        return Optional.of(new Finding("Learning rate too low: the weights hardly change and the loss barely moves",
                evidence, settings));
    }

    // ---- helpers ----

    private int layerCount() {
        int layers = 0;
        while (health.get(0).containsKey("grad_norm_ih_l" + layers)) {
            layers++;
        }
        return layers;
    }

    /** A layer's gradient norm over both directions, input and recurrent weights. */
    private static double layerNorm(Map<String, Double> row, int layer) {
        double s = 0;
        for (String suffix : List.of("", "_reverse")) {
            for (String kind : List.of("ih", "hh")) {
                double v = row.getOrDefault("grad_norm_" + kind + "_l" + layer + suffix, 0.0);
                s += v * v;
            }
        }
        return Math.sqrt(s);
    }

    /** The median over health rows of each row's median update ratio of the RNN layers (NaN without rows). */
    private double medianUpdateRatio() {
        double[] perRow = health.stream().mapToDouble(r -> median(r.entrySet().stream()
                .filter(e -> e.getKey().startsWith("update_ratio_l")).mapToDouble(Map.Entry::getValue)
                .toArray())).filter(Double::isFinite).toArray();
        return median(perRow);
    }

    private double[] column(List<Map<String, Double>> rows, String key) {
        return rows.stream().filter(r -> r.containsKey(key)).mapToDouble(r -> r.get(key)).toArray();
    }

    private static long epoch(Map<String, Double> row) {
        return row.getOrDefault("epoch", 0.0).longValue();
    }

    private static int argMin(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] < v[best]) {
                best = i;
            }
        }
        return best;
    }

    static double median(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static final java.util.regex.Pattern SPEC =
            java.util.regex.Pattern.compile("%[-#+ 0,(]*\\d*(?:\\.\\d+)?([a-zA-Z%])");

    /** String.format in Locale.ROOT, with a number given for a {@code %s} shown to 4 significant digits. */
    static String fmt(String format, Object... args) {
        Object[] a = args.clone();
        java.util.regex.Matcher m = SPEC.matcher(format);
        int i = 0;
        while (m.find() && i < a.length) {
            if (m.group(1).equals("%") || m.group(1).equals("n")) {
                continue;
            }
            if (m.group(1).equals("s") && a[i] instanceof Double d) {
                a[i] = Double.isFinite(d) ? String.format(Locale.ROOT, "%.4g", d) : String.valueOf(d);
            }
            i++;
        }
        return String.format(Locale.ROOT, format, a);
    }

    /** {@code training.learning_rate: NEW  (now OLD)}, or in words when the job is not known. */
    private String lrSetting(double factor) {
        if (!Double.isFinite(lr)) {
            return "training.learning_rate: " + (factor < 1 ? "a third of" : "10 times") + " the current rate";
        }
        return fmt("training.learning_rate: %s  (now %s)", lr * factor, lr);
    }
}
