package dev.gated.it;

import static dev.gated.it.InProcessRuns.assertSameMetrics;
import static dev.gated.it.InProcessRuns.assertSameTensors;
import static dev.gated.it.InProcessRuns.assertStopAndResumeBitIdentical;
import static dev.gated.it.InProcessRuns.run;
import static dev.gated.it.InProcessRuns.weights;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.io.HostTensor;
import dev.gated.engine.train.MetricsLog;
import dev.gated.engine.train.RunFolder;
import dev.gated.engine.train.TrainingDivergedException;
import dev.gated.engine.train.TrainingJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health rows and the non-finite actions through whole training jobs on the CPU backend: the rows' columns and
 * steps, exact resumption with health on, and stop / skip / rollback on a run made to produce NaN.
 */
class HealthTrainingTest {
    @TempDir
    Path tmp;

    private Path csv(double spike) throws IOException {
        StringBuilder sb = new StringBuilder("t,a,b\n");
        for (int t = 0; t < 300; t++) {
            double a = Math.sin(0.37 * t) + 0.5 * Math.sin(0.11 * t + 1);
            // Targets near float32's largest value in rows 40..71: unshuffled batches of 16 windows (window 10,
            // so batch k's targets are rows 16k+10 .. 16k+25) hold 2, 16 and 14 of them (batches 2, 3 and 4), and the head bias gradient, a float32 sum of 2(pred - y)/16 over the
            // batch, overflows for the 3rd and 4th (16 or 14 times 4.1e37 > 3.4e38): two bad batches per epoch.
            double b = t >= 40 && t < 72 ? spike : Math.cos(0.37 * t);
            sb.append(t).append(',').append(String.format(Locale.ROOT, "%.6f,%s", a, Double.toString(b))).append('\n');
        }
        return Files.writeString(tmp.resolve("series-" + spike + ".csv"), sb);
    }

    private Path job(String name, Path csv, int epochs, String training) throws IOException {
        return Files.writeString(tmp.resolve(name + ".yaml"), String.join("\n",
                "data:",
                "  kind: csv",
                "  path: " + csv.toAbsolutePath(),
                "  input_columns: [a]",
                "  target_columns: [b]",
                "  window: 10",
                "  standardize: false",
                "model:",
                "  cell: lstm",
                "  layers: 2",
                "  hidden: 6",
                "task:",
                "  kind: forecast",
                "forecast:",
                "  target: value",
                "  difference: 0",
                "training:",
                "  batch_size: 16",
                "  epochs: " + epochs,
                "  seed: 3",
                "  device: cpu",
                "  checkpoint_every_steps: 4",
                training,
                "output:",
                "  dir: " + tmp.resolve("out").toAbsolutePath(),
                "  plots: false",
                ""));
    }

    @Test
    void healthRowsEveryNStepsSurviveAStopAndResumeBitIdentically() throws IOException {
        Path job = job("h", csv(0.5), 3, "  health: {every_steps: 3, sequences: 4}");
        TrainingJob.Result a = run(job, "a", RunFolder.Resume.NEVER, 0, new ArrayList<>());
        List<Map<String, Double>> rows = MetricsLog.read(a.runDir().resolve(RunFolder.HEALTH_JSONL));
        assertEquals(a.steps() / 3, rows.size(), "one row every 3 steps");
        for (int i = 0; i < rows.size(); i++) {
            Map<String, Double> r = rows.get(i);
            assertEquals(3.0 * (i + 1), r.get("step"));
            for (String l : List.of("l0", "l1")) {
                for (String g : List.of("i", "f", "g", "o")) {
                    assertTrue(r.get("grad_norm_" + l + "_" + g) >= 0, r::toString);
                    double s = r.get("saturation_" + l + "_" + g);
                    assertTrue(s >= 0 && s <= 1, r::toString);
                }
                assertTrue(r.get("update_ratio_" + l) > 0, r::toString);
            }
            assertTrue(r.get("update_ratio_head") > 0, r::toString);
        }
        assertTrue(Files.readString(a.runDir().resolve(RunFolder.HEALTH_CSV)).startsWith("epoch,step,loss,grad_norm,"));

        // Stopped at step 10 (after the step-8 checkpoint, the rows of steps 9 is dropped on resume), then resumed.
        TrainingJob.Result b2 = assertStopAndResumeBitIdentical(job, "b", 10, a);
        assertEquals(rows, MetricsLog.read(b2.runDir().resolve(RunFolder.HEALTH_JSONL)),
                "the resumed run's health rows equal the uninterrupted run's");
        assertEquals(Files.readString(a.runDir().resolve(RunFolder.HEALTH_CSV)),
                Files.readString(b2.runDir().resolve(RunFolder.HEALTH_CSV)));
    }

