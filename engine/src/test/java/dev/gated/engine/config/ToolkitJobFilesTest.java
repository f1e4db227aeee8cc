package dev.gated.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.model.Dropout;
import dev.gated.engine.model.EarlyStopping;
import dev.gated.engine.model.Init;
import dev.gated.engine.model.LrSchedule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The training toolkit's job-file keys: schedules, early stopping, initialisers, dropout, penalties, noise. */
class ToolkitJobFilesTest {
    @TempDir
    Path dir;

    static final String BASE = """
            data:
              kind: npy
              path: arrays
            task:
              kind: regression
            """;

    static final String FULL = BASE + """
            model:
              cell: lstm
              init:
                weights: xavier_uniform
                recurrent: orthogonal
                forget_bias: 1.0
                head: kaiming_normal
              dropout:
                input: 0.1
                output: 0.25
            training:
              optimizer: adamw
              weight_decay: 0.01
              clip_grad_norm: 1.0
              clip_grad_value: 0.5
              l1: 1.0e-5
              l2: 0.001
              penalize_biases: true
              input_noise: 0.05
              lr_schedule:
                kind: cosine
                warmup_steps: 100
                min_lr: 1.0e-5
              early_stopping:
                metric: val_mae
                patience: 4
                min_delta: 0.001
                restore_best: false
            """;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void everyToolkitKeyIsReadIntoTypedValues() throws IOException {
        JobConfig c = JobFiles.load(write("job.yaml", FULL));
        assertEquals(new Init(Init.Scheme.XAVIER_UNIFORM, true, Optional.of(1.0), Init.Scheme.KAIMING_NORMAL),
                c.model().init());
        assertEquals(new Dropout(0.1, 0.25), c.model().dropout());
        TrainingConfig t = c.training();
        assertEquals(Optional.of(0.5), t.clipGradValue());
        assertEquals(1e-5, t.l1());
        assertEquals(0.001, t.l2());
        assertTrue(t.penalizeBiases());
        assertEquals(0.05, t.inputNoise());
        assertEquals(new LrSchedule.Cosine(100, 1e-5), t.lrSchedule());
        assertEquals(Optional.of(new EarlyStopping("val_mae", false, 4, 0.001, false)), t.earlyStopping());
        assertEquals(0.01, t.weightDecay(), "AdamW's decoupled weight decay is the optimizer's weight_decay");
    }

    @Test
    void defaultsAreOffAndSchedulesHavePyTorchsDefaults() throws IOException {
        JobConfig c = JobFiles.load(write("job.yaml", BASE));
        assertEquals(Init.DEFAULT, c.model().init());
        assertEquals(Dropout.NONE, c.model().dropout());
        assertEquals(new LrSchedule.Constant(), c.training().lrSchedule());
        assertEquals(Optional.empty(), c.training().earlyStopping());
        assertEquals(0, c.training().l1() + c.training().l2() + c.training().inputNoise());
        JobConfig plateau = JobFiles.load(write("p.yaml", BASE + "training:\n  lr_schedule: reduce_on_plateau\n"));
        assertEquals(new LrSchedule.ReduceOnPlateau("val_loss", false, 0.1, 10, 1e-4, 0, 0),
                plateau.training().lrSchedule());
        JobConfig oneCycle = JobFiles.load(write("o.yaml", BASE + "training:\n  lr_schedule: {kind: one_cycle}\n"));
        assertEquals(new LrSchedule.OneCycle(Optional.empty(), 0.3, 25, 1e4), oneCycle.training().lrSchedule());
        JobConfig step = JobFiles.load(write("s.yaml", BASE + "training:\n  lr_schedule: {kind: step, step_size: 3}\n"));
        assertEquals(new LrSchedule.Step(3, 0.1), step.training().lrSchedule());
        JobConfig es = JobFiles.load(write("e.yaml", BASE.replace("regression", "classify") + """
                training:
                  early_stopping: {metric: val_accuracy, patience: 2}
                """));
        assertEquals(new EarlyStopping("val_accuracy", true, 2, 0, true), es.training().earlyStopping().get(),
                "accuracy is maximised by default, restore_best defaults to true");
    }

