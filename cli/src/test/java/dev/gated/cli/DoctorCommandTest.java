package dev.gated.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gated doctor} on synthetic run folders, one per problem it names (and a healthy one), and on a real short
 * training run.
 */
class DoctorCommandTest {
    @TempDir
    Path tmp;

    private record Result(int code, String out, String err) {
    }

    private static Result doctor(Path run) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Gated.run(new PrintWriter(out), new PrintWriter(err), "doctor", run.toString());
        return new Result(code, out.toString(), err.toString());
    }

    private static final String JOB = """
            data:
              kind: csv
              path: /nonexistent/series.csv
              input_columns: [a]
              target_columns: [a]
            model:
              cell: lstm
              layers: 2
              hidden: 32
            task:
              kind: forecast
            training:
              learning_rate: 0.01
            %s
            """;

    /** A run folder with a job (extra training keys), epoch rows and health rows. */
    private Path run(String name, String training, List<Map<String, Double>> epochs, List<Map<String, Double>> health)
            throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.writeString(dir.resolve("job.yaml"), String.format(Locale.ROOT, JOB, training));
        Files.writeString(dir.resolve("metrics.jsonl"), jsonl(epochs));
        if (health != null) {
            Files.writeString(dir.resolve("health.jsonl"), jsonl(health));
        }
        return dir;
    }

    private static String jsonl(List<Map<String, Double>> rows) {
        StringBuilder sb = new StringBuilder();
        for (Map<String, Double> row : rows) {
            List<String> fields = new ArrayList<>();
            row.forEach((k, v) -> fields.add("\"" + k + "\":" + (Double.isFinite(v) ? Double.toString(v) : "null")));
            sb.append('{').append(String.join(",", fields)).append("}\n");
        }
        return sb.toString();
    }

    private static Map<String, Double> row(Object... kv) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], ((Number) kv[i + 1]).doubleValue());
        }
        return m;
    }

    private static List<Map<String, Double>> epochs(int n, IntFunction<Map<String, Double>> f) {
        List<Map<String, Double>> rows = new ArrayList<>();
        for (int e = 1; e <= n; e++) {
            Map<String, Double> r = row("epoch", e, "step", 10 * e);
            r.putAll(f.apply(e));
            rows.add(r);
        }
        return rows;
    }

    /** Healthy epochs: both losses fall steadily, gradient norms steady. */
    private static Map<String, Double> healthyEpoch(int e) {
        return row("train_loss", 1.0 / e, "val_loss", 1.1 / e, "lr", 0.01, "grad_norm", 0.5, "grad_norm_max", 0.9);
    }

    /** A health row of a 2-layer LSTM: per-layer norms, update ratios, saturation of every gate. */
    private static Map<String, Double> healthRow(int step, double l0, double l1, double hhOverIh, double ratio,
                                                 double saturation) {
        Map<String, Double> r = row("epoch", 1 + step / 10, "step", step, "loss", 0.5, "grad_norm", 0.5, "lr", 0.01);
        double[] layer = {l0, l1};
        for (int l = 0; l < 2; l++) {
            for (String g : List.of("i", "f", "g", "o")) {
                r.put("grad_norm_l" + l + "_" + g, layer[l] / 2);
            }
            r.put("grad_norm_ih_l" + l, layer[l]);
            r.put("grad_norm_hh_l" + l, layer[l] * hhOverIh);
        }
        r.put("grad_norm_head", 0.3);
        r.put("update_ratio_l0", ratio);
        r.put("update_ratio_l1", ratio);
        r.put("update_ratio_head", ratio);
        for (int l = 0; l < 2; l++) {
            for (String g : List.of("i", "f", "g", "o")) {
                r.put("saturation_l" + l + "_" + g, g.equals("f") && l == 1 ? saturation : 0.02);
            }
        }
        return r;
    }

    private static List<Map<String, Double>> health(int n, IntFunction<Map<String, Double>> f) {
        List<Map<String, Double>> rows = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            rows.add(f.apply(5 * i));
        }
        return rows;
    }

    private static void assertFinding(Result r, String problem, String evidence, String setting) {
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains(problem), () -> "expected '" + problem + "' in\n" + r.out());
        assertTrue(r.out().contains("evidence: " + evidence), () -> "expected evidence '" + evidence + "' in\n"
                + r.out());
        assertTrue(r.out().contains("try:      " + setting), () -> "expected setting '" + setting + "' in\n" + r.out());
    }

    @Test
    void helpSaysWhatItReadsAndThatItExitsZero() {
        StringWriter out = new StringWriter();
        assertEquals(0, Gated.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "doctor", "--help"));
        assertTrue(out.toString().startsWith("Usage: gated doctor"), out.toString());
        assertTrue(out.toString().contains("Exits 0 whatever it finds"), out.toString());
    }

    @Test
    void aHealthyRunHasNoFinding() throws IOException {
        Result r = doctor(run("healthy", "", epochs(8, DoctorCommandTest::healthyEpoch),
                health(8, s -> healthRow(s, 0.4, 0.6, 0.5, 1e-3, 0.1))));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("No problem found."), r.out());
        assertTrue(r.out().contains("train_loss went from 1.000 (epoch 1) to 0.1250 (epoch 8)"), r.out());
        assertFalse(r.out().contains("evidence:"), r.out());
    }

    @Test
    void gradientSpikesAndGrowthAreExplodingGradients() throws IOException {
        Result r = doctor(run("exploding", "", epochs(6, e -> row("train_loss", 1.0 / e, "val_loss", 1.1 / e,
                "grad_norm", Math.pow(3, e), "grad_norm_max", e == 4 ? 50 * Math.pow(3, e) : Math.pow(3, e))), null));
        assertFinding(r, "1. Exploding gradients", "epoch 4: the largest gradient norm 4050 is 50x the epoch's mean 81.00",
                "training.clip_grad_norm: 1.0");
        assertTrue(r.out().contains("the mean gradient norm grew from 3.000 (epoch 1) to 729.0 (epoch 6)"), r.out());
    }

    @Test
    void clippingActiveAtMostStepsIsExplodingGradientsToo() throws IOException {
        Result r = doctor(run("clipping", "  clip_grad_norm: 0.25", epochs(8, DoctorCommandTest::healthyEpoch),
                health(8, s -> healthRow(s, 0.4, 0.6, 0.5, 1e-3, 0.1))));
        assertFinding(r, "Exploding gradients", "clipping was active at 8 of 8 sampled steps (norm above "
                + "clip_grad_norm 0.2500)", "training.learning_rate: 0.003333  (now 0.01000)");
    }

    @Test
    void lowerLayersAndTheRecurrenceFarBelowTheTopAreVanishingGradients() throws IOException {
        Result r = doctor(run("vanishing", "", epochs(8, DoctorCommandTest::healthyEpoch),
                health(8, s -> healthRow(s, 1e-5, 0.6, 1e-3, 1e-3, 0.1))));
        assertFinding(r, "Vanishing gradients", "the gradient norm of layer 0 is 6.00e+04x smaller than that of the "
                + "top layer 1 (median over 8 health rows)", "model.init.forget_bias: 1.0");
        assertTrue(r.out().contains("layer 1: the recurrent weights (weight_hh) get a gradient 1.00e+03x smaller"),
                r.out());
        assertTrue(r.out().contains("try:      model.layers: 1"), r.out());
    }

    @Test
    void aGateSaturatedMostOfTheTimeIsReported() throws IOException {
        Result r = doctor(run("saturated", "", epochs(8, DoctorCommandTest::healthyEpoch),
                health(8, s -> healthRow(s, 0.4, 0.6, 0.5, 1e-3, 0.9))));
        assertFinding(r, "Saturated gates", "layer l1, gate f: 90% of the activations are saturated (mean of the "
                + "last 4 health rows)", "model.init.weights: xavier_uniform");
        assertFalse(r.out().contains("gate i:"), r.out());
    }

    @Test
    void validationLossRisingWhileTrainingLossFallsIsOverfitting() throws IOException {
        Result r = doctor(run("overfit", "", epochs(10, e -> row("train_loss", 1.0 / e, "val_loss",
                e <= 4 ? 1.0 / e : 0.25 + 0.05 * (e - 4), "grad_norm", 0.5, "grad_norm_max", 0.9)), null));
        assertFinding(r, "Overfitting", "val_loss was lowest at epoch 4 (0.2500) and rose to 0.5500 by epoch 10 "
                + "(+120%)", "training.early_stopping: {patience: 3}");
        assertTrue(r.out().contains("try:      model.hidden: 16  (now 32)"), r.out());
        assertFalse(r.out().contains("Learning rate too high"), r.out());
    }

    @Test
    void aLossThatRisesEarlyAndOscillatesMeansTheRateIsTooHigh() throws IOException {
        Result r = doctor(run("high", "", epochs(8, e -> row("train_loss", e % 2 == 0 ? 2.0 + e : 1.0 + e,
                "val_loss", 2.0, "grad_norm", 0.5, "grad_norm_max", 0.9)), null));
        assertFinding(r, "Learning rate too high", "train_loss rose early, from 2.000 (epoch 1) to 4.000 (epoch 2)",
                "training.learning_rate: 0.003333  (now 0.01000)");
        assertTrue(r.out().contains("train_loss ends higher (10.00) than after the first epoch (2.000)"), r.out());
    }

    @Test
    void aFlatLossWithTinyUpdatesMeansTheRateIsTooLow() throws IOException {
        Result r = doctor(run("low", "  optimizer: sgd", epochs(6, e -> row("train_loss", 1.0 - 0.001 * e,
                "val_loss", 1.0 - 0.001 * e, "grad_norm", 0.5, "grad_norm_max", 0.9)),
                health(6, s -> healthRow(s, 0.4, 0.6, 0.5, 1e-7, 0.1))));
        assertFinding(r, "Learning rate too low", "train_loss barely moved: from 0.9990 to at best 0.9940 over 6 "
                + "epochs (0.50%)", "training.learning_rate: 0.1000  (now 0.01000)");
        assertTrue(r.out().contains("the median update ratio ||update|| / ||weights|| is 1.00e-07"), r.out());
        assertTrue(r.out().contains("try:      training.optimizer: adam"), r.out());
    }

    @Test
    void aRunThatDivergedInItsFirstEpochIsDiagnosedFromItsHealthRows() throws IOException {
        Path dir = run("diverged-early", "", List.of(), health(4, step -> {
            Map<String, Double> r = healthRow(step, 1, 1, 1, 1e-3, 0.1);
            r.put("grad_norm", Math.pow(100, step / 5.0));
            return r;
        }));
        Result r = doctor(dir);
        assertFinding(r, "Exploding gradients", "the sampled gradient norm grew from 100.0 (step 5) to 1.000e+08 "
                + "(step 20)", "training.clip_grad_norm: 1.0");
    }

    @Test
    void anUnreadableRunFolderIsAClearError() throws IOException {
        Result missing = doctor(tmp.resolve("nope"));
        assertEquals(ExitCodes.USAGE, missing.code());
        assertTrue(missing.err().contains("is not a folder; expected a run folder"), missing.err());
        Result empty = doctor(Files.createDirectories(tmp.resolve("empty")));
        assertEquals(ExitCodes.USAGE, empty.code());
        assertTrue(empty.err().contains("is not a run folder: it has neither metrics.jsonl nor job.yaml"), empty.err());
        Path broken = run("broken", "", epochs(2, DoctorCommandTest::healthyEpoch), null);
        Files.writeString(broken.resolve("metrics.jsonl"), "{\"epoch\": 1, \"step\"");
        Result bad = doctor(broken);
        assertEquals(ExitCodes.DATA, bad.code());
        assertTrue(bad.err().contains("metrics.jsonl:1: expected one JSON object per line"), bad.err());
    }

    @Test
    void aRealShortRunIsDiagnosed() throws IOException {
        StringBuilder csv = new StringBuilder("t,a\n");
        for (int t = 0; t < 200; t++) {
            csv.append(t).append(',').append(String.format(Locale.ROOT, "%.5f", Math.sin(0.3 * t))).append('\n');
        }
        Path data = Files.writeString(tmp.resolve("wave.csv"), csv);
        Path job = Files.writeString(tmp.resolve("wave.yaml"), String.join("\n",
                "data: {kind: csv, path: " + data + ", input_columns: [a], target_columns: [a], window: 8}",
                "model: {cell: gru, hidden: 8}",
                "task: {kind: forecast}",
                "training: {epochs: 4, batch_size: 16, learning_rate: 0.01, device: cpu, health: {every_steps: 2}}",
                "output: {dir: " + tmp.resolve("runs") + ", plots: true}", ""));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(0, Gated.run(new PrintWriter(out), new PrintWriter(err), "train", job.toString(), "--quiet"),
                err + "\n" + out);
        Path runDir = tmp.resolve("runs/wave");
        assertTrue(Files.isRegularFile(runDir.resolve("health.png")), "the health plot is drawn");
        Result r = doctor(runDir);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("gated doctor: " + runDir + " (4 epochs, "), r.out());
        assertTrue(r.out().contains("No problem found.") || r.out().contains("evidence: "), r.out());
        assertFalse(r.out().contains("note: no health rows"), r.out());
    }
}
