package dev.gated.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.config.JobConfig;
import dev.gated.engine.config.JobConfigException;
import dev.gated.engine.config.JobFiles;
import dev.gated.engine.data.words.HuggingFaceTextTokenizer;
import dev.gated.engine.data.words.TextTokenizer;
import dev.gated.engine.data.words.TokenizerOptions;
import dev.gated.engine.data.words.WordTokenizer;
import dev.gated.engine.data.words.WordVocabulary;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code data.tokenizer: {huggingface: tokenizer.json}}: a hand-written WordPiece tokenizer.json (test resource,
 * 21 entries, no normalizer, BERT pre-tokenizer) through DJL's binding, in words and parallel jobs.
 */
class HuggingFaceTokenizerTest {
    @TempDir
    Path dir;
    Path file;

    @BeforeEach
    void copyTheTokenizer() throws IOException {
        file = dir.resolve("tokenizer.json");
        copy("tokenizer.json", file);
        copy("not-a-tokenizer.json", dir.resolve("not-a-tokenizer.json"));
    }

    private static void copy(String name, Path to) throws IOException {
        try (InputStream in = HuggingFaceTokenizerTest.class.getResourceAsStream(
                "/dev/gated/engine/data/words/" + name)) {
            Files.copy(in, to);
        }
    }

    @Test
    void tokensAreTheFilesTokenStringsAndDetokenizeUsesItsDecoder() {
        TextTokenizer t = TextTokenizer.of(TokenizerOptions.huggingFace(file, true));
        assertInstanceOf(HuggingFaceTextTokenizer.class, t);
        List<String> tokens = t.tokenize("The Cats sat on a mat, playing.");
        assertEquals(List.of("the", "cat", "##s", "sat", "on", "a", "mat", ",", "play", "##ing", "."), tokens);
        assertEquals("the cats sat on a mat, playing.", t.detokenize(tokens));
        assertEquals(List.of(), t.tokenize("   "));
        assertEquals("", t.detokenize(List.of()));
        // A token the file lacks (the engine's <unk>) is the file's unknown token.
        assertEquals("[UNK] cat", t.detokenize(List.of(WordVocabulary.SPECIALS.get(1), "cat")));
        // Without lowercase the file decides: it has no normaliser, so "The" is unknown.
        TextTokenizer cased = TextTokenizer.of(TokenizerOptions.huggingFace(file, false));
        assertEquals(List.of("[UNK]", "cat"), cased.tokenize("The cat"));
        // The options come back pinned: absolute path and SHA-256.
        TokenizerOptions.HuggingFace pinned = t.options().huggingface().orElseThrow();
        assertEquals(file.toAbsolutePath().normalize(), pinned.file());
        assertTrue(pinned.sha256().orElseThrow().matches("[0-9a-f]{64}"), pinned.toString());
        assertEquals(t.options(), TextTokenizer.of(t.options()).options());
        // The engine's own tokenizer still joins with spaces.
        TextTokenizer words = TextTokenizer.of(TokenizerOptions.defaults());
        assertInstanceOf(WordTokenizer.class, words);
        assertEquals("a , b", words.detokenize(words.tokenize("A, b")));
    }