    static Stream<Arguments> errors() {
        String t = BASE + "training:\n";
        String m = BASE + "model:\n";
        return Stream.of(
                Arguments.of("negative l2", t + "  l2: -0.1\n", List.of("job.yaml:7:7:", "training.l2: expected a number >= 0, found -0.1")),
                Arguments.of("negative noise", t + "  input_noise: -1\n", List.of("training.input_noise: expected a number >= 0")),
                Arguments.of("clip value 0", t + "  clip_grad_value: 0\n", List.of("training.clip_grad_value: expected a number > 0, found 0")),
                Arguments.of("unknown schedule", t + "  lr_schedule: {kind: cosin}\n",
                        List.of("job.yaml:7:23:", "training.lr_schedule.kind: expected one of constant, step, exponential, cosine, one_cycle, reduce_on_plateau, found 'cosin'; did you mean 'cosine'?")),
                Arguments.of("unknown schedule shorthand", t + "  lr_schedule: expnential\n",
                        List.of("training.lr_schedule: expected one of", "did you mean 'exponential'?")),
                Arguments.of("schedule without kind", t + "  lr_schedule: {gamma: 0.5}\n",
                        List.of("training.lr_schedule.kind: missing required key 'kind'")),
                Arguments.of("key of another schedule", t + "  lr_schedule: {kind: cosine, gamma: 0.5}\n",
                        List.of("training.lr_schedule.gamma: 'gamma' does not apply to lr_schedule kind cosine; its settings are warmup_steps, min_lr")),
                Arguments.of("misspelt schedule key", t + "  lr_schedule: {kind: step, step_size: 2, gama: 0.5}\n",
                        List.of("unknown key 'gama' in training.lr_schedule; did you mean 'gamma'?")),
                Arguments.of("step without step_size", t + "  lr_schedule: {kind: step}\n",
                        List.of("training.lr_schedule.step_size: missing required key 'step_size'")),
                Arguments.of("exponential gamma above 1", t + "  lr_schedule: {kind: exponential, gamma: 1.5}\n",
                        List.of("training.lr_schedule.gamma: expected a number in (0, 1], found 1.5")),
                Arguments.of("negative warmup", t + "  lr_schedule: {kind: cosine, warmup_steps: -5}\n",
                        List.of("training.lr_schedule.warmup_steps: expected an integer >= 0, found -5")),
                Arguments.of("one cycle pct_start 1", t + "  lr_schedule: {kind: one_cycle, pct_start: 1}\n",
                        List.of("training.lr_schedule.pct_start: expected a number in (0, 1), found 1")),
                Arguments.of("plateau factor 1", t + "  lr_schedule: {kind: reduce_on_plateau, factor: 1}\n",
                        List.of("training.lr_schedule.factor: expected a number in (0, 1), found 1")),
                Arguments.of("plateau on an unknown metric", t + "  lr_schedule: {kind: reduce_on_plateau, metric: val_acc}\n",
                        List.of("training.lr_schedule.metric: task regression has no metric 'val_acc'")),
                Arguments.of("patience 0 with restore", t + "  early_stopping: {patience: 0, restore_best: true}\n",
                        List.of("training.early_stopping.patience: expected an integer >= 1, found 0")),
                Arguments.of("early stopping without patience", t + "  early_stopping: {metric: val_loss}\n",
                        List.of("training.early_stopping.patience: missing required key 'patience'")),
                Arguments.of("early stopping metric misspelt", BASE.replace("regression", "classify") + "training:\n  early_stopping: {metric: val_acuracy, patience: 3}\n",
                        List.of("training.early_stopping.metric: task classify has no metric 'val_acuracy'; did you mean 'val_accuracy'?")),
                Arguments.of("early stopping on validation without a validation split",
                        BASE.replace("path: arrays", "path: arrays\n  split: [0.9, 0, 0.1]") + "training:\n  early_stopping: {patience: 3}\n",
                        List.of("job.yaml:8:19:", "training.early_stopping.metric: 'val_loss' needs a validation split")),
                Arguments.of("early stopping bad mode", t + "  early_stopping: {patience: 3, mode: up}\n",
                        List.of("training.early_stopping.mode: expected one of min, max, found 'up'")),
                Arguments.of("early stopping not a mapping", t + "  early_stopping: 3\n",
                        List.of("training.early_stopping: expected a mapping with the keys metric, mode")),
                Arguments.of("dropout 1", m + "  dropout: {input: 1.0}\n",
                        List.of("model.dropout.input: expected a number in [0, 1), found 1.0")),
                Arguments.of("between-layer dropout on one layer", m + "  layers: 1\n  dropout: {between: 0.2}\n",
                        List.of("model.dropout.between: dropout between stacked layers needs layers >= 2, found layers 1")),
                Arguments.of("forget bias on a GRU", m + "  cell: gru\n  init: {forget_bias: 1.0}\n",
                        List.of("model.init.forget_bias: forget_bias applies only to cell lstm")),
                Arguments.of("unknown initialiser", m + "  init: {weights: xavier_unifrm}\n",
                        List.of("model.init.weights: expected one of pytorch_default, xavier_uniform, xavier_normal, kaiming_uniform, kaiming_normal, found 'xavier_unifrm'; did you mean 'xavier_uniform'?")),
                Arguments.of("unknown recurrent initialiser", m + "  init: {recurrent: orthogonl}\n",
                        List.of("model.init.recurrent: expected one of same, orthogonal, found 'orthogonl'; did you mean 'orthogonal'?")),
                Arguments.of("unknown init key", m + "  init: {bias: 0}\n",
                        List.of("unknown key 'bias' in model.init; expected one of weights, recurrent, forget_bias, head")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void badToolkitSettingsGiveClearErrorsAtLoadTime(String name, String text, List<String> fragments)
            throws IOException {
        Path p = write("job.yaml", text);
        JobConfigException e = assertThrows(JobConfigException.class, () -> JobFiles.load(p));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "expected '" + f + "' in:\n" + e.getMessage());
        }
    }

    @Test
    void allToolkitProblemsAreReportedTogether() throws IOException {
        Path p = write("job.yaml", BASE + """
                model:
                  dropout: {input: 2}
                training:
                  l1: -1
                  lr_schedule: {kind: cosne}
                  early_stopping: {patience: 0}
                """);
        JobConfigException e = assertThrows(JobConfigException.class, () -> JobFiles.load(p));
        assertEquals(4, e.problems().size(), e.getMessage());
    }

    @Test
    void resolvedToolkitSettingsLoadBackEqual() throws IOException {
        List<String> schedules = List.of("{kind: step, step_size: 4, gamma: 0.5}", "{kind: exponential, gamma: 0.9}",
                "{kind: one_cycle, max_lr: 0.1, pct_start: 0.2}", "{kind: one_cycle}",
                "{kind: reduce_on_plateau, metric: val_mae, mode: min, patience: 2, cooldown: 1, min_lr: 1.0e-6}",
                "constant");
        for (String s : schedules) {
            JobConfig c = JobFiles.load(write("job.yaml", FULL.replace(
                    "  lr_schedule:\n    kind: cosine\n    warmup_steps: 100\n    min_lr: 1.0e-5\n", "  lr_schedule: " + s
                            + "\n")));
            Path resolved = dir.resolve("resolved.yaml");
            JobFiles.writeResolved(c, resolved);
            assertEquals(c, JobFiles.load(resolved), () -> JobFiles.toYaml(c));
        }
        JobConfig c = JobFiles.load(write("job.yaml", FULL));
        JobFiles.writeResolved(c, dir.resolve("r.yaml"));
        assertEquals(c, JobFiles.load(dir.resolve("r.yaml")));
    }

    @Test
    void nestedOverridesSetKeysInsideMappings() throws IOException {
        Path p = write("job.yaml", BASE + "training:\n  lr_schedule: step\n");
        JobConfig c = JobFiles.load(p, List.of("training.lr_schedule.step_size=2", "training.lr_schedule.gamma=0.5",
                "model.dropout.input=0.2", "training.early_stopping.patience=3"));
        assertEquals(new LrSchedule.Step(2, 0.5), c.training().lrSchedule());
        assertEquals(new Dropout(0.2, 0), c.model().dropout());
        assertEquals(3, c.training().earlyStopping().orElseThrow().patience());
        JobConfigException e = assertThrows(JobConfigException.class, () -> JobFiles.load(p,
                List.of("training.lr_schedule.step_size=2", "training.lr_schedule.gama=0.5", "training.epochs.x=1")));
        assertEquals(List.of("--set training.lr_schedule.gama=0.5: unknown key 'gama' in training.lr_schedule; "
                        + "did you mean 'gamma'?",
                "--set training.epochs.x=1: 'training.epochs' is a single value, not a mapping; expected "
                        + "training.epochs=value"), e.problems());
    }
}
