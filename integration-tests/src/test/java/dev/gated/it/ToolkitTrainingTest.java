package dev.gated.it;

import static dev.gated.it.InProcessRuns.assertSameMetrics;
import static dev.gated.it.InProcessRuns.assertSameTensors;
import static dev.gated.it.InProcessRuns.assertStopAndResumeBitIdentical;
import static dev.gated.it.InProcessRuns.run;
import static dev.gated.it.InProcessRuns.weights;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.checkpoint.CheckpointFiles;
import dev.gated.engine.config.JobFiles;
import dev.gated.engine.model.LrSchedule;
import dev.gated.engine.train.MetricsLog;
import dev.gated.engine.train.RunFolder;
import dev.gated.engine.train.TrainingJob;
import dev.gated.engine.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The training toolkit through whole training jobs on the CPU backend, in process: early stopping on a run whose
 * validation loss rises, and exact resumption (bit-identical weights and metrics) of runs with every schedule and
 * with dropout, input noise, penalties and clipping switched on.
 */
class ToolkitTrainingTest {
    @TempDir
    Path tmp;

    /**
     * A two-column series: the target b equals the input a in the training part and -a afterwards, so the better
     * the model learns the training relation, the worse its validation loss.
     */
    private Path risingValidationCsv() throws IOException {
        StringBuilder sb = new StringBuilder("t,a,b\n");
        int n = 400;
        for (int t = 0; t < n; t++) {
            double a = Math.sin(0.37 * t) + 0.5 * Math.sin(0.11 * t + 1);
            double b = t < 0.7 * n ? a : -a;
            sb.append(t).append(',').append(String.format(Locale.ROOT, "%.6f,%.6f", a, b)).append('\n');
        }
        Path csv = tmp.resolve("flip.csv");
        Files.writeString(csv, sb);
        return csv;
    }

    private Path job(String name, Path csv, int epochs, String extraTraining, String extraModel) throws IOException {
        Path job = tmp.resolve(name + ".yaml");
        Files.writeString(job, String.join("\n",
                "data:",
                "  kind: csv",
                "  path: " + csv.toAbsolutePath(),
                "  input_columns: [a]",
                "  target_columns: [b]",
                "  window: 12",
                "  split: [0.7, 0.15, 0.15]",
                "model:",
                "  cell: gru",
                "  hidden: 8",
                extraModel,
                "task:",
                "  kind: forecast",
                "training:",
                "  optimizer: adam",
                "  learning_rate: 0.01",
                "  batch_size: 16",
                "  epochs: " + epochs,
                "  seed: 3",
                "  device: cpu",
                "  checkpoint_every_steps: 5",
                extraTraining,
                "output:",
                "  dir: " + tmp.resolve("out").toAbsolutePath(),
                "  plots: false",
                ""));
        return job;
    }

