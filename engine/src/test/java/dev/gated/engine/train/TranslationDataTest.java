package dev.gated.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.config.JobConfig;
import dev.gated.engine.config.JobFiles;
import dev.gated.engine.data.parallel.EncodedPair;
import dev.gated.engine.data.parallel.PairBatch;
import dev.gated.engine.data.parallel.PairBatches;
import dev.gated.engine.data.parallel.ParallelSplits;
import dev.gated.engine.data.timeseries.DataFormatException;
import dev.gated.engine.data.words.Coverage;
import dev.gated.engine.data.words.TokenizerOptions;
import dev.gated.engine.data.words.WordVocabulary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data of a translation job: split, vocabularies from the training split, length limits, saved record. */
class TranslationDataTest {
    @TempDir
    Path dir;

    /**
     * Row k (0-based, file line k + 2): source "s{k} shared" and target "t{k} común", except that every row
     * with k % 5 == 4 has 6 extra tokens on its source side ("long long long long long long").
     */
    private Path data(int rows) throws IOException {
        StringBuilder sb = new StringBuilder("id\tsrc\ttgt\n");
        for (int k = 0; k < rows; k++) {
            sb.append(k).append("\ts").append(k).append(" shared").append(k % 5 == 4 ? " long long long long long long"
                    : "").append("\tt").append(k).append(" común\n");
        }
        Path p = dir.resolve("pairs.tsv");
        Files.writeString(p, sb);
        return p;
    }

    private JobConfig job(String extraData, String extraModel) throws IOException {
        Path job = dir.resolve("job.yaml");
        Files.writeString(job, """
                data:
                  kind: parallel
                  path: pairs.tsv
                  source_column: src
                  target_column: tgt
                  vocabulary: {min_count: 1}
                """ + extraData + """
                task:
                  kind: translate
                model:
                  embedding: {dim: 3""" + extraModel + """
                }
                training:
                  seed: 5
                """);
        return JobFiles.load(job).withPathsResolved(dir);
    }

    private static Set<Integer> rows(List<EncodedPair> pairs) {
        Set<Integer> out = new HashSet<>();
        pairs.forEach(p -> out.add(p.line() - 2));
        return out;
    }

    @Test
    void theVocabulariesComeFromTheTrainingSplitOnly() throws IOException {
        data(40);
        JobConfig c = job("", "");
        TranslationCorpus corpus = TranslationData.load(c, dir.resolve("pairs.tsv"), null);
        int[][] parts = JobData.shuffledSplit(40, c.data().split(), 5);
        assertEquals(32, parts[0].length); // the default split [0.8, 0.1, 0.1]
        ParallelSplits s = corpus.splits();
        assertEquals(List.of(32, 4, 4), List.of(s.train().size(), s.validation().size(), s.test().size()));
        WordVocabulary src = corpus.sourceVocabulary();
        WordVocabulary tgt = corpus.targetVocabulary();
        assertEquals(WordVocabulary.SPECIALS, src.words().subList(0, 4));
        assertEquals(WordVocabulary.SPECIALS, tgt.words().subList(0, 4));
        for (int k : parts[0]) {
            assertTrue(src.contains("s" + k) && tgt.contains("t" + k), "training words of row " + k);
            assertFalse(src.contains("t" + k) || tgt.contains("s" + k), "each side has its own vocabulary");
        }
        for (int p = 1; p < 3; p++) {
            for (int k : parts[p]) {
                assertFalse(src.contains("s" + k) || tgt.contains("t" + k), "held-out words are not in them");
            }
        }
        assertTrue(src.contains("shared") && tgt.contains("común"));
        // Each part keeps the file order; the parts are the shuffled split's.
        assertEquals(rows(s.validation()), toSet(parts[1]));
        assertEquals(rows(s.test()), toSet(parts[2]));
        EncodedPair first = s.test().get(0);
        assertEquals(parts[2][0] + 2, first.line());
        assertEquals("t" + parts[2][0] + " común", first.targetText());
        assertArrayEquals(new int[] {WordVocabulary.UNK_ID, src.id("shared")}, java.util.Arrays.copyOf(first.source(), 2));
        assertArrayEquals(new int[] {WordVocabulary.UNK_ID, tgt.id("común")}, first.target());
        assertEquals(List.of(), corpus.notes());
        assertEquals(Optional.empty(), corpus.pretrainedSource());
        assertEquals(Optional.empty(), corpus.coverage());
        assertEquals(new TranslationRecord(TokenizerOptions.defaults(), Optional.empty(), src, tgt, Optional.empty()),
                corpus.record());
        assertEquals(corpus.record(), corpus.preprocessing().translation().orElseThrow());

        // The same seed gives the same corpus; every batch of an epoch is well-formed.
        TranslationCorpus again = TranslationData.load(c, dir.resolve("pairs.tsv"), null);
        assertEquals(corpus.splits(), again.splits());
        int seen = 0;
        for (PairBatch b : PairBatches.epoch(s.train(), 8, null, 5, 0)) {
            seen += b.batchSize();
        }
        assertEquals(32, seen);
    }

