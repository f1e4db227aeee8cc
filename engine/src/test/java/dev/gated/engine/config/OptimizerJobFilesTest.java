package dev.gated.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code training.optimizer} and the optimizers' own keys: values, torch.optim's defaults, errors, round trip. */
class OptimizerJobFilesTest {
    @TempDir
    Path dir;

    private static final String BASE = """
            data:
              kind: npy
              path: arrays
            task:
              kind: regression
            training:
            """;

    private TrainingConfig load(String training) throws IOException {
        Path p = dir.resolve("job.yaml");
        Files.writeString(p, BASE + training);
        return JobFiles.load(p).training();
    }

    @Test
    void everyOptimizerKeyIsReadIntoTypedValues() throws IOException {
        TrainingConfig r = load("  optimizer: rmsprop\n  momentum: 0.5\n  alpha: 0.9\n  eps: 1.0e-6\n"
                + "  centered: true\n  weight_decay: 0.01\n");
        assertEquals(OptimizerKind.RMSPROP, r.optimizer());
        assertEquals(0.5, r.momentum());
        assertEquals(0.01, r.weightDecay());
        assertEquals(new OptimizerOptions(false, 0.9, 0.999, 1e-6, 0.9, true, 0, 0), r.optimizerOptions());

        TrainingConfig a = load("  optimizer: adagrad\n  lr_decay: 0.01\n  initial_accumulator_value: 0.1\n"
                + "  eps: 1.0e-8\n");
        assertEquals(OptimizerKind.ADAGRAD, a.optimizer());
        assertEquals(new OptimizerOptions(false, 0.9, 0.999, 1e-8, 0.99, false, 0.01, 0.1), a.optimizerOptions());

        TrainingConfig s = load("  optimizer: sgd\n  momentum: 0.9\n  nesterov: true\n");
        assertTrue(s.optimizerOptions().nesterov());

        TrainingConfig w = load("  optimizer: adamw\n  betas: [0.8, 0.99]\n  eps: 1.0e-7\n");
        assertEquals(0.8, w.optimizerOptions().beta1());
        assertEquals(0.99, w.optimizerOptions().beta2());
        assertEquals(1e-7, w.optimizerOptions().eps());
    }

