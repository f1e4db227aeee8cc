package dev.gated.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** {@code training.tbptt}: read, defaulted, written back into job.yaml, and refused where it cannot apply. */
class TbpttJobFilesTest {
    @TempDir
    Path dir;

    static final String TEXT = """
            data:
              kind: text
              path: corpus.txt
            task:
              kind: language_model
            """;

    private Path write(String text) throws IOException {
        return Files.writeString(dir.resolve("job.yaml"), text);
    }

    @Test
    void forwardAndBackwardAreRead() throws IOException {
        JobConfig c = JobFiles.load(write(TEXT + "training:\n  tbptt: {forward: 100, backward: 40}\n"));
        assertEquals(Optional.of(new TbpttConfig(100, 40)), c.training().tbptt());
        assertEquals(60, c.training().tbptt().get().advanceSteps());
    }

    @Test
    void backwardDefaultsToForwardAndTheOptionDefaultsToOff() throws IOException {
        assertEquals(Optional.of(new TbpttConfig(35, 35)),
                JobFiles.load(write(TEXT + "training:\n  tbptt: {forward: 35}\n")).training().tbptt());
        assertEquals(Optional.empty(), JobFiles.load(write(TEXT)).training().tbptt());
        assertEquals(Optional.empty(), JobFiles.load(write(TEXT + "training:\n  tbptt: null\n")).training().tbptt());
    }

    @Test
    void theResolvedJobSpellsItOutAndLoadsBackEqual() throws IOException {
        for (String tbptt : List.of("  tbptt: {forward: 64, backward: 16}\n", "  tbptt: {forward: 8}\n", "")) {
            JobConfig c = JobFiles.load(write(TEXT + "model:\n  layers: 2\n  layer_norm: true\ntraining:\n" + tbptt
                    + "  batch_size: 4\n"));
            Path resolved = dir.resolve("resolved.yaml");
            JobFiles.writeResolved(c, resolved);
            String yaml = Files.readString(resolved);
            assertTrue(yaml.contains(tbptt.isEmpty() ? "tbptt: null" : "tbptt:"), yaml);
            assertEquals(c, JobFiles.loadRecorded(resolved), yaml);
            assertEquals(c, JobFiles.load(resolved), yaml);
        }
    }

    @Test
    void overridesReachInsideTheMapping() throws IOException {
        JobConfig c = JobFiles.load(write(TEXT + "training:\n  tbptt: {forward: 50}\n"),
                List.of("training.tbptt.backward=10"));
        assertEquals(Optional.of(new TbpttConfig(50, 10)), c.training().tbptt());
    }

    static Stream<Arguments> errors() {
        String t = TEXT + "training:\n";
        return Stream.of(
                Arguments.of("forward missing", t + "  tbptt: {backward: 5}\n",
                        List.of("training.tbptt.forward", "the time steps each optimizer step reads per stream")),
                Arguments.of("forward zero", t + "  tbptt: {forward: 0}\n",
                        List.of("training.tbptt.forward: expected an integer >= 1, found 0")),
                Arguments.of("forward not an integer", t + "  tbptt: {forward: 2.5}\n",
                        List.of("training.tbptt.forward: expected an integer >= 1")),
                Arguments.of("backward zero", t + "  tbptt: {forward: 10, backward: 0}\n",
                        List.of("training.tbptt.backward: expected an integer >= 1, found 0")),
                Arguments.of("backward above forward", t + "  tbptt: {forward: 10, backward: 11}\n",
                        List.of("job.yaml:7:", "training.tbptt.backward", "expected an integer in [1, forward = 10], "
                                + "found 11")),
                Arguments.of("misspelt key", t + "  tbptt: {forward: 10, backwards: 5}\n",
                        List.of("unknown key 'backwards' in training.tbptt; did you mean 'backward'?")),
                Arguments.of("not a mapping", t + "  tbptt: 100\n",
                        List.of("training.tbptt", "a mapping with the keys forward, backward")),
                Arguments.of("bidirectional", TEXT + "model:\n  bidirectional: true\ntraining:\n"
                        + "  tbptt: {forward: 10}\n", List.of("training.tbptt: a bidirectional RNN's backward "
                        + "direction would need the steps after each chunk")),
                Arguments.of("curriculum", t + "  tbptt: {forward: 10}\n  epochs: 5\n"
                        + "  curriculum: {start_length: 2, epochs: 2}\n", List.of("training.curriculum",
                        "training.tbptt")),
                Arguments.of("input noise", t + "  tbptt: {forward: 10}\n  input_noise: 0.1\n",
                        List.of("training.input_noise", "training.tbptt")),
                Arguments.of("another task", """
                        data:
                          kind: npy
                          path: arrays
                        task:
                          kind: regression
                        training:
                          tbptt: {forward: 10}
                        """, List.of("job.yaml:7:", "training.tbptt: truncated BPTT carries the state through one "
                        + "long sequence: it applies only to task.kind language_model with data.kind text, found "
                        + "task.kind regression with data.kind npy")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void badSettingsGiveClearErrors(String name, String text, List<String> fragments) throws IOException {
        Path p = write(text);
        JobConfigException e = assertThrows(JobConfigException.class, () -> JobFiles.load(p));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "expected '" + f + "' in:\n" + e.getMessage());
        }
    }

    @Test
    void theRecordRefusesBadValuesToo() {
        assertThrows(IllegalArgumentException.class, () -> new TbpttConfig(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new TbpttConfig(5, 6));
        assertThrows(IllegalArgumentException.class, () -> new TbpttConfig(5, 0));
    }
}
