package dev.gated.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.model.Stacking;
import dev.gated.engine.model.Stacking.Norm;
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

/** Job-file keys {@code model.norm} and {@code model.input_norm}, and {@code layer_norm} as norm's old spelling. */
class NormJobFilesTest {
    @TempDir
    Path dir;

    /** Lines 1-10; model keys follow at line 11. */
    static final String BASE = SeqArchJobFilesTest.BASE + "model:\n  layers: 2\n";

    private Path write(String text) throws IOException {
        Path p = dir.resolve("job.yaml");
        Files.writeString(p, text);
        return p;
    }

    private JobConfig roundTrip(JobConfig c) throws IOException {
        JobFiles.writeResolved(c, dir.resolve("resolved.yaml"));
        JobConfig back = JobFiles.load(dir.resolve("resolved.yaml"));
        assertEquals(c, back, () -> JobFiles.toYaml(c));
        return back;
    }

    @Test
    void normAndInputNormAreReadAndSurviveTheResolvedJobFile() throws IOException {
        JobConfig c = JobFiles.load(write(BASE + "  norm: batch\n  input_norm: batch\n  residual: true\n"));
        assertEquals(new Stacking(true, Norm.BATCH, true), c.model().stacking());
        roundTrip(c);
        String yaml = JobFiles.toYaml(c);
        assertTrue(yaml.contains("norm: \"batch\"") && yaml.contains("input_norm: \"batch\""), yaml);
        assertFalse(yaml.contains("layer_norm"), "the recorded job spells norm the new way only:\n" + yaml);

        JobConfig plain = JobFiles.load(write(BASE));
        assertEquals(Stacking.NONE, plain.model().stacking());
        String plainYaml = JobFiles.toYaml(roundTrip(plain));
        assertTrue(plainYaml.contains("norm: \"none\"") && plainYaml.contains("input_norm: \"none\""), plainYaml);
    }

    @Test
    void layerNormTrueIsTheOldSpellingOfNormLayer() throws IOException {
        JobConfig old = JobFiles.load(write(BASE + "  layer_norm: true\n"));
        assertEquals(new Stacking(false, Norm.LAYER, false), old.model().stacking());
        assertEquals(old.model().stacking(), JobFiles.load(write(BASE + "  norm: layer\n")).model().stacking());
        assertEquals(old.model().stacking(), roundTrip(old).model().stacking());
        // Agreeing pairs are accepted (an old recorded job has layer_norm: false beside whatever norm says).
        assertEquals(Norm.LAYER, JobFiles.load(write(BASE + "  layer_norm: true\n  norm: layer\n")).model()
                .stacking().norm());
        assertEquals(Norm.BATCH, JobFiles.load(write(BASE + "  layer_norm: false\n  norm: batch\n")).model()
                .stacking().norm());
        assertEquals(Norm.NONE, JobFiles.load(write(BASE + "  layer_norm: false\n")).model().stacking().norm());
    }

    @Test
    void theBundledBatchNormExampleLoads() throws IOException {
        Path example = Stream.of("../examples/classify/waveforms-batchnorm.yaml",
                "examples/classify/waveforms-batchnorm.yaml").map(Path::of).filter(Files::exists).findFirst()
                .orElseThrow();
        JobConfig c = JobFiles.load(example);
        assertEquals(new Stacking(false, Norm.BATCH, false), c.model().stacking());
        assertEquals(3, c.model().layers());
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                Arguments.of("misspelt norm", BASE + "  norm: bacth\n",
                        List.of("job.yaml:11:9", "model.norm: expected one of none, layer, batch, found 'bacth'; "
                                + "did you mean 'batch'?")),
                Arguments.of("norm not a string", BASE + "  norm: true\n",
                        List.of("model.norm: expected one of none, layer, batch")),
                Arguments.of("layer_norm true against norm batch", BASE + "  layer_norm: true\n  norm: batch\n",
                        List.of("job.yaml:11:3", "model.layer_norm: layer_norm: true contradicts norm: batch",
                                "remove layer_norm and keep norm")),
                Arguments.of("layer_norm true against norm none", BASE + "  norm: none\n  layer_norm: true\n",
                        List.of("job.yaml:12:3", "layer_norm: true contradicts norm: none")),
                Arguments.of("layer_norm false against norm layer", BASE + "  layer_norm: false\n  norm: layer\n",
                        List.of("layer_norm: false contradicts norm: layer")),
                Arguments.of("input_norm layer", BASE + "  input_norm: layer\n",
                        List.of("job.yaml:11:15", "model.input_norm: expected one of none, batch, found 'layer'")),
                Arguments.of("input_norm with an embedding", TranslateJobFilesTest.BASE.replace("translate", "classify")
                                .replace("kind: parallel", "kind: words").replace("  source_column: en\n",
                                        "  text_column: en\n").replace("  target_column: es\n",
                                        "  label_column: es\n") + "  input_norm: batch\n",
                        List.of("model.input_norm: input_norm batch normalises float input features",
                                "token ids through model.embedding")),
                Arguments.of("norm in a translation job", TranslateJobFilesTest.BASE + "  norm: batch\n",
                        List.of("model.norm: a translation job does not apply model.norm")),
                Arguments.of("input_norm in a translation job", TranslateJobFilesTest.BASE + "  input_norm: batch\n",
                        List.of("model.input_norm")));
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
