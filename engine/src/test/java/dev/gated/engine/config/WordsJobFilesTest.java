package dev.gated.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.data.words.EmbeddingFormat;
import dev.gated.engine.data.words.TokenizerOptions;
import dev.gated.engine.data.words.Truncation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Job-file keys of word-level text classification: data.kind words and model.embedding. */
class WordsJobFilesTest {
    @TempDir
    Path dir;

    /** Lines 1-8; model keys follow at line 9. */
    static final String BASE = """
            data:
              kind: words
              path: reviews.tsv
              text_column: review
            task:
              kind: classify
            model:
              embedding:
            """;

    @BeforeEach
    void vectors() throws IOException {
        Files.writeString(dir.resolve("tiny.vec"), "2 3\ngood 0.1 0.2 0.3\nbad -0.1 -0.2 -0.3\n");
        Files.writeString(dir.resolve("tiny.txt"), "good 0.1 0.2 0.3 0.4\n");
        Files.writeString(dir.resolve("tiny.emb"), "good 0.1 0.2\n");
    }

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
        JobConfig c = load(BASE + "    dim: 16\n");
        DataConfig d = c.data();
        assertEquals(DataKind.WORDS, d.kind());
        assertEquals("label", d.labelColumn());
        assertEquals(Optional.empty(), d.maxLength());
        assertFalse(d.standardize());
        WordsConfig w = d.words().orElseThrow();
        assertEquals(new WordsConfig("review", TokenizerOptions.defaults(), 2, 20_000, Truncation.END), w);
        assertEquals(new EmbeddingConfig(16, Optional.empty(), Optional.empty(), false),
                c.model().embedding().orElseThrow());
        assertRoundTrip(c);