    @Test
    void earlyStoppingStopsWhenValidationLossRisesAndRestoresTheBestWeights() throws IOException {
        Path csv = risingValidationCsv();
        List<String> notes = new ArrayList<>();
        TrainingJob.Result r = run(job("es", csv, 40, "  early_stopping: {metric: val_loss, patience: 3}", ""),
                "es", RunFolder.Resume.NEVER, 0, notes);
        List<Map<String, Double>> rows = MetricsLog.read(r.runDir().resolve(MetricsLog.JSONL));
        assertTrue(rows.size() < 40, "stopped before the last epoch, ran " + rows.size());
        int best = r.summary().get("best_epoch").intValue();
        assertEquals(rows.size(), best + 3, "stops 3 epochs (patience) after the best one");
        double bestLoss = rows.get(best - 1).get("val_loss");
        for (Map<String, Double> row : rows) {
            assertTrue(row.get("val_loss") >= bestLoss, "epoch " + row.get("epoch") + " beat the best epoch");
        }
        assertEquals(bestLoss, r.summary().get("best_val_loss"));
        assertEquals(rows.size(), r.summary().get("stopped_early_after_epoch").intValue());
        assertTrue(notes.stream().anyMatch(n -> n.startsWith("early stopping after epoch " + rows.size()
                + ": val_loss has not improved")), notes::toString);
        Path checkpoints = r.runDir().resolve("checkpoints");
        assertSameTensors("model.safetensors = best checkpoint", weights(r.runDir()),
                CheckpointFiles.read(checkpoints.resolve("best.safetensors")).modelTensors());
        assertFalse(java.util.Arrays.equals(weights(r.runDir()).get("rnn.weight_hh_l0").toFloatArray(),
                CheckpointFiles.read(checkpoints.resolve("last.safetensors")).modelTensors().get("rnn.weight_hh_l0")
                        .toFloatArray()), "the last epoch's weights differ from the best epoch's");

        TrainingJob.Result keep = run(job("es-last", csv, 40, "  early_stopping: {patience: 3, restore_best: false}",
                ""), "es-last", RunFolder.Resume.NEVER, 0, new ArrayList<>());
        assertSameTensors("restore_best false keeps the last weights", weights(keep.runDir()),
                CheckpointFiles.read(keep.runDir().resolve("checkpoints/last.safetensors")).modelTensors());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "{kind: cosine, warmup_steps: 7, min_lr: 0.0001}",
        "{kind: one_cycle, max_lr: 0.02}",
        "{kind: step, step_size: 2, gamma: 0.5}",
        "{kind: exponential, gamma: 0.8}",
        "{kind: reduce_on_plateau, patience: 0, factor: 0.5}"})
    void aStoppedAndResumedRunEndsBitIdenticalWithEveryToolkitOptionOn(String schedule) throws IOException {
        Path csv = risingValidationCsv();
        String training = String.join("\n",
                "  lr_schedule: " + schedule,
                "  early_stopping: {patience: 4, min_delta: 0.0001}",
                "  clip_grad_norm: 0.5",
                "  clip_grad_value: 0.05",
                "  l1: 0.0001",
                "  l2: 0.001",
                "  input_noise: 0.05");
        String model = "  init: {weights: xavier_uniform, recurrent: orthogonal, head: xavier_normal}\n"
                + "  dropout: {input: 0.1, output: 0.2}";
        Path job = job("resume", csv, 6, training, model);
        List<TrainingListener.Step> steps = new ArrayList<>();
        TrainingJob.Result a = run(job, "a", RunFolder.Resume.NEVER, 0, new ArrayList<>(), steps);
        assertTrue(a.finished());
        // Stop B at a step inside the second epoch, then resume it in a fresh model, optimizer and trainer.
        TrainingJob.Result b2 = assertStopAndResumeBitIdentical(job, "b", 23, a);
        assertSameMetrics(a.runDir(), b2.runDir(), List.of("train_loss", "val_loss", "lr", "grad_norm",
                "grad_norm_max"));
        List<Map<String, Double>> ra = MetricsLog.read(a.runDir().resolve(MetricsLog.JSONL));
        double first = ra.get(0).get("lr");
        assertTrue(ra.stream().anyMatch(row -> !row.get("lr").equals(first)), "the schedule changed the rate: " + ra);
        // Every step ran at its schedule's rate for (0-based step, 0-based epoch) over the whole run's length.
        LrSchedule lrs = JobFiles.load(job).training().lrSchedule();
        if (!(lrs instanceof LrSchedule.ReduceOnPlateau)) {
            long perEpoch = steps.stream().filter(st -> st.epoch() == 1).count();
            for (TrainingListener.Step st : steps) {
                assertEquals(lrs.lr(0.01, st.step() - 1, st.epoch() - 1, perEpoch * 6), st.learningRate(),
                        "rate of step " + st.step());
            }
        }
        // grad_norm is the norm before clipping: the mean and the largest of the steps' norms, some above the
        // clip_grad_norm of 0.5 that the update used.
        assertTrue(steps.stream().anyMatch(st -> st.gradNorm() > 0.5), "norms are logged before clipping");
        for (Map<String, Double> row : ra) {
            int epoch = row.get("epoch").intValue();
            double[] norms = steps.stream().filter(st -> st.epoch() == epoch).mapToDouble(TrainingListener.Step::gradNorm)
                    .toArray();
            double mean = java.util.Arrays.stream(norms).sum() / norms.length;
            assertEquals(mean, row.get("grad_norm"), 1e-12 * mean, "epoch " + epoch + " grad_norm");
            assertEquals(java.util.Arrays.stream(norms).max().orElseThrow(), row.get("grad_norm_max"),
                    "epoch " + epoch + " grad_norm_max");
            TrainingListener.Step last = steps.stream().filter(st -> st.epoch() == epoch)
                    .reduce((x, y) -> y).orElseThrow();
            assertEquals(last.learningRate(), row.get("lr"), "lr column: the epoch's last step's rate");
        }
    }

    @Test
    void warmupLongerThanTheRunIsRejectedBeforeTheFirstStep() throws IOException {
        Path job = job("warm", risingValidationCsv(), 2, "  lr_schedule: {kind: cosine, warmup_steps: 1000}", "");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(job, "warm", RunFolder.Resume.NEVER, 0, new ArrayList<>()));
        assertTrue(e.getMessage().startsWith("training.lr_schedule.warmup_steps: 1000 warmup steps, but the run has "
                + "only"), e.getMessage());
        assertNotEquals(-1, e.getMessage().indexOf("epochs x"));
    }
}
