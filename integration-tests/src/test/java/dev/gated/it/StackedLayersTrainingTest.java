package dev.gated.it;

import static dev.gated.it.InProcessRuns.assertSameMetrics;
import static dev.gated.it.InProcessRuns.assertStopAndResumeBitIdentical;
import static dev.gated.it.InProcessRuns.run;
import static dev.gated.it.InProcessRuns.weights;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.Backends;
import dev.gated.engine.backend.DeviceMode;
import dev.gated.engine.data.Curriculum;
import dev.gated.engine.io.HostTensor;
import dev.gated.engine.model.SequenceModel;
import dev.gated.engine.train.MetricsLog;
import dev.gated.engine.train.RunFolder;
import dev.gated.engine.train.TrainedRun;
import dev.gated.engine.train.TrainingJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stacked layers run separately (between-layer dropout, residual, layer and batch norm), length bucketing and the length
 * curriculum through whole training jobs on the CPU backend: exact resumption, the curriculum's lengths per epoch,
 * the padding saved, and the saved run loading back for evaluation.
 */
class StackedLayersTrainingTest {
    @TempDir
    Path tmp;

    static final int LONGEST = 60;

    /** Noisy sine / square sequences of skewed lengths 4..60; the label is the wave's kind. */
    private Path sequencesCsv() throws IOException {
        StringBuilder sb = new StringBuilder("id,x,label\n");
        SplittableRandom rnd = new SplittableRandom(11);
        for (int s = 0; s < 160; s++) {
            double u = rnd.nextDouble();
            int len = s == 0 ? LONGEST : 4 + (int) ((LONGEST - 4) * u * u);
            boolean square = rnd.nextBoolean();
            double f = 0.2 + 0.3 * rnd.nextDouble();
            for (int t = 0; t < len; t++) {
                double v = Math.sin(f * t);
                v = square ? Math.signum(v) : v;
                sb.append(String.format(Locale.ROOT, "s%03d,%.5f,%s%n", s, v + 0.1 * rnd.nextGaussian(),
                        square ? "square" : "sine"));
            }
        }
        Path csv = tmp.resolve("waves.csv");
        Files.writeString(csv, sb);
        return csv;
    }

    private Path job(Path csv, String extraModel, String extraTraining) throws IOException {
        Path job = tmp.resolve("job.yaml");
        Files.writeString(job, String.join("\n",
                "data:",
                "  kind: sequences",
                "  path: " + csv.toAbsolutePath(),
                "  sequence_column: id",
                "  input_columns: [x]",
                "  label_column: label",
                "  split: [0.75, 0.25, 0]",
                "model:",
                "  cell: lstm",
                "  layers: 3",
                "  hidden: 6",
                extraModel,
                "task:",
                "  kind: classify",
                "training:",
                "  learning_rate: 0.02",
                "  batch_size: 16",
                "  epochs: 4",
                "  seed: 5",
                "  device: cpu",
                "  checkpoint_every_steps: 4",
                extraTraining,
                "output:",
                "  dir: " + tmp.resolve("out").toAbsolutePath(),
                "  plots: false",
                ""));
        return job;
    }

    static final String ALL_MODEL = "  residual: true\n  layer_norm: true\n  dropout: {between: 0.2, output: 0.1}";
    static final String ALL_TRAINING = "  bucketing: {buckets: 4}\n  curriculum: {start_length: 5, epochs: 2}";