    @Test
    void defaultsAreTorchOptimsAndAdagradsEpsIsSmaller() throws IOException {
        assertEquals(new OptimizerOptions(false, 0.9, 0.999, 1e-8, 0.99, false, 0, 0),
                load("  optimizer: rmsprop\n").optimizerOptions());
        assertEquals(1e-10, load("  optimizer: adagrad\n").optimizerOptions().eps());
        assertEquals(1e-8, load("  optimizer: adam\n").optimizerOptions().eps());
        assertEquals(OptimizerOptions.defaults(OptimizerKind.ADAM), load("  epochs: 2\n").optimizerOptions());
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                Arguments.of("alpha with adam", "  alpha: 0.9\n",
                        List.of("job.yaml:7:3:", "training.alpha: 'alpha' applies only to optimizer rmsprop, found "
                                + "optimizer adam")),
                Arguments.of("eps with sgd", "  optimizer: sgd\n  eps: 1.0e-8\n",
                        List.of("training.eps: 'eps' applies only to optimizers adam, adamw, rmsprop, adagrad, "
                                + "found optimizer sgd")),
                Arguments.of("lr_decay with rmsprop", "  optimizer: rmsprop\n  lr_decay: 0.1\n",
                        List.of("training.lr_decay: 'lr_decay' applies only to optimizer adagrad")),
                Arguments.of("betas with adagrad", "  optimizer: adagrad\n  betas: [0.9, 0.99]\n",
                        List.of("training.betas: 'betas' applies only to optimizers adam, adamw")),
                Arguments.of("momentum with adagrad", "  optimizer: adagrad\n  momentum: 0.9\n",
                        List.of("training.momentum: momentum applies only to optimizers sgd and rmsprop, found "
                                + "optimizer adagrad")),
                Arguments.of("nesterov without momentum", "  optimizer: sgd\n  nesterov: true\n",
                        List.of("training.nesterov: nesterov needs momentum > 0")),
                Arguments.of("nesterov with rmsprop", "  optimizer: rmsprop\n  momentum: 0.9\n  nesterov: true\n",
                        List.of("training.nesterov: 'nesterov' applies only to optimizer sgd, found optimizer "
                                + "rmsprop")),
                Arguments.of("betas of length 3", "  betas: [0.9, 0.99, 0.999]\n",
                        List.of("training.betas: expected a list of 2 numbers [beta1, beta2], found a list of 3")),
                Arguments.of("beta2 = 1", "  betas: [0.9, 1]\n",
                        List.of("training.betas[1]: expected a number in [0, 1), found 1")),
                Arguments.of("betas not a list", "  betas: 0.9\n",
                        List.of("training.betas: expected a list of 2 numbers [beta1, beta2], found 0.9")),
                Arguments.of("eps 0", "  optimizer: rmsprop\n  eps: 0\n",
                        List.of("training.eps: expected a number > 0, found 0")),
                Arguments.of("alpha 1", "  optimizer: rmsprop\n  alpha: 1.0\n",
                        List.of("training.alpha: expected a number in [0, 1), found 1.0")),
                Arguments.of("centered not boolean", "  optimizer: rmsprop\n  centered: yes please\n",
                        List.of("training.centered: expected true or false")),
                Arguments.of("negative lr_decay", "  optimizer: adagrad\n  lr_decay: -0.1\n",
                        List.of("training.lr_decay: expected a number >= 0, found -0.1")),
                Arguments.of("negative initial accumulator", "  optimizer: adagrad\n  initial_accumulator_value: -1\n",
                        List.of("training.initial_accumulator_value: expected a number >= 0, found -1")),
                Arguments.of("misspelt optimizer", "  optimizer: rmsprob\n",
                        List.of("training.optimizer: expected one of sgd, adam, adamw, rmsprop, adagrad, found "
                                + "'rmsprob'; did you mean 'rmsprop'?")),
                Arguments.of("misspelt key", "  optimizer: sgd\n  momentum: 0.9\n  nesterof: true\n",
                        List.of("unknown key 'nesterof' in training; did you mean 'nesterov'?")),
                Arguments.of("misspelt key centred", "  optimizer: rmsprop\n  centred: true\n",
                        List.of("unknown key 'centred' in training; did you mean 'centered'?")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void badOptimizerSettingsGiveClearErrorsAtLoadTime(String name, String training, List<String> fragments)
            throws IOException {
        Path p = dir.resolve("job.yaml");
        Files.writeString(p, BASE + training);
        JobConfigException e = assertThrows(JobConfigException.class, () -> JobFiles.load(p));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "expected '" + f + "' in:\n" + e.getMessage());
        }
    }

    /** The resolved file writes only the keys that apply to the optimizer, so it loads back equal. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"  optimizer: sgd\n  momentum: 0.9\n  nesterov: true\n",
        "  optimizer: adam\n  betas: [0.8, 0.95]\n  eps: 1.0e-6\n",
        "  optimizer: adamw\n  weight_decay: 0.1\n",
        "  optimizer: rmsprop\n  alpha: 0.9\n  centered: true\n  momentum: 0.3\n",
        "  optimizer: adagrad\n  lr_decay: 0.01\n  initial_accumulator_value: 0.1\n"})
    void resolvedOptimizerSettingsLoadBackEqual(String training) throws IOException {
        Path p = dir.resolve("job.yaml");
        Files.writeString(p, BASE + training);
        JobConfig c = JobFiles.load(p);
        Path resolved = dir.resolve("resolved.yaml");
        JobFiles.writeResolved(c, resolved);
        assertEquals(c, JobFiles.load(resolved), () -> JobFiles.toYaml(c));
    }
}