        JobConfig plain = load(BASE.replace("  embedding:\n", "  embedding: {}\n"));
        assertEquals(EmbeddingConfig.DEFAULT_DIM, plain.model().embedding().orElseThrow().dim());
        assertRoundTrip(plain);
    }

    @Test
    void everyKeyIsReadAndSurvivesTheResolvedJobFile() throws IOException {
        JobConfig c = load("""
                data:
                  kind: words
                  path: reviews.csv
                  text_column: review
                  label_column: sentiment
                  tokenizer: {lowercase: false, punctuation: strip, numbers: mask, nfkc: false}
                  vocabulary: {min_count: 1, max_size: 500}
                  max_length: 40
                  truncation: start
                  split: [0.8, 0.1, 0.1]
                task:
                  kind: classify
                model:
                  cell: gru
                  embedding: {pretrained: tiny.vec, format: vec, freeze: true}
                training:
                  bucketing: true
                """);
        WordsConfig w = c.data().words().orElseThrow();
        assertEquals(new WordsConfig("review", new TokenizerOptions(false, TokenizerOptions.Punctuation.STRIP,
                TokenizerOptions.Numbers.MASK, false), 1, 500, Truncation.START), w);
        assertEquals("sentiment", c.data().labelColumn());
        assertEquals(Optional.of(40), c.data().maxLength());
        // The dimension comes from the file's header.
        assertEquals(new EmbeddingConfig(3, Optional.of(Path.of("tiny.vec")), Optional.of(EmbeddingFormat.VEC), true),
                c.model().embedding().orElseThrow());
        JobConfig resolved = c.withPathsResolved(dir);
        assertEquals(dir.resolve("tiny.vec").toAbsolutePath().normalize(),
                resolved.model().embedding().orElseThrow().pretrained().orElseThrow());
        assertRoundTrip(resolved);
    }

    @Test
    void pretrainedDimensionAndFormatFromTheFile() throws IOException {
        EmbeddingConfig glove = load(BASE + "    pretrained: tiny.txt\n").model().embedding().orElseThrow();
        assertEquals(4, glove.dim());
        assertEquals(EmbeddingFormat.GLOVE, glove.resolvedFormat());
        assertEquals(4, load(BASE + "    pretrained: tiny.txt\n    dim: 4\n").model().embedding().orElseThrow().dim());
        EmbeddingConfig named = load(BASE + "    pretrained: tiny.emb\n    format: glove\n").model().embedding()
                .orElseThrow();
        assertEquals(2, named.dim());
    }

    @Test
    void aRecordedJobDoesNotNeedThePretrainedFile() throws IOException {
        JobConfig c = load(BASE + "    pretrained: tiny.vec\n").withPathsResolved(dir);
        Path resolved = dir.resolve("run-job.yaml");
        JobFiles.writeResolved(c, resolved);
        Files.delete(dir.resolve("tiny.vec"));
        assertEquals(c, JobFiles.loadRecorded(resolved));
        JobConfigException e = assertThrows(JobConfigException.class, () -> JobFiles.load(resolved));
        assertTrue(e.getMessage().contains("no such file"), e::getMessage);
    }

    static Stream<Arguments> errors() {
        String sequences = """
                data:
                  kind: sequences
                  path: s.csv
                  input_columns: [x]
                task:
                  kind: classify
                model:
                  embedding: {dim: 8}
                """;
        return Stream.of(
                Arguments.of("unknown data key", BASE.replace("  text_column: review\n",
                                "  text_column: review\n  text_colum: x\n") + "    dim: 8\n",
                        List.of("job.yaml:5:3:", "unknown key 'text_colum' in data; did you mean 'text_column'?")),
                Arguments.of("unknown tokenizer key", BASE.replace("  text_column: review\n",
                                "  text_column: review\n  tokenizer: {lowercas: true}\n") + "    dim: 8\n",
                        List.of("job.yaml:5:15:", "unknown key 'lowercas' in data.tokenizer; did you mean 'lowercase'?")),
                Arguments.of("unknown vocabulary key", BASE.replace("  text_column: review\n",
                                "  text_column: review\n  vocabulary: {min_cont: 1}\n") + "    dim: 8\n",
                        List.of("job.yaml:5:16:", "unknown key 'min_cont' in data.vocabulary; did you mean 'min_count'?")),
                Arguments.of("unknown embedding key", BASE + "    dim: 8\n    freez: true\n",
                        List.of("job.yaml:10:5:", "unknown key 'freez' in model.embedding; did you mean 'freeze'?")),
                Arguments.of("missing text column", BASE.replace("  text_column: review\n", "") + "    dim: 8\n",
                        List.of("job.yaml:2:3:", "data.text_column: missing required key 'text_column'")),
                Arguments.of("bad punctuation", BASE.replace("  text_column: review\n",
                                "  text_column: review\n  tokenizer: {punctuation: spilt}\n") + "    dim: 8\n",
                        List.of("job.yaml:5:28:", "data.tokenizer.punctuation: expected one of split, strip, keep, "
                                + "found 'spilt'; did you mean 'split'?")),
                Arguments.of("bad numbers", BASE.replace("  text_column: review\n",
                                "  text_column: review\n  tokenizer: {numbers: drop}\n") + "    dim: 8\n",
                        List.of("data.tokenizer.numbers: expected one of keep, mask, found 'drop'")),
                Arguments.of("min count 0", BASE.replace("  text_column: review\n",
                                "  text_column: review\n  vocabulary: {min_count: 0}\n") + "    dim: 8\n",
                        List.of("data.vocabulary.min_count: expected an integer >= 1, found 0")),
                Arguments.of("max size 3", BASE.replace("  text_column: review\n",
                                "  text_column: review\n  vocabulary: {max_size: 3}\n") + "    dim: 8\n",
                        List.of("data.vocabulary.max_size: expected an integer >= 4, found 3")),
                Arguments.of("bad truncation", BASE.replace("  text_column: review\n",
                                "  text_column: review\n  truncation: middle\n") + "    dim: 8\n",
                        List.of("job.yaml:5:15:", "data.truncation: expected one of end, start, found 'middle'")),
                Arguments.of("max length 0", BASE.replace("  text_column: review\n",
                                "  text_column: review\n  max_length: 0\n") + "    dim: 8\n",
                        List.of("data.max_length: expected an integer >= 1, found 0")),
                Arguments.of("pretrained file missing", BASE + "    pretrained: glove.6B.50d.txt\n",
                        List.of("job.yaml:9:17:", "model.embedding.pretrained: expected a pre-trained embedding file, "
                                + "found no such file", "glove.6B.50d.txt", "resolved against the job file's folder")),
                Arguments.of("dim mismatch", BASE + "    pretrained: tiny.vec\n    dim: 50\n",
                        List.of("job.yaml:10:10:", "model.embedding.dim: expected 3, the dimension of the pre-trained "
                                + "vectors in tiny.vec, found 50")),
                Arguments.of("unknown extension", BASE + "    pretrained: tiny.emb\n",
                        List.of("job.yaml:9:17:", "cannot tell the embedding format", "model.embedding.format")),
                Arguments.of("bad header", BASE + "    pretrained: tiny.txt\n    format: vec\n",
                        List.of("job.yaml:9:17:", "cannot read it as vec vectors", "expected a header line")),
                Arguments.of("bad format", BASE + "    format: fasttxt\n",
                        List.of("job.yaml:9:13:", "model.embedding.format: expected one of auto, glove, vec, word2vec")),
                Arguments.of("dim 0", BASE + "    dim: 0\n",
                        List.of("job.yaml:9:10:", "model.embedding.dim: expected an integer >= 1, found 0")),
                Arguments.of("embedding not a mapping", BASE.replace("  embedding:\n", "  embedding: 50\n"),
                        List.of("job.yaml:8:14:", "model.embedding: expected a mapping with the keys dim, pretrained")),
                Arguments.of("embedding on a sequences job", sequences,
                        List.of("job.yaml:8:3:", "model.embedding: an embedding layer reads word ids, which only "
                                + "data.kind words and parallel give; found data.kind sequences")),
                Arguments.of("words without embedding", BASE.replace("model:\n  embedding:\n", ""),
                        List.of("job.yaml:1:1:", "model.embedding: data.kind words reads word ids")),
                Arguments.of("words with an empty model section", BASE.replace("  embedding:\n", "  hidden: 8\n"),
                        List.of("job.yaml:8:3:", "model.embedding: data.kind words reads word ids")),
                Arguments.of("words keys on sequences", sequences.replace("  input_columns: [x]\n",
                                "  input_columns: [x]\n  text_column: t\n").replace("model:\n  embedding: {dim: 8}\n", ""),
                        List.of("job.yaml:5:3:", "'text_column' applies only when data.kind is words, found data.kind "
                                + "the string 'sequences'")),
                Arguments.of("input columns on words", BASE.replace("  text_column: review\n",
                                "  text_column: review\n  input_columns: [x]\n") + "    dim: 8\n",
                        List.of("'input_columns' applies only when data.kind is csv or sequences")),
                Arguments.of("standardize on words", BASE.replace("  text_column: review\n",
                                "  text_column: review\n  standardize: true\n") + "    dim: 8\n",
                        List.of("'standardize' applies only when data.kind is csv, sequences or npy")),
                Arguments.of("words for regression", BASE.replace("kind: classify", "kind: regression") + "    dim: 8\n",
                        List.of("task.kind: task regression needs data.kind npy, found data.kind words")),
                Arguments.of("input noise on words", BASE + "    dim: 8\ntraining:\n  input_noise: 0.1\n",
                        List.of("job.yaml:11:16:", "training.input_noise: input noise is added to float inputs")));
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

    @Test
    void overridesReachTheNewKeys() throws IOException {
        JobConfig c = JobFiles.load(write(BASE + "    dim: 8\n"), List.of("data.vocabulary.min_count=1",
                "data.tokenizer.punctuation=keep", "model.embedding.freeze=true", "data.truncation=start"));
        assertEquals(1, c.data().words().orElseThrow().minCount());
        assertEquals(TokenizerOptions.Punctuation.KEEP, c.data().words().orElseThrow().tokenizer().punctuation());
        assertTrue(c.model().embedding().orElseThrow().freeze());
        assertEquals(Truncation.START, c.data().words().orElseThrow().truncation());
    }
}
