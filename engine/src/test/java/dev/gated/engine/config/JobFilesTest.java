package dev.gated.engine.config;

import dev.gated.engine.backend.DeviceMode;
import dev.gated.engine.backend.Precision;

import dev.gated.engine.data.timeseries.NanPolicy;

import dev.gated.engine.rnn.CellType;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

class JobFilesTest {
    @TempDir
    Path dir;

    static final String FULL_YAML = """
            data:
              kind: csv
              path: data/air.csv
              input_columns: [temp, humidity]
              target_columns: [temp]
              date_column: date
              window: 48
              horizon: 6
              stride: 2
              split: [0.8, 0.1, 0.1]
              nan_policy: interpolate
            model:
              cell: gru
              layers: 2
              hidden: 128
              bidirectional: true
              head: linear
              init_from: weights/init.safetensors
            task:
              kind: forecast
            training:
              optimizer: sgd
              learning_rate: 0.05
              momentum: 0.9
              weight_decay: 0.0001
              batch_size: 16
              epochs: 3
              shuffle: false
              seed: 7
              clip_grad_norm: 1.5
              device: cpu
              checkpoint_every_steps: 100
              keep_checkpoints: 5
            output:
              dir: out/runs
              name: air-gru
              plots: false
            """;

    static final String FULL_JSON = """
            {
              "data": {"kind": "csv", "path": "data/air.csv", "input_columns": ["temp", "humidity"],
                       "target_columns": ["temp"], "date_column": "date", "window": 48, "horizon": 6,
                       "stride": 2, "split": [0.8, 0.1, 0.1], "nan_policy": "interpolate"},
              "model": {"cell": "gru", "layers": 2, "hidden": 128, "bidirectional": true,
                        "head": "linear", "init_from": "weights/init.safetensors"},
              "task": {"kind": "forecast"},
              "training": {"optimizer": "sgd", "learning_rate": 0.05, "momentum": 0.9, "weight_decay": 1e-4,
                           "batch_size": 16, "epochs": 3, "shuffle": false, "seed": 7, "clip_grad_norm": 1.5,
                           "device": "cpu", "checkpoint_every_steps": 100, "keep_checkpoints": 5},
              "output": {"dir": "out/runs", "name": "air-gru", "plots": false}
            }
            """;

