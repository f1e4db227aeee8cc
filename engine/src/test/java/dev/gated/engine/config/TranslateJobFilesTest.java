package dev.gated.engine.config;

import dev.gated.engine.model.seq2seq.AttentionKind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.data.words.TokenizerOptions;
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

/** Job-file keys of translation: data.kind parallel, task translate and the translation section. */
class TranslateJobFilesTest {
    @TempDir
    Path dir;

    /** Lines 1-9; a translation section or more data keys are appended or replaced in. */
    static final String BASE = """
            data:
              kind: parallel
              path: pairs.tsv
              source_column: en
              target_column: es
            task:
              kind: translate
            model:
              embedding: {dim: 8}
            """;

    private Path write(String text) throws IOException {
        Path p = dir.resolve("job.yaml");
        Files.writeString(p, text);
        return p;
    }

    private JobConfig load(String text) throws IOException {
        return JobFiles.load(write(text));
    }

    private void assertRoundTrip(JobConfig c) {
        Path resolved = dir.resolve("resolved.yaml");
        JobFiles.writeResolved(c, resolved);
        assertEquals(c, JobFiles.load(resolved), () -> JobFiles.toYaml(c));
        assertEquals(c, JobFiles.loadRecorded(resolved));
    }

    @Test
    void defaults() throws IOException {
        JobConfig c = load(BASE);
        DataConfig d = c.data();
        assertEquals(DataKind.PARALLEL, d.kind());
        assertEquals(TaskKind.TRANSLATE, c.task().kind());
        assertEquals(new ParallelConfig("en", "es", TokenizerOptions.defaults(), 2, 20_000), d.parallel().orElseThrow());
        assertEquals(Optional.empty(), d.words());
        assertEquals(new Split(0.8, 0.1, 0.1), d.split());
        assertEquals(Optional.empty(), d.maxLength());
        assertFalse(d.standardize());
        TranslationConfig t = c.translation().orElseThrow();
        assertEquals(TranslationConfig.defaults(Optional.empty()), t);
        assertEquals(new TranslationConfig(AttentionKind.LUONG, 1.0, 1.0, 5, 0.6, 100, 3), t);
        assertFalse(t.scheduledSampling());
        assertRoundTrip(c);

        // max_output_length follows data.max_length; an empty section is the defaults.
        JobConfig limited = load(BASE.replace("  target_column: es\n", "  target_column: es\n  max_length: 30\n")
                + "translation:\n");
        assertEquals(Optional.of(30), limited.data().maxLength());
        assertEquals(70, limited.translation().orElseThrow().maxOutputLength());
        assertEquals(TranslationConfig.defaults(Optional.of(30)), limited.translation().orElseThrow());
        assertRoundTrip(limited);
    }

    @Test
    void otherTasksHaveNoTranslationSettings() throws IOException {
        JobConfig words = load("""
                data:
                  kind: words
                  path: t.tsv
                  text_column: text
                task:
                  kind: classify
                model:
                  embedding: {dim: 4}
                """);
        assertEquals(Optional.empty(), words.translation());
        assertEquals(Optional.empty(), words.data().parallel());
        // A translate job built in code gets the defaults; another task refuses them.
        JobConfig built = new JobConfig(load(BASE).data(), words.model(), new TaskConfig(TaskKind.TRANSLATE),
                words.training(), words.output());
        assertEquals(Optional.of(TranslationConfig.defaults(Optional.empty())), built.translation());
        assertThrows(IllegalArgumentException.class, () -> new JobConfig(words.data(), words.model(), words.task(),
                words.training(), words.output(), ForecastConfig.DEFAULT,
                Optional.of(TranslationConfig.defaults(Optional.empty()))));
    }