    @Test
    void stopNamesTheStepAndTheFirstNonFiniteTensor() throws IOException {
        Path job = job("stop", csv(3.3e38), 2, "  shuffle: false\n  health: {every_steps: 0}");
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> run(job, "stop", RunFolder.Resume.NEVER, 0, new ArrayList<>()));
        assertTrue(e.getMessage().startsWith("training diverged at step 3 (epoch 1, batch 3): the loss is finite"),
                e.getMessage());
        assertTrue(e.getMessage().contains("; the first non-finite gradient is "), e.getMessage());
    }

    @Test
    void skipDropsTheBadBatchesUpdateAndCountsIt() throws IOException {
        Path job = job("skip", csv(3.3e38), 3, "  shuffle: false\n  on_nonfinite: skip\n  health: {every_steps: 1}");
        List<String> warnings = new ArrayList<>();
        TrainingJob.Result r = run(job, "skip", RunFolder.Resume.NEVER, 0, warnings);
        assertTrue(r.finished());
        List<Map<String, Double>> epochs = MetricsLog.read(r.runDir().resolve(MetricsLog.JSONL));
        double skipped = 0;
        for (Map<String, Double> row : epochs) {
            assertEquals(2.0, row.get("skipped_batches"), "batches 3 and 4 of every epoch: " + row);
            assertTrue(Double.isFinite(row.get("train_loss")), row::toString);
            skipped += row.get("skipped_batches");
        }
        assertEquals(skipped, r.summary().get("skipped_batches"));
        assertEquals(List.of(3, 4, 3, 4, 3, 4), warnings.stream().filter(w -> w.startsWith("skipped batch "))
                .map(w -> Integer.parseInt(w.split(" ")[2])).toList(), warnings::toString);
        for (HostTensor t : weights(r.runDir()).values()) {
            for (float v : t.toFloatArray()) {
                assertTrue(Float.isFinite(v));
            }
        }
        // No health row for a skipped step: every step but the six skipped ones has one.
        assertEquals(r.steps() - 6, MetricsLog.read(r.runDir().resolve(RunFolder.HEALTH_JSONL)).size());

        // Stopped in epoch 2 after its skipped batches and resumed: the counts come back from the checkpoint.
        TrainingJob.Result b2 = assertStopAndResumeBitIdentical(job, "skip-b", 18, r);
        assertEquals(6.0, b2.summary().get("skipped_batches"));
        assertSameMetrics(r.runDir(), b2.runDir(),
                List.of("step", "train_loss", "val_loss", "grad_norm", "grad_norm_max", "skipped_batches"));
    }

    @Test
    void rollbackRestoresTheLastGoodStateWithALowerRateAndEndsAsARunStartedAtThatRate() throws IOException {
        // SGD at 1e30 blows up within a few steps; one rollback with factor 1e-31 continues at 0.1 from the start
        // (no checkpoint yet), so the run must equal one that used that rate from the first step.
        Path data = csv(0.5);
        double lowered = 1e-31 * 1e30;
        List<String> warnings = new ArrayList<>();
        TrainingJob.Result r = run(job("rb", data, 2, String.join("\n", "  optimizer: sgd", "  learning_rate: 1.0e30",
                "  on_nonfinite: rollback", "  rollback_lr_factor: 1.0e-31", "  health: {every_steps: 1}")), "rb",
                RunFolder.Resume.NEVER, 0, warnings);
        assertTrue(r.finished());
        assertEquals(1.0, r.summary().get("rollbacks"));
        assertTrue(warnings.stream().anyMatch(w -> w.contains("rolled back to step 0")), warnings::toString);
        TrainingJob.Result plain = run(job("plain", data, 2, String.join("\n", "  optimizer: sgd",
                "  learning_rate: " + lowered, "  health: {every_steps: 1}")), "plain", RunFolder.Resume.NEVER, 0,
                new ArrayList<>());
        assertSameTensors("model.safetensors", weights(plain.runDir()), weights(r.runDir()));
        assertEquals(MetricsLog.read(plain.runDir().resolve(RunFolder.HEALTH_JSONL)),
                MetricsLog.read(r.runDir().resolve(RunFolder.HEALTH_JSONL)),
                "the rows of the abandoned steps are gone, the rest equal the plain run's");

        // A batch that is bad whatever the rate: rollbacks run out and the run stops with the diagnostic.
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> run(job("rb-out",
                csv(3.3e38), 2, "  shuffle: false\n  on_nonfinite: rollback\n  max_rollbacks: 2"), "rb-out", RunFolder.Resume.NEVER, 0,
                new ArrayList<>()));
        assertTrue(e.getMessage().contains("after 2 rollbacks (training.max_rollbacks)"), e.getMessage());
    }
}