    static final String MINIMAL = """
            data:
              kind: npy
              path: arrays
            task:
              kind: regression
            """;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private JobConfigException fails(String name, String text, String... overrides) throws IOException {
        Path p = write(name, text);
        return assertThrows(JobConfigException.class, () -> JobFiles.load(p, List.of(overrides)));
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), () -> "expected '" + part + "' in:\n" + message);
        }
    }

    @Test
    void fullYamlIsReadIntoTypedValues() throws IOException {
        JobConfig c = JobFiles.load(write("air.yaml", FULL_YAML), List.of());
        JobConfig expected = new JobConfig(
                new DataConfig(DataKind.CSV, Path.of("data/air.csv"), List.of("temp", "humidity"), List.of("temp"),
                        Optional.of("date"), "sequence", "label", 48, 6, 2, new Split(0.8, 0.1, 0.1),
                        Optional.empty(), NanPolicy.INTERPOLATE, true),
                new ModelConfig(CellType.GRU, 2, 128, true, HeadType.LINEAR,
                        Optional.of(Path.of("weights/init.safetensors"))),
                new TaskConfig(TaskKind.FORECAST),
                new TrainingConfig(OptimizerKind.SGD, 0.05, 0.9, 1e-4, 16, 3, false, 7, Optional.of(1.5),
                        DeviceMode.CPU, Optional.of(100L), 5),
                new OutputConfig(Path.of("out/runs"), "air-gru", false));
        assertEquals(expected, c);
    }

    @Test
    void equivalentJsonGivesAnEqualConfig() throws IOException {
        assertEquals(JobFiles.load(write("a.yaml", FULL_YAML)), JobFiles.load(write("a.json", FULL_JSON)));
        assertEquals(JobFiles.load(write("b.yml", FULL_YAML)), JobFiles.load(write("b.json", FULL_JSON)));
    }

    @Test
    void defaultsFillEveryOptionalKey() throws IOException {
        JobConfig c = JobFiles.load(write("sine-wave.yaml", MINIMAL));
        DataConfig d = c.data();
        assertEquals(DataKind.NPY, d.kind());
        assertEquals(Path.of("arrays"), d.path());
        assertEquals(List.of(), d.inputColumns());
        assertEquals(List.of(), d.targetColumns());
        assertEquals(Optional.empty(), d.dateColumn());
        assertEquals(24, d.window());
        assertEquals(1, d.horizon());
        assertEquals(1, d.stride());
        assertEquals(new Split(0.7, 0.15, 0.15), d.split());
        assertEquals(Optional.empty(), d.maxLength());
        assertEquals(NanPolicy.ERROR, d.nanPolicy());
        assertEquals(new ModelConfig(CellType.LSTM, 1, 64, false, HeadType.LINEAR, Optional.empty()), c.model());
        assertEquals(new TaskConfig(TaskKind.REGRESSION), c.task());
        assertEquals(new TrainingConfig(OptimizerKind.ADAM, 1e-3, 0.0, 0.0, 32, 10, true, 42, Optional.empty(),
                DeviceMode.AUTO, Optional.empty(), 3), c.training());
        assertEquals(new OutputConfig(Path.of("runs"), "sine-wave", true), c.output());
    }

    @Test
    void precisionIsReadAndDefaultsToExactFloat32() throws IOException {
        assertEquals(Precision.FP32, JobFiles.load(write("p.yaml", MINIMAL)).training().precision());
        assertEquals(Precision.TF32, JobFiles.load(write("p.yaml", MINIMAL + "training:\n  precision: tf32\n"))
                .training().precision());
        assertEquals(Precision.TF32, JobFiles.load(write("p.yaml", MINIMAL), List.of("training.precision=tf32"))
                .training().precision());
    }

    @Test
    void emptyOptionalSectionsAndExplicitNullsMeanDefaults() throws IOException {
        JobConfig c = JobFiles.load(write("j.yaml", MINIMAL + "model:\ntraining:\n  clip_grad_norm: null\n"
                + "output: {name: ~}\n"));
        assertEquals(JobFiles.load(write("j2.yaml", MINIMAL)).model(), c.model());
        assertEquals(Optional.empty(), c.training().clipGradNorm());
        assertEquals("j", c.output().name());
    }

    @Test
    void recordsAreImmutable() throws IOException {
        JobConfig c = JobFiles.load(write("air.yaml", FULL_YAML));
        assertThrows(UnsupportedOperationException.class, () -> c.data().inputColumns().add("x"));
        java.util.ArrayList<String> cols = new java.util.ArrayList<>(List.of("a"));
        DataConfig d = new DataConfig(DataKind.CSV, Path.of("p"), cols, cols, Optional.empty(), "sequence", "label",
                1, 1, 1, Split.DEFAULT, Optional.empty(), NanPolicy.ERROR, true);
        cols.add("b");
        assertEquals(List.of("a"), d.inputColumns());
        assertThrows(IllegalArgumentException.class, () -> new Split(0.5, 0.2, 0.2));
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                // name, file text, expected message fragments
                Arguments.of("misspelt key", MINIMAL + "training:\n  learnin_rate: 0.1\n",
                        List.of("job.yaml:7:3:", "unknown key 'learnin_rate' in training; did you mean 'learning_rate'?")),
                Arguments.of("misspelt section", MINIMAL + "trainig:\n  epochs: 2\n",
                        List.of("job.yaml:6:1:", "unknown key 'trainig' in the job file; did you mean 'training'?")),
                Arguments.of("unknown key, nothing close", MINIMAL + "model:\n  zzzzzzzz: 1\n",
                        List.of("job.yaml:7:3:", "unknown key 'zzzzzzzz' in model; expected one of cell, layers")),
                Arguments.of("string for a number", MINIMAL + "training:\n  learning_rate: fast\n",
                        List.of("job.yaml:7:18:", "training.learning_rate:", "expected a number > 0",
                                "found the string 'fast'")),
                Arguments.of("quoted number", MINIMAL + "training:\n  learning_rate: \"0.1\"\n",
                        List.of("job.yaml:7:18:", "training.learning_rate:", "found the string '0.1'")),
                Arguments.of("negative rate", MINIMAL + "training:\n  learning_rate: -0.01\n",
                        List.of("job.yaml:7:18:", "training.learning_rate: expected a number > 0, found -0.01")),
                Arguments.of("keep no checkpoints", MINIMAL + "training:\n  keep_checkpoints: 0\n",
                        List.of("job.yaml:7:21:", "training.keep_checkpoints: expected an integer >= 1, found 0")),
                Arguments.of("window for npy", MINIMAL.replace("path: arrays", "path: arrays\n  window: 5"),
                        List.of("job.yaml:4:3:", "'window' applies only when data.kind is csv or text")),
                Arguments.of("bidirectional language model",
                        "data: {kind: text, path: t.txt}\ntask: {kind: language_model}\nmodel: {bidirectional: true}\n",
                        List.of("model.bidirectional: a language model predicts the next character from the past only")),
                Arguments.of("fractional integer", MINIMAL + "training:\n  batch_size: 1.5\n",
                        List.of("job.yaml:7:15:", "training.batch_size: expected an integer >= 1, found 1.5")),
                Arguments.of("zero epochs", MINIMAL + "training:\n  epochs: 0\n",
                        List.of("training.epochs: expected an integer >= 1, found 0")),
                Arguments.of("boolean as string", MINIMAL + "training:\n  shuffle: maybe\n",
                        List.of("training.shuffle: expected true or false, found the string 'maybe'")),
                Arguments.of("split sum", MINIMAL.replace("path: arrays", "path: arrays\n  split: [0.7, 0.2, 0.2]"),
                        List.of("job.yaml:4:10:", "data.split: expected fractions that sum to 1", "sum 1.1")),
                Arguments.of("split length", MINIMAL.replace("path: arrays", "path: arrays\n  split: [0.7, 0.3]"),
                        List.of("data.split: expected a list of 3 fractions [train, validation, test], found a list of 2")),
                Arguments.of("split negative", MINIMAL.replace("path: arrays", "path: arrays\n  split: [1.1, -0.1, 0]"),
                        List.of("data.split[0]: expected a number in (0, 1]", "data.split[1]: expected a number in [0, 1]")),
                Arguments.of("missing required key", "data:\n  path: x.npy\ntask:\n  kind: regression\n",
                        List.of("job.yaml:2:3:", "data.kind: missing required key 'kind' (expected one of csv, npy, text, sequences, words, parallel)")),
                Arguments.of("missing required section", "data:\n  kind: npy\n  path: x\n",
                        List.of("job.yaml:1:1:", "task: missing required section 'task'")),
                Arguments.of("unknown enum value", MINIMAL + "model:\n  cell: lstn\n",
                        List.of("job.yaml:7:9:", "model.cell: expected one of lstm, gru, found 'lstn'; did you mean 'lstm'?")),
                Arguments.of("unknown enum value far off", MINIMAL + "training:\n  optimizer: lbfgs\n",
                        List.of("training.optimizer: expected one of sgd, adam, adamw, rmsprop, adagrad, found 'lbfgs'")),
                Arguments.of("unknown precision", MINIMAL + "training:\n  precision: fp16\n",
                        List.of("job.yaml:7:14:", "training.precision: expected one of fp32, tf32, found 'fp16'")),
                Arguments.of("duplicate key", MINIMAL + "model:\n  hidden: 32\n  hidden: 64\n",
                        List.of("job.yaml:8:3:", "duplicate key 'hidden' (first at line 7)")),
                Arguments.of("section not a mapping", MINIMAL + "model: 3\n",
                        List.of("job.yaml:6:8:", "model: expected a mapping, found 3")),
                Arguments.of("not a mapping at all", "- a\n- b\n",
                        List.of("job.yaml:1:1:", "expected a mapping with the sections data, model, task, forecast, translation, training, output, found a list")),
                Arguments.of("empty file", "",
                        List.of("job.yaml:1:1:", "expected a mapping with the sections", "found null")),
                Arguments.of("yaml syntax", "data:\n  kind: npy\n   path: [x\n",
                        List.of("job.yaml:", "syntax error")),
                Arguments.of("momentum without sgd", MINIMAL + "training:\n  momentum: 0.9\n",
                        List.of("training.momentum: momentum applies only to optimizers sgd and rmsprop, found optimizer adam")),
                Arguments.of("columns for npy", MINIMAL.replace("path: arrays", "path: arrays\n  input_columns: [a]"),
                        List.of("job.yaml:4:3:", "data.input_columns: 'input_columns' applies only when data.kind is csv or sequences")),
                Arguments.of("csv without columns", MINIMAL.replace("kind: npy", "kind: csv"),
                        List.of(
                                "data.target_columns: missing required key 'target_columns'")),
                Arguments.of("text needs language_model", MINIMAL.replace("kind: npy", "kind: text"),
                        List.of("task.kind: task regression needs data.kind npy, found data.kind text")),
                Arguments.of("init_from not safetensors", MINIMAL + "model:\n  init_from: w.pt\n",
                        List.of("model.init_from: expected a path to a .safetensors file, found the string 'w.pt'")),
                Arguments.of("bad run name", MINIMAL + "output:\n  name: a/b\n",
                        List.of("output.name: expected a run name")),
                Arguments.of("huge integer", MINIMAL + "training:\n  seed: 123456789012345678901234567890\n",
                        List.of("training.seed: expected an integer that fits in 64 bits")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void badFilesGiveClearErrors(String name, String text, List<String> fragments) throws IOException {
        JobConfigException e = fails("job.yaml", text);
        assertContains(e.getMessage(), fragments.toArray(String[]::new));
        assertContains(e.getMessage(), "job.yaml");
        assertFalse(e.getMessage().contains("Exception"), e.getMessage());
        assertFalse(e.getMessage().contains("\tat "), e.getMessage());
        assertEquals(0, e.getStackTrace().length);
    }

    @Test
    void allProblemsAreReportedTogetherSortedByLine() throws IOException {
        JobConfigException e = fails("job.yaml", """
                data:
                  kind: npy
                  path: x
                model:
                  layers: 0
                  hiden: 3
                task:
                  kind: regression
                training:
                  learning_rate: 0
                """);
        List<String> p = e.problems();
        assertEquals(3, p.size(), e.getMessage());
        assertTrue(p.get(0).startsWith(dir.resolve("job.yaml") + ":5:11: model.layers"), p.get(0));
        assertTrue(p.get(1).contains(":6:3: unknown key 'hiden' in model; did you mean 'hidden'?"), p.get(1));
        assertTrue(p.get(2).contains(":10:18: training.learning_rate"), p.get(2));
        assertTrue(e.getMessage().startsWith("3 problems in job file " + dir.resolve("job.yaml") + ":"), e.getMessage());
    }

    @Test
    void jsonErrorsHaveJsonLocations() throws IOException {
        JobConfigException e = fails("job.json", "{\"data\": {\"kind\": \"npy\", \"path\": \"x\"},\n"
                + " \"task\": {\"kind\": \"regression\"},\n \"training\": {\"epochs\": \"ten\"}}");
        assertContains(e.getMessage(), "job.json:3:25: training.epochs: expected an integer >= 1, found the string 'ten'");
        JobConfigException syntax = fails("bad.json", "{\"data\": {\"kind\": \"npy\",}\n}");
        assertContains(syntax.getMessage(), "bad.json:1:25: syntax error:", "double-quote");
        JobConfigException dup = fails("dup.json", "{\"task\": {\"kind\": \"regression\"},\n\"task\": {}}");
        assertContains(dup.getMessage(), "dup.json:2:1: duplicate key 'task' (first at line 1)");
    }

    @Test
    void unreadableOrUnsupportedFiles() throws IOException {
        JobConfigException missing = assertThrows(JobConfigException.class,
                () -> JobFiles.load(dir.resolve("nope.yaml"), List.of()));
        assertContains(missing.getMessage(), "nope.yaml: no such job file");
        JobConfigException ext = fails("job.txt", MINIMAL);
        assertContains(ext.getMessage(), "job.txt: expected a job file ending in .yaml, .yml or .json");
    }

    @Test
    void overridesApplyBeforeValidation() throws IOException {
        Path p = write("job.yaml", MINIMAL + "training:\n  learning_rate: 0.5\n");
        JobConfig c = JobFiles.load(p, List.of("training.learning_rate=0.01", "model.cell=gru",
                "data.split=[0.8, 0.2, 0]", "training.shuffle=false", "output.name=x1", "training.seed=-3",
                "training.clip_grad_norm=2"));
        assertEquals(0.01, c.training().learningRate());
        assertEquals(CellType.GRU, c.model().cell());
        assertEquals(new Split(0.8, 0.2, 0), c.data().split());
        assertFalse(c.training().shuffle());
        assertEquals("x1", c.output().name());
        assertEquals(-3, c.training().seed());
        assertEquals(Optional.of(2.0), c.training().clipGradNorm());
        // An override can also fix an invalid file, and an empty value restores the default.
        Path bad = write("bad.yaml", MINIMAL + "training:\n  learning_rate: -1\n");
        assertEquals(1e-3, JobFiles.load(bad, List.of("training.learning_rate=")).training().learningRate());
    }

    @Test
    void badOverridesAreReported() throws IOException {
        Path p = write("job.yaml", MINIMAL);
        JobConfigException e = assertThrows(JobConfigException.class, () -> JobFiles.load(p,
                List.of("training.learnin_rate=0.1", "trainig.epochs=2", "epochs", "training.epochs=many")));
        List<String> lines = e.problems();
        assertEquals(4, lines.size(), e.getMessage());
        assertEquals("--set training.learnin_rate=0.1: unknown key 'learnin_rate' in training; "
                + "did you mean 'learning_rate'?", lines.get(0));
        assertEquals("--set trainig.epochs=2: unknown key 'trainig' in the job file; did you mean 'training'?",
                lines.get(1));
        assertEquals("--set epochs: expected section.key=value (like training.learning_rate=0.01) or "
                + "section.key.key=value (like training.lr_schedule.kind=cosine)", lines.get(2));
        assertEquals("--set training.epochs=many: training.epochs: expected an integer >= 1, found the string 'many'",
                lines.get(3));
    }

    @Test
    void resolvedFileLoadsBackEqual() throws IOException {
        for (String[] job : new String[][] {{"air.yaml", FULL_YAML}, {"air.json", FULL_JSON}, {"min.yaml", MINIMAL},
                {"seq.yaml", MINIMAL.replace("kind: npy", "kind: sequences") + "data_:\n"},
                {"lm.yml", "data: {kind: text, path: t.txt}\ntask: {kind: language_model}\n"
                        + "training: {learning_rate: 1.0e-7, weight_decay: 3e-5, seed: 9007199254740993, precision: tf32}\n"
                        + "output: {name: '2024'}\n"}}) {
            String text = job[1].replace("data_:\n", "");
            if (job[0].equals("seq.yaml")) {
                text = text.replace("path: arrays", "path: arrays\n  max_length: 200\n  input_columns: [a, b]")
                        .replace("kind: regression", "kind: classify");
            }
            JobConfig c = JobFiles.load(write(job[0], text));
            Path resolved = dir.resolve("resolved-" + job[0].replace('.', '-') + ".yaml");
            JobFiles.writeResolved(c, resolved);
            JobConfig back = JobFiles.load(resolved);
            assertEquals(c, back, () -> JobFiles.toYaml(c));
            String written = Files.readString(resolved);
            assertContains(written, "learning_rate:", "batch_size:", "name:", "seed:", "clip_grad_norm:");
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")));
        }
    }

    @Test
    void writeResolvedReplacesAnExistingFileAndFailsCleanly() throws IOException {
        JobConfig c = JobFiles.load(write("min.yaml", MINIMAL));
        Path target = write("resolved.yaml", "old");
        JobFiles.writeResolved(c, target);
        assertEquals(c, JobFiles.load(target));
        Path sub = Files.createDirectory(dir.resolve("sub.yaml"));
        assertThrows(java.io.UncheckedIOException.class, () -> JobFiles.writeResolved(c, sub));
        assertThrows(java.io.UncheckedIOException.class,
                () -> JobFiles.writeResolved(c, dir.resolve("missing-dir/resolved.yaml")));
    }
}