    @Test
    void everyKeyIsReadAndSurvivesTheResolvedJobFile() throws IOException {
        JobConfig c = load("""
                data:
                  kind: parallel
                  path: pairs.csv
                  source_column: en
                  target_column: es
                  tokenizer: {lowercase: false, punctuation: strip, numbers: mask, nfkc: false}
                  vocabulary: {min_count: 1, max_size: 500}
                  max_length: 25
                  split: [0.9, 0.05, 0.05]
                task:
                  kind: translate
                model:
                  cell: gru
                  bidirectional: true
                  embedding: {dim: 16}
                training:
                  bucketing: {buckets: 4}
                  early_stopping: {metric: val_perplexity, patience: 2}
                translation:
                  attention: bahdanau
                  teacher_forcing: {start: 1.0, end: 0.5}
                  beam_width: 1
                  length_penalty: 0
                  max_output_length: 40
                  attention_plots: 0
                """);
        assertEquals(new ParallelConfig("en", "es", new TokenizerOptions(false, TokenizerOptions.Punctuation.STRIP,
                TokenizerOptions.Numbers.MASK, false), 1, 500), c.data().parallel().orElseThrow());
        assertEquals(Optional.of(25), c.data().maxLength());
        assertEquals(new Split(0.9, 0.05, 0.05), c.data().split());
        TranslationConfig t = c.translation().orElseThrow();
        assertEquals(new TranslationConfig(AttentionKind.BAHDANAU, 1.0, 0.5, 1, 0.0, 40, 0), t);
        assertTrue(t.scheduledSampling());
        assertRoundTrip(c.withPathsResolved(dir));

        TranslationConfig constant = load(BASE + "translation:\n  teacher_forcing: 0.75\n  attention: none\n")
                .translation().orElseThrow();
        assertEquals(0.75, constant.teacherForcingStart());
        assertEquals(0.75, constant.teacherForcingEnd());
        assertEquals(AttentionKind.NONE, constant.attention());
        // start defaults to 1, end to start.
        TranslationConfig onlyEnd = load(BASE + "translation:\n  teacher_forcing: {end: 0.2}\n")
                .translation().orElseThrow();
        assertEquals(1.0, onlyEnd.teacherForcingStart());
        assertEquals(0.2, onlyEnd.teacherForcingEnd());
        TranslationConfig onlyStart = load(BASE + "translation:\n  teacher_forcing: {start: 0.4}\n")
                .translation().orElseThrow();
        assertEquals(0.4, onlyStart.teacherForcingEnd());
        assertRoundTrip(load(BASE + "translation:\n  teacher_forcing: {start: 0.9, end: 0.1}\n"));
    }

    @Test
    void teacherForcingDecaysLinearlyOverTheSteps() {
        TranslationConfig t = new TranslationConfig(AttentionKind.LUONG, 1.0, 0.5, 5, 0.6, 100, 3);
        assertEquals(1.0, t.teacherForcingAt(0, 11));
        assertEquals(0.75, t.teacherForcingAt(5, 11), 1e-12);
        assertEquals(0.5, t.teacherForcingAt(10, 11));
        assertEquals(0.5, t.teacherForcingAt(50, 11));
        assertEquals(1.0, t.teacherForcingAt(0, 1));
        TranslationConfig plain = TranslationConfig.defaults(Optional.empty());
        assertEquals(1.0, plain.teacherForcingAt(7, 10));
    }

    @Test
    void overridesReachTheTranslationKeys() throws IOException {
        JobConfig c = JobFiles.load(write(BASE), List.of("translation.beam_width=3",
                "translation.teacher_forcing.end=0.6", "data.vocabulary.max_size=100", "data.max_length=10"));
        TranslationConfig t = c.translation().orElseThrow();
        assertEquals(3, t.beamWidth());
        assertEquals(1.0, t.teacherForcingStart());
        assertEquals(0.6, t.teacherForcingEnd());
        assertEquals(30, t.maxOutputLength());
        assertEquals(100, c.data().parallel().orElseThrow().maxSize());
        // A number is the start of a schedule that an override extends.
        TranslationConfig extended = JobFiles.load(write(BASE + "translation:\n  teacher_forcing: 0.8\n"),
                List.of("translation.teacher_forcing.end=0.2")).translation().orElseThrow();
        assertEquals(0.8, extended.teacherForcingStart());
        assertEquals(0.2, extended.teacherForcingEnd());
    }

