package dev.gated.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.data.Bucketing;
import dev.gated.engine.data.Curriculum;
import dev.gated.engine.model.Dropout;
import dev.gated.engine.model.Stacking;
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

/** Job-file keys of stacked layers (between dropout, residual, layer norm), bucketing and curriculum. */
class SeqArchJobFilesTest {
    @TempDir
    Path dir;

    static final String BASE = """
            data:
              kind: sequences
              path: seqs.csv
              sequence_column: id
              input_columns: [x]
              label_column: label
            task:
              kind: classify
            """;

    private Path write(String text) throws IOException {
        Path p = dir.resolve("job.yaml");
        Files.writeString(p, text);
        return p;
    }

    @Test
    void everyKeyIsReadAndSurvivesTheResolvedJobFile() throws IOException {
        JobConfig c = JobFiles.load(write(BASE + """
                model:
                  layers: 3
                  residual: true
                  layer_norm: true
                  dropout: {between: 0.3, output: 0.1}
                training:
                  epochs: 6
                  bucketing: {buckets: 4}
                  curriculum: {start_length: 5, epochs: 3}
                """));
        assertEquals(new Stacking(true, true), c.model().stacking());
        assertEquals(new Dropout(0, 0.1, 0.3), c.model().dropout());
        assertEquals(Optional.of(new Bucketing(4)), c.training().bucketing());
        assertEquals(Optional.of(new Curriculum(5, 3)), c.training().curriculum());
        JobFiles.writeResolved(c, dir.resolve("resolved.yaml"));
        assertEquals(c, JobFiles.load(dir.resolve("resolved.yaml")), () -> JobFiles.toYaml(c));

        JobConfig plain = JobFiles.load(write(BASE));
        assertEquals(Stacking.NONE, plain.model().stacking());
        assertEquals(Optional.empty(), plain.training().bucketing());
        assertEquals(Optional.empty(), plain.training().curriculum());
        JobFiles.writeResolved(plain, dir.resolve("plain.yaml"));
        assertEquals(plain, JobFiles.load(dir.resolve("plain.yaml")));
    }

    @Test
    void bucketingTrueUsesTheDefaultBucketCount() throws IOException {
        assertEquals(Optional.of(new Bucketing(Bucketing.DEFAULT_BUCKETS)),
                JobFiles.load(write(BASE + "training:\n  bucketing: true\n")).training().bucketing());
        assertEquals(Optional.empty(), JobFiles.load(write(BASE + "training:\n  bucketing: false\n")).training()
                .bucketing());
    }

    static Stream<Arguments> errors() {
        String m = BASE + "model:\n";
        String t = BASE + "training:\n  epochs: 5\n";
        return Stream.of(
                Arguments.of("residual on one layer", m + "  residual: true\n",
                        List.of("model.residual: residual connections join stacked layers", "need layers >= 2, found layers 1")),
                Arguments.of("residual not a boolean", m + "  layers: 2\n  residual: yes please\n",
                        List.of("model.residual: expected true or false")),
                Arguments.of("layer norm not a boolean", m + "  layer_norm: 1\n",
                        List.of("model.layer_norm: expected true or false, found 1")),
                Arguments.of("between dropout 1", m + "  layers: 2\n  dropout: {between: 1.0}\n",
                        List.of("model.dropout.between: expected a number in [0, 1), found 1.0")),
                Arguments.of("between dropout negative", m + "  layers: 2\n  dropout: {between: -0.1}\n",
                        List.of("model.dropout.between: expected a number in [0, 1)")),
                Arguments.of("misspelt layer norm", m + "  layer_nrom: true\n",
                        List.of("unknown key 'layer_nrom' in model; did you mean 'layer_norm'?")),
                Arguments.of("zero buckets", t + "  bucketing: {buckets: 0}\n",
                        List.of("training.bucketing.buckets: expected an integer >= 1, found 0")),
                Arguments.of("bucketing a number", t + "  bucketing: 8\n",
                        List.of("training.bucketing: expected true, false or a mapping with the key buckets")),
                Arguments.of("unknown bucketing key", t + "  bucketing: {bucket: 8}\n",
                        List.of("unknown key 'bucket' in training.bucketing; did you mean 'buckets'?")),
                Arguments.of("bucketing fixed-length windows", BASE.replace("kind: sequences", "kind: csv")
                                .replace("  sequence_column: id\n", "").replace("  label_column: label\n",
                                        "  target_columns: [x]\n").replace("classify", "forecast")
                                + "training:\n  bucketing: true\n",
                        List.of("training.bucketing: bucketing groups sequences of similar length; data.kind csv")),
                Arguments.of("bucketing without shuffling", t + "  shuffle: false\n  bucketing: true\n",
                        List.of("training.bucketing: bucketing shuffles the examples and the batches every epoch")),
                Arguments.of("curriculum without start", t + "  curriculum: {epochs: 2}\n",
                        List.of("training.curriculum.start_length: missing required key 'start_length'")),
                Arguments.of("curriculum without epochs", t + "  curriculum: {start_length: 4}\n",
                        List.of("training.curriculum.epochs: missing required key 'epochs'")),
                Arguments.of("curriculum start 0", t + "  curriculum: {start_length: 0, epochs: 2}\n",
                        List.of("training.curriculum.start_length: expected an integer >= 1, found 0")),
                Arguments.of("curriculum epochs 0", t + "  curriculum: {start_length: 3, epochs: 0}\n",
                        List.of("training.curriculum.epochs: expected an integer >= 1, found 0")),
                Arguments.of("curriculum as long as the run", t + "  curriculum: {start_length: 3, epochs: 5}\n",
                        List.of("training.curriculum.epochs: the curriculum must end before the run does",
                                "expected fewer than training.epochs (5), found 5")),
                Arguments.of("curriculum not a mapping", t + "  curriculum: 3\n",
                        List.of("training.curriculum: expected a mapping with the keys start_length, epochs")),
                Arguments.of("unknown curriculum key", t + "  curriculum: {start_length: 3, epochs: 2, step: 1}\n",
                        List.of("unknown key 'step' in training.curriculum")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void badValuesGiveClearErrorsAtLoadTime(String name, String text, List<String> fragments) throws IOException {
        Path p = write(text);
        JobConfigException e = assertThrows(JobConfigException.class, () -> JobFiles.load(p));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "expected '" + f + "' in:\n" + e.getMessage());
        }
    }
}
