package dev.gated.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gated.engine.config.JobFiles;
import dev.gated.engine.model.Optimizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A job file's optimizer keys reach {@link Optimizer.Settings} unchanged, each in its own place. */
class OptimizerSettingsTest {
    @TempDir
    Path dir;

    private Optimizer.Settings settings(String training) throws IOException {
        Path p = dir.resolve("job.yaml");
        Files.writeString(p, "data: {kind: npy, path: arrays}\ntask: {kind: regression}\ntraining:\n"
                + "  learning_rate: 0.02\n  weight_decay: 0.003\n" + training);
        return TrainingJob.optimizerSettings(JobFiles.load(p, List.of()).training());
    }

    @Test
    void everyOptimizerGetsItsOwnSettings() throws IOException {
        assertEquals(Optimizer.Settings.sgd(0.02, 0.9, 0.003, true),
                settings("  optimizer: sgd\n  momentum: 0.9\n  nesterov: true\n"));
        assertEquals(Optimizer.Settings.adam(Optimizer.Kind.ADAM, 0.02, 0.003, 0.8, 0.95, 1e-6),
                settings("  optimizer: adam\n  betas: [0.8, 0.95]\n  eps: 1.0e-6\n"));
        assertEquals(Optimizer.Settings.adam(Optimizer.Kind.ADAMW, 0.02, 0.003),
                settings("  optimizer: adamw\n"));
        assertEquals(Optimizer.Settings.rmsprop(0.02, 0.9, 1e-7, 0.003, 0.5, true),
                settings("  optimizer: rmsprop\n  alpha: 0.9\n  eps: 1.0e-7\n  momentum: 0.5\n  centered: true\n"));
        assertEquals(Optimizer.Settings.rmsprop(0.02, 0.99, 1e-8, 0.003, 0, false),
                settings("  optimizer: rmsprop\n"));
        assertEquals(Optimizer.Settings.adagrad(0.02, 0.01, 0.003, 1e-10, 0.1),
                settings("  optimizer: adagrad\n  lr_decay: 0.01\n  initial_accumulator_value: 0.1\n"));
    }
}
