package dev.gated.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.config.JobConfig;
import dev.gated.engine.config.JobFiles;
import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.data.timeseries.DataFormatException;
import dev.gated.engine.data.words.TokenSequences;
import dev.gated.engine.data.words.WordVocabulary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data of a words job: split, vocabulary from the training split only, encoding, saved preprocessing. */
class WordDataTest {
    @TempDir
    Path dir;

    /** Row k (0-based) holds the word "w{k}" twice plus "common"; the label alternates. */
    private Path data(int rows) throws IOException {
        StringBuilder sb = new StringBuilder("text\tlabel\n");
        for (int k = 0; k < rows; k++) {
            sb.append("w").append(k).append(" w").append(k).append(" common \"quoted\"\t")
                    .append(k % 2 == 0 ? "pos" : "neg").append('\n');
        }
        Path p = dir.resolve("texts.tsv");
        Files.writeString(p, sb);
        return p;
    }

    private JobConfig job(String extra) throws IOException {
        Path job = dir.resolve("job.yaml");
        Files.writeString(job, """
                data:
                  kind: words
                  path: texts.tsv
                  text_column: text
                """ + extra + """
                task:
                  kind: classify
                model:
                  embedding: {dim: 4}
                training:
                  seed: 3
                """);
        return JobFiles.load(job).withPathsResolved(dir);
    }

    @Test
    void theVocabularyComesFromTheTrainingSplitOnly() throws IOException {
        data(20);
        JobConfig c = job("");
        JobData d = JobData.load(c, dir);
        WordVocabulary v = d.preprocessing().words().orElseThrow().vocabulary();
        int[][] parts = JobData.shuffledSplit(20, c.data().split(), 3);
        for (int k : parts[0]) {
            assertTrue(v.contains("w" + k), () -> "training word w" + k + " in " + v.words());
        }
        for (int p = 1; p < 3; p++) {
            for (int k : parts[p]) {
                assertFalse(v.contains("w" + k), "a word only outside the training split is not in the vocabulary");
            }
        }
        assertTrue(v.contains("common") && v.contains("\"") && v.contains("quoted"), v.words()::toString);
        assertEquals(List.of("neg", "pos"), d.preprocessing().classes());
        TokenSequences test = (TokenSequences) d.test().orElseThrow();
        assertEquals(parts[2].length, test.size());
        for (int i = 0; i < test.size(); i++) {
            int[] ids = test.ids(i);
            // w{k} w{k} common " quoted ": the row's own word is unknown, the shared ones are not.
            assertEquals(WordVocabulary.UNK_ID, ids[0]);
            assertEquals(WordVocabulary.UNK_ID, ids[1]);
            assertEquals(v.id("common"), ids[2]);
            assertEquals(6, ids.length);
            assertEquals(parts[2][i] % 2 == 0 ? 1 : 0, test.label(i));
        }
        TokenSequences train = (TokenSequences) d.train();
        assertEquals(v.id("w" + parts[0][0]), train.ids(0)[0]);
        assertTrue(d.pretrainedEmbedding().isEmpty());
    }

    @Test
    void maxLengthTruncatesAtTheEndOrTheStartAndEmptyTextsArePadding() throws IOException {
        Files.writeString(dir.resolve("texts.tsv"), "text\tlabel\none two three four\ta\n\ta\none two\tb\n"
                + "one two three four\tb\n");
        JobConfig end = job("  max_length: 2\n  vocabulary: {min_count: 1}\n  split: [1.0, 0.0, 0.0]\n");
        JobData d = JobData.load(end, dir);
        WordVocabulary v = d.preprocessing().words().orElseThrow().vocabulary();
        TokenSequences t = (TokenSequences) d.train();
        assertArrayEquals(new int[] {v.id("one"), v.id("two")}, t.ids(0));
        assertArrayEquals(new int[] {WordVocabulary.PAD_ID}, t.ids(1));
        assertEquals(1, t.length(1));
        assertTrue(d.warnings().stream().anyMatch(w -> w.startsWith("2 of 4 texts were longer than max_length 2")),
                d.warnings()::toString);
        assertTrue(d.warnings().stream().anyMatch(w -> w.startsWith("1 of 4 texts have no words")),
                d.warnings()::toString);
        JobConfig start = job("  max_length: 2\n  truncation: start\n  vocabulary: {min_count: 1}\n"
                + "  split: [1.0, 0.0, 0.0]\n");
        TokenSequences s = (TokenSequences) JobData.load(start, dir).train();
        assertArrayEquals(new int[] {v.id("three"), v.id("four")}, s.ids(0));

        SequenceBatch b = t.batch(new int[] {0, 1, 2});
        assertTrue(b.hasTokens());
        assertEquals(2, b.seqLength());
        assertArrayEquals(new int[] {2, 1, 2}, b.lengths());
        assertArrayEquals(new int[] {0, 0, 1}, b.labels());
    }

    @Test
    void aReopenedRunReusesItsSavedVocabularyAndClasses() throws IOException {
        data(20);
        JobConfig c = job("");
        JobData trained = JobData.load(c, dir);
        Preprocessing saved = Preprocessing.fromJson(trained.preprocessing().toJson(), "preprocessing.json");
        assertEquals(trained.preprocessing().words().orElseThrow().vocabulary(),
                saved.words().orElseThrow().vocabulary());
        assertEquals(trained.preprocessing().words(), saved.words());
        JobData again = JobData.load(c, dir, null, saved);
        TokenSequences a = (TokenSequences) trained.test().orElseThrow();
        TokenSequences b = (TokenSequences) again.test().orElseThrow();
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.ids(i), b.ids(i));
        }
        // Prediction input: only the text column is needed.
        Path input = dir.resolve("new.csv");
        Files.writeString(input, "text\n\"w0 common, \"\"quoted\"\"\"\n\n");
        TokenSequences p = WordData.readForPrediction(input, c, saved);
        assertEquals(1, p.size());
        WordVocabulary v = saved.words().orElseThrow().vocabulary();
        assertEquals(-1, p.label(0));
        assertEquals(v.id("common"), p.ids(0)[1]);
        // A label the run never saw is an error naming the line.
        Files.writeString(dir.resolve("texts.tsv"), Files.readString(dir.resolve("texts.tsv")) + "x\tmaybe\n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> JobData.load(c, dir, null, saved));
        assertTrue(e.getMessage().contains("texts.tsv:22: column 'label': expected one of the run's 2 classes"),
                e.getMessage());
        assertTrue(Arrays.asList(e.getMessage().split(" ")).contains("'maybe'"), e.getMessage());
    }

    @Test
    void missingColumnsAndEmptyLabelsNameTheFileAndLine() throws IOException {
        Files.writeString(dir.resolve("texts.tsv"), "txt\tlabel\nhello\ta\n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> JobData.load(job(""), dir));
        assertTrue(e.getMessage().contains("texts.tsv:1: expected a column named 'text'"), e.getMessage());
        Files.writeString(dir.resolve("texts.tsv"), "text\tlabel\nhello\ta\nbye\t \n");
        e = assertThrows(DataFormatException.class, () -> JobData.load(job(""), dir));
        assertTrue(e.getMessage().contains("texts.tsv:3: column 2 ('label'): expected a class label, found an empty"),
                e.getMessage());
    }
}