    @Test
    void aMissingChangedOrForeignFileIsRefused() throws IOException {
        TokenizerOptions pinned = TextTokenizer.of(TokenizerOptions.huggingFace(file, true)).options();
        Files.writeString(file, Files.readString(file).replace("\"alfombra\": 20", "\"alfombras\": 20"));
        IllegalArgumentException changed = assertThrows(IllegalArgumentException.class,
                () -> TextTokenizer.of(pinned));
        assertTrue(changed.getMessage().contains("has changed since the run was trained"), changed.getMessage());
        assertTrue(changed.getMessage().contains(file.toString()), changed.getMessage());
        Files.delete(file);
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> TextTokenizer.of(pinned));
        assertTrue(missing.getMessage().contains("no such file: " + file), missing.getMessage());
        Path bad = dir.resolve("not-a-tokenizer.json");
        IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class,
                () -> TextTokenizer.of(TokenizerOptions.huggingFace(bad, false)));
        assertTrue(foreign.getMessage().contains("cannot read " + bad + " as a tokenizer.json: "),
                foreign.getMessage());
        assertTrue(foreign.getMessage().contains("did not match any variant"), foreign.getMessage()); // the binding's own message
    }

    private JobConfig wordsJob() throws IOException {
        StringBuilder sb = new StringBuilder("text\tlabel\n");
        for (int k = 0; k < 20; k++) {
            sb.append(k % 2 == 0 ? "The cats sat on a mat." : "A dog, playing.").append('\t')
                    .append(k % 2 == 0 ? "pos" : "neg").append('\n');
        }
        Files.writeString(dir.resolve("texts.tsv"), sb);
        Path job = dir.resolve("job.yaml");
        Files.writeString(job, """
                data:
                  kind: words
                  path: texts.tsv
                  text_column: text
                  tokenizer: {huggingface: tokenizer.json, lowercase: true}
                  vocabulary: {min_count: 1}
                task:
                  kind: classify
                model:
                  embedding: {dim: 4}
                training:
                  seed: 3
                """);
        JobConfig c = JobFiles.load(job);
        assertEquals(TokenizerOptions.huggingFace(Path.of("tokenizer.json"), true),
                c.data().words().orElseThrow().tokenizer());
        Path resolved = dir.resolve("resolved.yaml");
        JobFiles.writeResolved(c, resolved);
        assertEquals(c, JobFiles.load(resolved));
        return c.withPathsResolved(dir);
    }

    @Test
    void aWordsJobBuildsItsVocabularyOverTheTokensAndRecordsTheFile() throws IOException {
        JobConfig c = wordsJob();
        assertEquals(file.toAbsolutePath().normalize(), c.data().words().orElseThrow().tokenizer().huggingface()
                .orElseThrow().file());
        JobData d = JobData.load(c, dir);
        WordsRecord rec = d.preprocessing().words().orElseThrow();
        WordVocabulary v = rec.vocabulary();
        assertEquals(WordVocabulary.SPECIALS, v.words().subList(0, 4));
        for (String w : List.of("the", "cat", "##s", "dog", "play", "##ing", ",", ".")) {
            assertTrue(v.contains(w), () -> w + " in " + v.words());
        }
        assertFalse(v.contains("cats") || v.contains("playing"), v.words()::toString);
        TokenizerOptions.HuggingFace hf = rec.tokenizer().huggingface().orElseThrow();
        assertEquals(file.toAbsolutePath().normalize(), hf.file());
        assertTrue(hf.sha256().isPresent());

        String json = d.preprocessing().toJson();
        assertTrue(json.contains("\"huggingface\"") && json.contains(hf.sha256().get()), json);
        assertFalse(json.contains("punctuation"), json);
        Preprocessing back = Preprocessing.fromJson(json, "preprocessing.json");
        assertEquals(d.preprocessing().words(), back.words());
        assertEquals(json, back.toJson());

        // A reopened run reads with the recorded file, and refuses a changed one.
        JobData again = JobData.load(c, dir, null, back);
        assertEquals(v, again.preprocessing().words().orElseThrow().vocabulary());
        Files.writeString(file, Files.readString(file).replace("\"mat\": 7", "\"mats\": 7"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JobData.load(c, dir, null, back));
        assertTrue(e.getMessage().contains("has changed since the run was trained"), e.getMessage());
    }

    @Test
    void aParallelCorpusUsesItOnBothSidesAndDecodesTargetsWithIt() throws IOException {
        StringBuilder sb = new StringBuilder("src\ttgt\n");
        for (int k = 0; k < 20; k++) {
            sb.append(k % 2 == 0 ? "The cats sat on a mat.\tLos gatos se sentó en la alfombra.\n"
                    : "A dog sat.\tEl perro se sentó.\n");
        }
        Files.writeString(dir.resolve("pairs.tsv"), sb);
        Path job = dir.resolve("job.yaml");
        Files.writeString(job, """
                data:
                  kind: parallel
                  path: pairs.tsv
                  source_column: src
                  target_column: tgt
                  tokenizer: {huggingface: tokenizer.json, lowercase: true}
                  vocabulary: {min_count: 1}
                task:
                  kind: translate
                model:
                  embedding: {dim: 3}
                training:
                  seed: 5
                """);
        JobConfig c = JobFiles.load(job).withPathsResolved(dir);
        TranslationCorpus corpus = TranslationData.load(c, dir.resolve("pairs.tsv"), null);
        assertInstanceOf(HuggingFaceTextTokenizer.class, corpus.tokenizer());
        TranslationRecord r = corpus.record();
        WordVocabulary src = r.sourceVocabulary();
        WordVocabulary tgt = r.targetVocabulary();
        assertTrue(src.contains("##s") && src.contains("dog"), src.words()::toString);
        assertTrue(tgt.contains("gato") && tgt.contains("##s") && tgt.contains("[UNK]"), tgt.words()::toString);
        assertArrayEquals(new int[] {src.id("cat"), src.id("##s")}, r.encodeSource("CATS"));
        int[] ids = {WordVocabulary.BOS_ID, tgt.id("el"), tgt.id("gato"), tgt.id("##s"), tgt.id("se"),
                tgt.id("sentó"), tgt.id("."), WordVocabulary.EOS_ID, tgt.id("perro")};
        assertEquals("el gatos se sentó.", r.decodeTarget(ids));
        assertEquals("el gatos se sentó.", r.decodeTarget(ids, corpus.tokenizer()));
        // References are compared in the same form: tokenized, then detokenized by the file's decoder.
        assertEquals("el perro se sentó.", new TranslationReport(null, r, null).normalise("El PERRO se sentó ."));

        Preprocessing p = Preprocessing.translation(r);
        Preprocessing back = Preprocessing.fromJson(p.toJson(), "preprocessing.json");
        assertEquals(r, back.translation().orElseThrow());
        assertEquals(p.toJson(), back.toJson());
        assertEquals(Optional.of(r.tokenizer().huggingface().orElseThrow().sha256().orElseThrow()),
                back.translation().orElseThrow().tokenizer().huggingface().orElseThrow().sha256());
    }

    private static final String JOB = """
            data:
              kind: words
              path: texts.tsv
              text_column: text
              tokenizer:
                huggingface: %s
            %s
            task:
              kind: classify
            model:
              embedding: {dim: 4}
            """;

    private String loadError(String path, String extra) throws IOException {
        Path job = dir.resolve("job.yaml");
        Files.writeString(job, String.format(JOB, path, extra));
        return assertThrows(JobConfigException.class, () -> JobFiles.load(job)).getMessage();
    }

    @Test
    void jobFileErrorsSayWhere() throws IOException {
        String both = loadError("tokenizer.json", "    punctuation: strip\n    nfkc: false");
        assertTrue(both.contains("job.yaml:7:5: data.tokenizer.punctuation: 'punctuation' is an option of the "
                + "engine's own tokenizer; with data.tokenizer.huggingface"), both);
        assertTrue(both.contains("job.yaml:8:5: data.tokenizer.nfkc:"), both);
        String missing = loadError("nope.json", "");
        assertTrue(missing.contains("job.yaml:6:18: data.tokenizer.huggingface: expected a Hugging Face "
                + "tokenizer.json, found no such file: " + dir.resolve("nope.json")), missing);
        assertTrue(missing.contains("resolved against the job file's folder"), missing);
        String foreign = loadError("not-a-tokenizer.json", "");
        assertTrue(foreign.contains("job.yaml:6:18: data.tokenizer.huggingface: Hugging Face tokenizer: cannot read "
                + dir.resolve("not-a-tokenizer.json") + " as a tokenizer.json: "), foreign);
        String dirInstead = loadError(".", "");
        assertTrue(dirInstead.contains("found a directory"), dirInstead);
    }
}