    private static Set<Integer> toSet(int[] a) {
        Set<Integer> out = new HashSet<>();
        for (int x : a) {
            out.add(x);
        }
        return out;
    }

    @Test
    void longTrainingPairsAreLeftOutAndHeldOutPairsCut() throws IOException {
        data(40);
        JobConfig c = job("  max_length: 4\n", "");
        TranslationCorpus corpus = TranslationData.load(c, dir.resolve("pairs.tsv"), null);
        int[][] parts = JobData.shuffledSplit(40, c.data().split(), 5);
        int longTrain = 0;
        for (int k : parts[0]) {
            longTrain += k % 5 == 4 ? 1 : 0;
        }
        assertTrue(longTrain > 0);
        ParallelSplits s = corpus.splits();
        assertEquals(32 - longTrain, s.train().size());
        for (EncodedPair p : s.train()) {
            assertTrue((p.line() - 2) % 5 != 4, "a long pair is not trained on");
            assertTrue(p.sourceLength() <= 4 && p.targetLength() <= 4);
        }
        // Words only in the left-out pairs are not in the vocabulary: "long" is only in them.
        assertFalse(corpus.sourceVocabulary().contains("long"));
        assertEquals(longTrain + " of 32 training pairs have more than max_length 4 tokens on one side or both and "
                + "are left out of training", corpus.notes().get(0));
        int longHeld = 0;
        for (List<EncodedPair> part : List.of(s.validation(), s.test())) {
            for (EncodedPair p : part) {
                int k = p.line() - 2;
                if (k % 5 == 4) {
                    longHeld++;
                    assertEquals(4, p.sourceLength(), "cut to max_length");
                    assertEquals("s" + k + " shared long long long long long long", p.sourceText(), "text in full");
                } else {
                    assertEquals(2, p.sourceLength());
                }
            }
        }
        assertEquals(8, s.validation().size() + s.test().size());
        if (longHeld > 0) {
            assertTrue(corpus.notes().get(1).startsWith(longHeld + " of 8 validation and test pairs have more than "
                    + "max_length 4 tokens"), corpus.notes()::toString);
        }
        assertEquals(Optional.of(4), corpus.record().maxLength());

        // A target longer than the limit is cut too (validation loss), its text kept.
        Files.writeString(dir.resolve("pairs.tsv"), "src\ttgt\na\tb c d e f g\n");
        JobConfig all = job("  max_length: 4\n  split: [1, 0, 0]\n", "");
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> TranslationData.load(all, dir.resolve("pairs.tsv"), null));
        assertTrue(e.getMessage().contains("pairs.tsv: expected training pairs with at most max_length 4 tokens on "
                + "each side, found none of the training split's 1"), e::getMessage);
        Files.writeString(dir.resolve("pairs.tsv"), "src\ttgt\na\tb\nx\tb c d e f g\n");
        // With seed 5 and [0.5, 0.5, 0] one row trains and the other validates; find which.
        JobConfig half = job("  max_length: 4\n  split: [0.5, 0.5, 0]\n", "");
        int[][] p2 = JobData.shuffledSplit(2, half.data().split(), 5);
        TranslationCorpus h = TranslationData.load(half, dir.resolve("pairs.tsv"), null);
        if (p2[1][0] == 1) {
            EncodedPair v = h.splits().validation().get(0);
            assertEquals(4, v.targetLength());
            assertEquals("b c d e f g", v.targetText());
        } else {
            assertEquals(1, h.splits().train().size() + h.splits().validation().size());
        }
    }

    @Test
    void emptyCellsAreAllowedAndRaggedRowsAreNot() throws IOException {
        Files.writeString(dir.resolve("pairs.tsv"), "src\ttgt\n\tnada\nhola\t\nuno dos\tone two\n");
        JobConfig c = job("  split: [1, 0, 0]\n", "");
        TranslationCorpus corpus = TranslationData.load(c, dir.resolve("pairs.tsv"), null);
        List<EncodedPair> train = corpus.splits().train();
        assertEquals(3, train.size());
        assertEquals(0, train.get(0).sourceLength());
        assertEquals("", train.get(0).sourceText());
        assertEquals(0, train.get(1).targetLength());
        PairBatch b = PairBatch.of(train);
        assertArrayEquals(new int[] {1, 1, 2}, b.sourceLengths());
        assertArrayEquals(new int[] {2, 1, 3}, b.targetLengths());
        assertEquals(List.of("1 of 3 pairs have an empty source; each is read as one <pad> step",
                "1 of 3 pairs have an empty target; the decoder learns to say just <eos>"), corpus.notes());

        Files.writeString(dir.resolve("pairs.tsv"), "src\ttgt\na\tb\nc\n");
        DataFormatException ragged = assertThrows(DataFormatException.class,
                () -> TranslationData.load(c, dir.resolve("pairs.tsv"), null));
        assertTrue(ragged.getMessage().contains("pairs.tsv:3: expected 2 fields as in the header, found 1"),
                ragged::getMessage);

        Files.writeString(dir.resolve("pairs.tsv"), "source\ttgt\na\tb\n");
        DataFormatException column = assertThrows(DataFormatException.class,
                () -> TranslationData.load(c, dir.resolve("pairs.tsv"), null));
        assertTrue(column.getMessage().contains("pairs.tsv:1: expected a column named 'src' in the header, found "
                + "only 'source', 'tgt'"), column::getMessage);

        Files.writeString(dir.resolve("pairs.csv"), "src,tgt\n\"hello, world\",hola\n");
        Path job = dir.resolve("job.yaml");
        Files.writeString(job, Files.readString(job).replace("pairs.tsv", "pairs.csv"));
        TranslationCorpus csv = TranslationData.load(JobFiles.load(job).withPathsResolved(dir),
                dir.resolve("pairs.csv"), null);
        assertEquals("hello, world", csv.splits().train().get(0).sourceText());
        assertEquals(3, csv.splits().train().get(0).sourceLength()); // hello , world
    }

    @Test
    void aSavedRunReusesItsTokenizerAndVocabulariesAndReadsNoVectors() throws IOException {
        data(40);
        Files.writeString(dir.resolve("vectors.vec"), "2 3\nshared 0.1 0.2 0.3\ns0 1 2 3\n");
        JobConfig c = job("  max_length: 6\n", ", pretrained: vectors.vec");
        TranslationCorpus trained = TranslationData.load(c, dir.resolve("pairs.tsv"), null);
        float[] m = trained.pretrainedSource().orElseThrow();
        WordVocabulary src = trained.sourceVocabulary();
        assertEquals(src.size() * 3, m.length);
        int shared = src.id("shared");
        assertArrayEquals(new float[] {0.1f, 0.2f, 0.3f}, java.util.Arrays.copyOfRange(m, shared * 3, shared * 3 + 3));
        assertArrayEquals(new float[3], java.util.Arrays.copyOfRange(m, 0, 3), "<pad> is the zero row");
        Coverage coverage = trained.coverage().orElseThrow();
        assertEquals(src.size() - 4, coverage.words());
        assertEquals(trained.coverage(), trained.record().coverage());

        Preprocessing saved = Preprocessing.fromJson(trained.preprocessing().toJson(), "preprocessing.json");
        assertEquals(trained.record(), saved.translation().orElseThrow());
        // Another data file: new words are <unk>, the vocabularies stay; the vectors file is not read.
        Files.delete(dir.resolve("vectors.vec"));
        Files.writeString(dir.resolve("pairs.tsv"), "id\tsrc\ttgt\n1\tshared brandnew\tcomún nuevo\n2\tx\ty\n");
        JobConfig reopened = job("  max_length: 6\n  split: [1, 0, 0]\n", "").withPathsResolved(dir);
        TranslationCorpus again = TranslationData.load(reopened, dir.resolve("pairs.tsv"), saved);
        assertEquals(src, again.sourceVocabulary());
        assertEquals(trained.targetVocabulary(), again.targetVocabulary());
        assertEquals(Optional.empty(), again.pretrainedSource());
        assertEquals(trained.coverage(), again.coverage());
        List<EncodedPair> all = new ArrayList<>(again.splits().train());
        assertArrayEquals(new int[] {shared, WordVocabulary.UNK_ID}, all.get(0).source());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TranslationData.load(reopened, dir.resolve("pairs.tsv"), Preprocessing.none()));
        assertTrue(e.getMessage().contains("has no translation section"), e::getMessage);
    }

    @Test
    void encodeSourceAndDecodeTarget() throws IOException {
        data(40);
        TranslationRecord r = TranslationData.load(job("  max_length: 3\n", ""), dir.resolve("pairs.tsv"), null)
                .record();
        WordVocabulary src = r.sourceVocabulary();
        WordVocabulary tgt = r.targetVocabulary();
        int shared = src.id("shared");
        // Tokenized as in training (lower-cased, punctuation split); unseen words are <unk>.
        assertArrayEquals(new int[] {shared, WordVocabulary.UNK_ID, WordVocabulary.UNK_ID},
                r.encodeSource("SHARED zebra!"));
        // Longer than max_length: the end goes.
        assertArrayEquals(new int[] {shared, shared, shared}, r.encodeSource("shared shared shared shared shared"));
        assertArrayEquals(new int[0], r.encodeSource(""));
        assertArrayEquals(new int[0], r.encodeSource("   "));
        PairBatch b = PairBatch.of(List.of(new EncodedPair(1, "", "", r.encodeSource(""), new int[0])));
        assertArrayEquals(new int[] {WordVocabulary.PAD_ID}, b.source());

        int comun = tgt.id("común");
        assertEquals("común <unk> común", r.decodeTarget(new int[] {WordVocabulary.BOS_ID, comun,
                WordVocabulary.UNK_ID, WordVocabulary.PAD_ID, comun, WordVocabulary.EOS_ID, comun}));
        assertEquals("", r.decodeTarget(new int[] {WordVocabulary.EOS_ID}));
        assertEquals("", r.decodeTarget(new int[0]));
        assertThrows(IllegalArgumentException.class, () -> r.decodeTarget(new int[] {tgt.size()}));
    }

    @Test
    void preprocessingJsonRoundTripWithATranslationRecord() {
        WordVocabulary src = WordVocabulary.build(List.of(List.of("a", "b", "a")), 1, 100);
        WordVocabulary tgt = WordVocabulary.build(List.of(List.of("x", "y", "y")), 1, 100);
        TranslationRecord rec = new TranslationRecord(new TokenizerOptions(false, TokenizerOptions.Punctuation.STRIP,
                TokenizerOptions.Numbers.MASK, false), Optional.of(12), src, tgt,
                Optional.of(new Coverage(2, 1, 1, 0, 400, List.of("b"))));
        Preprocessing p = Preprocessing.translation(rec);
        String json = p.toJson();
        assertTrue(json.contains("\"translation\""), json);
        Preprocessing back = Preprocessing.fromJson(json, "preprocessing.json");
        assertEquals(rec, back.translation().orElseThrow());
        assertEquals(Optional.empty(), back.words());
        assertEquals(json, back.toJson());
        TranslationRecord plain = new TranslationRecord(TokenizerOptions.defaults(), Optional.empty(), src, tgt,
                Optional.empty());
        assertEquals(plain, Preprocessing.fromJson(Preprocessing.translation(plain).toJson(), "p.json").translation()
                .orElseThrow());
        // A file written before translation runs loads without one.
        assertEquals(Optional.empty(), Preprocessing.fromJson(Preprocessing.none().toJson(), "old.json").translation());
        assertEquals(Optional.empty(), Preprocessing.fromJson("{\"classes\": [\"a\"]}", "old.json").translation());
    }

    /** The bundled Bible corpus, from the repository root or the engine folder. */
    private static Path bible() {
        for (String p : List.of("../examples/translate/bible-en-es.tsv", "examples/translate/bible-en-es.tsv")) {
            if (Files.exists(Path.of(p))) {
                return Path.of(p);
            }
        }
        throw new AssertionError("examples/translate/bible-en-es.tsv not found from " + Path.of("").toAbsolutePath());
    }

    @Test
    void aSliceOfTheBundledBibleLoadsEndToEnd() throws IOException {
        List<String> lines = Files.readAllLines(bible(), StandardCharsets.UTF_8);
        assertEquals(List.of("ref", "en", "es"), List.of(lines.get(0).split("\t")));
        assertEquals(9_228, lines.size(), "header and 9,227 pairs");
        Path slice = dir.resolve("pairs.tsv");
        Files.write(slice, lines.subList(0, 401), StandardCharsets.UTF_8);
        Path job = dir.resolve("job.yaml");
        Files.writeString(job, """
                data:
                  kind: parallel
                  path: pairs.tsv
                  source_column: en
                  target_column: es
                  max_length: 20
                task:
                  kind: translate
                model:
                  embedding: {dim: 8}
                training:
                  seed: 1
                """);
        JobConfig c = JobFiles.load(job).withPathsResolved(dir);
        TranslationCorpus corpus = TranslationData.load(c, c.data().path(), null);
        ParallelSplits s = corpus.splits();
        assertEquals(80, s.validation().size() + s.test().size());
        // Verses longer than 20 tokens on either side are left out of training, and the note says how many.
        assertTrue(s.train().size() > 100 && s.train().size() < 320, () -> s.train().size() + " training pairs");
        assertEquals((320 - s.train().size()) + " of 320 training pairs have more than max_length 20 tokens on one "
                + "side or both and are left out of training", corpus.notes().get(0));
        for (EncodedPair t : s.train()) {
            assertTrue(t.sourceLength() <= 20 && t.targetLength() <= 20);
        }
        assertTrue(corpus.sourceVocabulary().contains("god") && corpus.targetVocabulary().contains("dios"),
                "lower-cased, seen at least twice");
        assertTrue(corpus.sourceVocabulary().size() > 100 && corpus.targetVocabulary().size() > 100);
        EncodedPair p = s.train().get(0);
        assertEquals(lines.get(p.line() - 1).split("\t")[1], p.sourceText());
        assertFalse(corpus.record().decodeTarget(p.target()).isEmpty());
        for (PairBatch b : PairBatches.inOrder(s.test(), 16)) {
            assertTrue(b.sourceSteps() <= 20 && b.targetSteps() <= 21);
        }
        System.out.println("bible slice: " + s.train().size() + "/" + s.validation().size() + "/" + s.test().size()
                + " pairs, vocabularies " + corpus.sourceVocabulary().size() + " + " + corpus.targetVocabulary().size()
                + "; " + corpus.notes());
    }
}