    static Stream<Arguments> errors() {
        String words = """
                data:
                  kind: words
                  path: t.tsv
                  text_column: text
                task:
                  kind: classify
                model:
                  embedding: {dim: 4}
                """;
        return Stream.of(
                Arguments.of("missing source column", BASE.replace("  source_column: en\n", ""),
                        List.of("job.yaml:2:3:", "data.source_column: missing required key 'source_column' (expected "
                                + "the name of the column holding the sentences to translate, for data.kind parallel)")),
                Arguments.of("missing target column", BASE.replace("  target_column: es\n", ""),
                        List.of("job.yaml:2:3:", "data.target_column: missing required key 'target_column'")),
                Arguments.of("same column twice", BASE.replace("target_column: es", "target_column: en"),
                        List.of("job.yaml:5:18:", "data.target_column: the source and the target column are both "
                                + "'en'; expected two different columns")),
                Arguments.of("source column not a string", BASE.replace("source_column: en", "source_column: [en]"),
                        List.of("job.yaml:4:18:", "data.source_column: expected a string, found")),
                Arguments.of("unknown data key", BASE.replace("  source_column: en\n", "  source_colum: en\n"),
                        List.of("job.yaml:4:3:", "unknown key 'source_colum' in data; did you mean 'source_column'?")),
                Arguments.of("bad tokenizer", BASE.replace("  target_column: es\n",
                                "  target_column: es\n  tokenizer: {punctuation: spilt}\n"),
                        List.of("job.yaml:6:28:", "data.tokenizer.punctuation: expected one of split, strip, keep, "
                                + "found 'spilt'; did you mean 'split'?")),
                Arguments.of("unknown tokenizer key", BASE.replace("  target_column: es\n",
                                "  target_column: es\n  tokenizer: {lowercas: true}\n"),
                        List.of("job.yaml:6:15:", "unknown key 'lowercas' in data.tokenizer; did you mean 'lowercase'?")),
                Arguments.of("min count 0", BASE.replace("  target_column: es\n",
                                "  target_column: es\n  vocabulary: {min_count: 0}\n"),
                        List.of("job.yaml:6:27:", "data.vocabulary.min_count: expected an integer >= 1, found 0")),
                Arguments.of("max size 3", BASE.replace("  target_column: es\n",
                                "  target_column: es\n  vocabulary: {max_size: 3}\n"),
                        List.of("job.yaml:6:26:", "data.vocabulary.max_size: expected an integer >= 4, found 3")),
                Arguments.of("max length 0", BASE.replace("  target_column: es\n",
                                "  target_column: es\n  max_length: 0\n"),
                        List.of("job.yaml:6:15:", "data.max_length: expected an integer >= 1, found 0")),
                Arguments.of("bad split", BASE.replace("  target_column: es\n",
                                "  target_column: es\n  split: [0.8, 0.3, 0.1]\n"),
                        List.of("job.yaml:6:10:", "data.split: expected fractions that sum to 1")),
                Arguments.of("text column on parallel", BASE.replace("  target_column: es\n",
                                "  target_column: es\n  text_column: t\n"),
                        List.of("job.yaml:6:3:", "'text_column' applies only when data.kind is words, found data.kind "
                                + "the string 'parallel'")),
                Arguments.of("truncation on parallel", BASE.replace("  target_column: es\n",
                                "  target_column: es\n  truncation: start\n"),
                        List.of("job.yaml:6:3:", "'truncation' applies only when data.kind is words")),
                Arguments.of("label column on parallel", BASE.replace("  target_column: es\n",
                                "  target_column: es\n  label_column: l\n"),
                        List.of("job.yaml:6:3:", "'label_column' applies only when data.kind is sequences or words")),
                Arguments.of("standardize on parallel", BASE.replace("  target_column: es\n",
                                "  target_column: es\n  standardize: true\n"),
                        List.of("job.yaml:6:3:", "'standardize' applies only when data.kind is csv, sequences or npy")),
                Arguments.of("source column on words", words.replace("  text_column: text\n",
                                "  text_column: text\n  source_column: en\n"),
                        List.of("job.yaml:5:3:", "'source_column' applies only when data.kind is parallel, found "
                                + "data.kind the string 'words'")),
                Arguments.of("tokenizer on sequences", """
                                data:
                                  kind: sequences
                                  path: s.csv
                                  input_columns: [x]
                                  tokenizer: {lowercase: true}
                                task:
                                  kind: classify
                                """,
                        List.of("job.yaml:5:3:", "'tokenizer' applies only when data.kind is words or parallel")),
                Arguments.of("parallel for classify", BASE.replace("kind: translate", "kind: classify"),
                        List.of("job.yaml:7:9:", "task.kind: task classify needs data.kind sequences or npy or words, "
                                + "found data.kind parallel")),
                Arguments.of("translate on words", words.replace("kind: classify", "kind: translate"),
                        List.of("job.yaml:6:9:", "task.kind: task translate needs data.kind parallel, found data.kind "
                                + "words")),
                Arguments.of("translation section on classify", words + "translation:\n  beam_width: 2\n",
                        List.of("job.yaml:9:1:", "translation: the translation section applies only to task.kind "
                                + "translate, found task.kind classify")),
                Arguments.of("parallel without embedding", BASE.replace("model:\n  embedding: {dim: 8}\n", ""),
                        List.of("job.yaml:1:1:", "model.embedding: data.kind parallel reads word ids")),
                Arguments.of("input noise on parallel", BASE + "training:\n  input_noise: 0.1\n",
                        List.of("job.yaml:11:16:", "training.input_noise: input noise is added to float inputs; "
                                + "data.kind parallel reads word ids")),
                Arguments.of("unknown section key", BASE + "translation:\n  beam_widht: 2\n",
                        List.of("job.yaml:11:3:", "unknown key 'beam_widht' in translation; did you mean "
                                + "'beam_width'?")),
                Arguments.of("misspelt section", BASE + "translaton:\n  beam_width: 2\n",
                        List.of("job.yaml:10:1:", "unknown key 'translaton' in the job file; did you mean "
                                + "'translation'?")),
                Arguments.of("section not a mapping", BASE + "translation: 5\n",
                        List.of("job.yaml:10:14:", "translation: expected a mapping, found")),
                Arguments.of("bad attention", BASE + "translation:\n  attention: luon\n",
                        List.of("job.yaml:11:14:", "translation.attention: expected one of luong, bahdanau, none, "
                                + "found 'luon'; did you mean 'luong'?")),
                Arguments.of("attention not a string", BASE + "translation:\n  attention: 1\n",
                        List.of("job.yaml:11:14:", "translation.attention: expected one of luong, bahdanau, none")),
                Arguments.of("teacher forcing above 1", BASE + "translation:\n  teacher_forcing: 1.5\n",
                        List.of("job.yaml:11:20:", "translation.teacher_forcing: expected a number in [0, 1] (the "
                                + "probability that the decoder reads the reference token) or a mapping {start: p, "
                                + "end: q}, found 1.5")),
                Arguments.of("teacher forcing a string", BASE + "translation:\n  teacher_forcing: always\n",
                        List.of("job.yaml:11:20:", "translation.teacher_forcing: expected a number in [0, 1]")),
                Arguments.of("teacher forcing end negative", BASE + "translation:\n  teacher_forcing: {start: 1, "
                                + "end: -0.1}\n",
                        List.of("job.yaml:11:36:", "translation.teacher_forcing.end: expected a number in [0, 1] (the "
                                + "probability of reading the reference token at the last training step), found -0.1")),
                Arguments.of("teacher forcing start a string", BASE + "translation:\n  teacher_forcing: {start: "
                                + "high}\n",
                        List.of("job.yaml:11:28:", "translation.teacher_forcing.start: expected a number in [0, 1]")),
                Arguments.of("teacher forcing unknown key", BASE + "translation:\n  teacher_forcing: {begin: 1}\n",
                        List.of("job.yaml:11:21:", "unknown key 'begin' in translation.teacher_forcing; expected one "
                                + "of start, end")),
                Arguments.of("beam width 0", BASE + "translation:\n  beam_width: 0\n",
                        List.of("job.yaml:11:15:", "translation.beam_width: expected an integer >= 1, found 0")),
                Arguments.of("beam width 2.5", BASE + "translation:\n  beam_width: 2.5\n",
                        List.of("job.yaml:11:15:", "translation.beam_width: expected an integer >= 1, found 2.5")),
                Arguments.of("length penalty negative", BASE + "translation:\n  length_penalty: -1\n",
                        List.of("job.yaml:11:19:", "translation.length_penalty: expected a number >= 0 (GNMT's alpha;"
                                + " 0: no length penalty), found -1")),
                Arguments.of("length penalty a string", BASE + "translation:\n  length_penalty: gnmt\n",
                        List.of("job.yaml:11:19:", "translation.length_penalty: expected a number >= 0")),
                Arguments.of("max output length 0", BASE + "translation:\n  max_output_length: 0\n",
                        List.of("job.yaml:11:22:", "translation.max_output_length: expected an integer >= 1, found 0")),
                Arguments.of("attention plots negative", BASE + "translation:\n  attention_plots: -1\n",
                        List.of("job.yaml:11:20:", "translation.attention_plots: expected an integer >= 0, found -1")),
                Arguments.of("unknown metric", BASE + "training:\n  early_stopping: {metric: val_bleu, patience: 2}\n",
                        List.of("training.early_stopping.metric: task translate has no metric 'val_bleu'")),
                Arguments.of("dropout on translate", BASE.replace("  embedding: {dim: 8}\n",
                                "  embedding: {dim: 8}\n  dropout: {between: 0.2}\n"),
                        List.of("job.yaml:10:3:", "model.dropout: a translation job does not apply model.dropout")),
                Arguments.of("l2 on translate", BASE + "training:\n  l2: 0.01\n",
                        List.of("job.yaml:11:3:", "training.l2: a translation job does not apply training.l2 yet")),
                Arguments.of("plateau on translate", BASE + "training:\n  lr_schedule: {kind: reduce_on_plateau}\n",
                        List.of("job.yaml:11:3:", "training.lr_schedule: a translation job does not apply "
                                + "training.lr_schedule reduce_on_plateau yet")));
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
