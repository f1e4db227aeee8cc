package dev.gated.it;

import static dev.gated.it.InProcessRuns.assertSameMetrics;
import static dev.gated.it.InProcessRuns.assertStopAndResumeBitIdentical;
import static dev.gated.it.InProcessRuns.run;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.checkpoint.CheckpointFiles;
import dev.gated.engine.io.HostTensor;
import dev.gated.engine.train.RunFolder;
import dev.gated.engine.train.TrainingJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every optimizer through whole training jobs on the CPU backend, in process: a run stopped inside its second epoch
 * and resumed from its checkpoint in a fresh model and optimizer ends bit-identical (weights and metrics) to an
 * uninterrupted run, so the checkpoint holds all of each optimizer's state (square_avg, grad_avg, sum, ...).
 */
class OptimizerResumeTest {
    @TempDir
    Path tmp;

    private Path job(String optimizerSettings) throws IOException {
        StringBuilder sb = new StringBuilder("t,a,b\n");
        for (int t = 0; t < 300; t++) {
            double a = Math.sin(0.37 * t) + 0.5 * Math.sin(0.11 * t + 1);
            sb.append(t).append(',').append(String.format(Locale.ROOT, "%.6f,%.6f", a, Math.cos(0.37 * t)))
                    .append('\n');
        }
        Path csv = tmp.resolve("series.csv");
        Files.writeString(csv, sb);
        Path job = tmp.resolve("job.yaml");
        Files.writeString(job, String.join("\n",
                "data:",
                "  kind: csv",
                "  path: " + csv.toAbsolutePath(),
                "  input_columns: [a]",
                "  target_columns: [b]",
                "  window: 12",
                "model:",
                "  cell: lstm",
                "  hidden: 8",
                "task:",
                "  kind: forecast",
                "training:",
                optimizerSettings,
                "  learning_rate: 0.01",
                "  weight_decay: 0.001",
                "  batch_size: 16",
                "  epochs: 3",
                "  seed: 5",
                "  device: cpu",
                "  checkpoint_every_steps: 5",
                "output:",
                "  dir: " + tmp.resolve("out").toAbsolutePath(),
                "  plots: false",
                ""));
        return job;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "  optimizer: sgd\n  momentum: 0.9\n  nesterov: true",
        "  optimizer: adamw\n  betas: [0.8, 0.99]",
        "  optimizer: rmsprop\n  momentum: 0.5\n  centered: true\n  alpha: 0.9",
        "  optimizer: rmsprop",
        "  optimizer: adagrad\n  lr_decay: 0.01\n  initial_accumulator_value: 0.1"})
    void aStoppedAndResumedRunEndsBitIdentical(String optimizer) throws IOException {
        Path job = job(optimizer);
        TrainingJob.Result a = run(job, "a", RunFolder.Resume.NEVER, 0);
        assertTrue(a.finished());
        TrainingJob.Result b = assertStopAndResumeBitIdentical(job, "b", 17, a);
        assertSameMetrics(a.runDir(), b.runDir(), List.of("train_loss", "val_loss", "grad_norm"));
        // The checkpoint carries the optimizer's own state under PyTorch's names.
        Map<String, HostTensor> state = CheckpointFiles.read(a.runDir().resolve("checkpoints/last.safetensors"))
                .optimizerTensors();
        String expected = optimizer.contains("rmsprop") ? "square_avg.rnn.weight_ih_l0"
                : optimizer.contains("adagrad") ? "sum.rnn.weight_ih_l0"
                : optimizer.contains("adamw") ? "exp_avg_sq.rnn.weight_ih_l0" : "momentum_buffer.rnn.weight_ih_l0";
        assertTrue(state.containsKey(expected), () -> expected + " in " + state.keySet());
        if (optimizer.contains("centered")) {
            assertTrue(state.containsKey("grad_avg.head.weight"), state.keySet()::toString);
        }
    }
}