    @Test
    void aStoppedAndResumedRunEndsBitIdenticalWithEveryOptionOn() throws IOException {
        Path job = job(sequencesCsv(), ALL_MODEL, ALL_TRAINING);
        TrainingJob.Result a = run(job, "a", RunFolder.Resume.NEVER, 0);
        assertTrue(a.finished());
        // 120 training sequences, batch 16: 8 steps per epoch; stop inside epoch 2 (still in the curriculum).
        TrainingJob.Result b2 = assertStopAndResumeBitIdentical(job, "b", 11, a);
        Map<String, HostTensor> wa = weights(a.runDir());
        assertTrue(wa.containsKey("layer_norms.2.weight") && wa.containsKey("rnn.weight_ih_l2"), wa.keySet()::toString);

        assertSameMetrics(a.runDir(), b2.runDir(), List.of("train_loss", "val_loss", "val_accuracy", "grad_norm",
                "padding", "padding_saved", "curriculum_length"));
        List<Map<String, Double>> ra = MetricsLog.read(a.runDir().resolve(MetricsLog.JSONL));
        assertEquals(4, ra.size());
        Curriculum c = new Curriculum(5, 2);
        for (int e = 0; e < ra.size(); e++) {
            // The longest training sequence is LONGEST steps when s000 fell into the training split, else shorter:
            // the column must follow the schedule for whatever the full length is.
            int full = ra.get(ra.size() - 1).get("curriculum_length").intValue();
            assertEquals(c.maxLength(e, full), ra.get(e).get("curriculum_length").intValue(), "epoch " + (e + 1));
            assertTrue(ra.get(e).get("padding_saved") > 0, "bucketing saved padding: " + ra.get(e));
        }
        assertEquals(5, ra.get(0).get("curriculum_length").intValue());

        // The saved run loads back (layer norms included) and evaluates at full length.
        TrainedRun run = TrainedRun.open(a.runDir());
        try (Backend backend = Backends.select(DeviceMode.CPU).backend();
             SequenceModel model = run.model(backend, run.weights("last"))) {
            assertTrue(model.stacking().layerNorm() && model.stacking().residual());
            Map<String, Double> m = run.evaluate(model, run.data(), "validation");
            assertEquals(ra.get(3).get("val_loss"), m.get("val_loss"), 1e-6, "evaluate = the last epoch's val_loss");
        }
    }

    @Test
    void aStoppedAndResumedRunEndsBitIdenticalWithBatchNorm() throws IOException {
        // Batch norm between layers and on the inputs, with residuals, dropout and bucketed variable lengths: the
        // running statistics (buffers) must be checkpointed and restored exactly, like the parameters.
        Path job = job(sequencesCsv(), "  residual: true\n  norm: batch\n  input_norm: batch\n"
                + "  dropout: {between: 0.2}", "  bucketing: {buckets: 4}");
        TrainingJob.Result a = run(job, "a", RunFolder.Resume.NEVER, 0);
        assertTrue(a.finished());
        TrainingJob.Result b2 = assertStopAndResumeBitIdentical(job, "b", 11, a);
        Map<String, HostTensor> wa = weights(a.runDir());
        for (String name : List.of("batch_norms.2.weight", "batch_norms.2.running_var", "input_norm.running_mean",
                "input_norm.num_batches_tracked")) {
            assertTrue(wa.containsKey(name), name + " in " + wa.keySet());
        }
        // model.safetensors holds the best epoch's model, statistics included (counted up to that epoch).
        long bestCount = wa.get("batch_norms.0.num_batches_tracked").toLongArray()[0];
        assertTrue(bestCount > 0 && bestCount <= a.steps(), "num_batches_tracked " + bestCount);
        assertSameMetrics(a.runDir(), b2.runDir(), List.of("train_loss", "val_loss", "val_accuracy", "grad_norm"));

        // The saved run loads back with its running statistics and evaluates with them.
        List<Map<String, Double>> ra = MetricsLog.read(a.runDir().resolve(MetricsLog.JSONL));
        TrainedRun run = TrainedRun.open(a.runDir());
        try (Backend backend = Backends.select(DeviceMode.CPU).backend();
             SequenceModel model = run.model(backend, run.weights("last"))) {
            assertTrue(model.stacking().batchNorm() && model.stacking().inputNorm());
            // Each training step moved the statistics once; evaluation never did.
            assertEquals(a.steps(), model.readBuffer("batch_norms.0.num_batches_tracked").toLongArray()[0]);
            assertEquals(a.steps(), model.readBuffer("input_norm.num_batches_tracked").toLongArray()[0]);
            Map<String, Double> m = run.evaluate(model, run.data(), "validation");
            assertEquals(ra.get(3).get("val_loss"), m.get("val_loss"), 1e-6, "evaluate = the last epoch's val_loss");
        }
    }

    @Test
    void theCurriculumChangesTheFirstEpochsOnly() throws IOException {
        Path csv = sequencesCsv();
        TrainingJob.Result plain = run(job(csv, "", ""), "plain", RunFolder.Resume.NEVER, 0);
        TrainingJob.Result cur = run(job(csv, "", "  curriculum: {start_length: 5, epochs: 2}"), "cur",
                RunFolder.Resume.NEVER, 0);
        List<Map<String, Double>> rp = MetricsLog.read(plain.runDir().resolve(MetricsLog.JSONL));
        List<Map<String, Double>> rc = MetricsLog.read(cur.runDir().resolve(MetricsLog.JSONL));
        assertNotEquals(rp.get(0).get("train_loss"), rc.get(0).get("train_loss"), "epoch 1 trains on short steps");
        assertFalse(rp.get(0).containsKey("curriculum_length"));
    }
}
