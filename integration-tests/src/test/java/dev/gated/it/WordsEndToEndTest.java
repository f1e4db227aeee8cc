package dev.gated.it;

import static dev.gated.it.InProcessRuns.assertSameMetrics;
import static dev.gated.it.InProcessRuns.assertStopAndResumeBitIdentical;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gated.engine.data.words.WordVocabulary;
import dev.gated.engine.io.HostTensor;
import dev.gated.engine.train.RunFolder;
import dev.gated.engine.train.TrainingJob;
import dev.gated.engine.train.TrainingListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Word-level text classification end to end on the CPU backend: a tiny TSV of two classes told apart by their
 * words, trained with a learned embedding and with a small pre-trained .vec file (frozen and not), then
 * {@code gated evaluate} and {@code gated predict} on the run folder, and a stopped run resumed bit-identically.
 */
class WordsEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] GOOD = {"good", "great", "excellent", "love", "wonderful"};
    private static final String[] BAD = {"bad", "awful", "terrible", "hate", "boring"};
    private static final String[] FILLER = {"the", "movie", "was", "a", "film", "plot", "it", "and", "really"};

    @TempDir
    Path tmp;

    /** 160 reviews: filler words and one or two words of the class's own list. */
    private Path reviews() throws IOException {
        Random rnd = new Random(11);
        StringBuilder sb = new StringBuilder("id\ttext\tlabel\n");
        for (int k = 0; k < 160; k++) {
            boolean good = k % 2 == 0;
            List<String> words = new ArrayList<>();
            int n = 3 + rnd.nextInt(6);
            for (int i = 0; i < n; i++) {
                words.add(FILLER[rnd.nextInt(FILLER.length)]);
            }
            String[] own = good ? GOOD : BAD;
            words.add(rnd.nextInt(words.size() + 1), own[rnd.nextInt(own.length)]);
            if (rnd.nextBoolean()) {
                words.add(rnd.nextInt(words.size() + 1), own[rnd.nextInt(own.length)]);
            }
            sb.append(k).append('\t').append(String.join(" ", words)).append(k % 7 == 0 ? "!" : "").append('\t')
                    .append(good ? "pos" : "neg").append('\n');
        }
        Path p = tmp.resolve("reviews.tsv");
        Files.writeString(p, sb);
        return p;
    }

    /** 4-dimensional vectors: the good words +1 and the bad words -1 in the first value; "movie" capitalised. */
    private Path vectors() throws IOException {
        StringBuilder sb = new StringBuilder();
        int n = 0;
        for (String w : GOOD) {
            sb.append(w).append(" 1 0.1 0 0\n");
            n++;
        }
        for (String w : BAD) {
            sb.append(w).append(" -1 0.1 0 0\n");
            n++;
        }
        sb.append("Movie 0 0 0.5 0\nunrelated 0 0 0 1\n");
        n += 2;
        Path p = tmp.resolve("tiny.vec");
        Files.writeString(p, n + " 4\n" + sb);
        return p;
    }

    private Path job(String name, String embedding) throws IOException {
        reviews();
        Path job = tmp.resolve(name + ".yaml");
        Files.writeString(job, String.join("\n",
                "data:",
                "  kind: words",
                "  path: reviews.tsv",
                "  text_column: text",
                "  max_length: 10",
                "  vocabulary: {min_count: 1}",
                "model:",
                "  cell: gru",
                "  hidden: 16",
                "  embedding: " + embedding,
                "task:",
                "  kind: classify",
                "training:",
                "  optimizer: adam",
                "  learning_rate: 0.02",
                "  batch_size: 16",
                "  epochs: 8",
                "  seed: 4",
                "  device: cpu",
                "  checkpoint_every_steps: 5",
                "  bucketing: true",
                "output:",
                "  dir: " + tmp.resolve("out").toAbsolutePath(),
                "  plots: false",
                ""));
        return job;
    }

    private static TrainingJob.Result train(Path job, String name, List<String> warnings, List<String> reports) {
        return TrainingJob.run(new TrainingJob.Options(job, List.of("output.name=" + name), RunFolder.Resume.NEVER,
                false), new TrainingListener() {
                    @Override
                    public void onWarning(String message) {
                        warnings.add(message);
                    }

                    @Override
                    public void onReport(String title, List<String> lines) {
                        reports.add(title + ": " + String.join(" | ", lines));
                    }
                }, () -> false);
    }

    private static JsonNode json(Path file) throws IOException {
        return JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
    }

    @Test
    void aLearnedEmbeddingSeparatesTheClassesAndTheRunFolderServesEvaluateAndPredict() throws IOException {
        Path job = job("words", "{dim: 8}");
        List<String> warnings = new ArrayList<>();
        List<String> reports = new ArrayList<>();
        TrainingJob.Result r = train(job, "learned", warnings, reports);
        assertTrue(r.finished());
        assertTrue(r.summary().get("test_accuracy") >= 0.9, () -> "test accuracy " + r.summary());
        assertTrue(reports.stream().anyMatch(l -> l.startsWith("words: vocabulary: ")), reports::toString);
        Path run = r.runDir();
        JsonNode pre = json(run.resolve(RunFolder.PREPROCESSING));
        JsonNode words = pre.path("words");
        assertEquals("split", words.path("tokenizer").path("punctuation").asText());
        assertEquals(10, words.path("max_length").asInt());
        assertEquals("end", words.path("truncation").asText());
        assertEquals(WordVocabulary.PAD, words.path("vocabulary").path("words").get(0).asText());
        assertTrue(pre.path("embedding_coverage").isMissingNode(), "no pre-trained vectors, no coverage");
        assertEquals("[\"neg\",\"pos\"]", pre.path("classes").toString());
        assertEquals("test_index,actual,predicted",
                Files.readAllLines(run.resolve(RunFolder.PREDICTIONS)).get(0));

        CliRunner.Result ev = CliRunner.run("evaluate", run.toString(), "--device", "cpu");
        assertEquals(0, ev.exitCode(), ev::toString);
        assertTrue(ev.out().contains("test_accuracy"), ev::toString);
        double accuracy = Double.parseDouble(ev.out().lines().filter(l -> l.trim().startsWith("test_accuracy "))
                .findFirst().orElseThrow().trim().split("\\s+")[1]);
        assertEquals(r.summary().get("test_accuracy"), accuracy, 1e-5, "evaluate gives the training run's figure");

        Path input = tmp.resolve("new.tsv");
        String longText = "the movie was really " + "the plot and it ".repeat(10) + "excellent";
        Files.writeString(input, "text\nwhat a wonderful great film\nawful and boring , i hate it\n\n" + longText
                + "\n");
        Path out = tmp.resolve("predicted.csv");
        CliRunner.Result p = CliRunner.run("predict", run.toString(), "--input", input.toString(), "--output",
                out.toString(), "--device", "cpu");
        assertEquals(0, p.exitCode(), p::toString);
        List<String> rows = Files.readAllLines(out);
        assertEquals("index,predicted,p_neg,p_pos", rows.get(0));
        // The blank line is skipped as in every CSV; the long text is cut to its first 10 tokens.
        assertEquals(4, rows.size(), rows::toString);
        assertTrue(rows.get(1).startsWith("0,pos,"), rows::toString);
        assertTrue(rows.get(2).startsWith("1,neg,"), rows::toString);
        String[] cells = rows.get(3).split(",");
        assertEquals(1.0, Double.parseDouble(cells[2]) + Double.parseDouble(cells[3]), 1e-5);

        Path empty = tmp.resolve("empty.csv");
        Files.writeString(empty, "text,label\n\"\",pos\nlove it,pos\n");
        CliRunner.Result pe = CliRunner.run("predict", run.toString(), "--input", empty.toString(), "--output",
                tmp.resolve("e.csv").toString(), "--device", "cpu");
        assertEquals(0, pe.exitCode(), pe::toString);
        assertEquals(3, Files.readAllLines(tmp.resolve("e.csv")).size(), "an empty text still gets a prediction");

        // inspect and export know the embedding layer (PyTorch's nn.Embedding named "embedding").
        CliRunner.Result inspect = CliRunner.run("inspect", run.toString());
        assertEquals(0, inspect.exitCode(), inspect::toString);
        assertTrue(inspect.out().contains("embedding.weight"), inspect::toString);
        CliRunner.Result export = CliRunner.run("export", run.toString(), "--format", "safetensors");
        assertEquals(0, export.exitCode(), export::toString);
        assertTrue(dev.gated.engine.io.SafeTensors.read(run.resolve("export/model.safetensors")).tensors()
                .containsKey("embedding.weight"));

        CliRunner.Result missing = CliRunner.run("predict", run.toString(), "--input", tmp.resolve("e.csv")
                .toString(), "--output", tmp.resolve("x.csv").toString(), "--device", "cpu");
        assertFalse(missing.exitCode() == 0, missing::toString);
        assertTrue(missing.err().contains("expected a column named 'text'"), missing::toString);
    }

    @Test
    void pretrainedVectorsFrozenAndNot() throws IOException {
        vectors();
        for (boolean freeze : new boolean[] {true, false}) {
            String name = freeze ? "frozen" : "tuned";
            Path job = job(name, "{pretrained: tiny.vec, freeze: " + freeze + "}");
            List<String> warnings = new ArrayList<>();
            List<String> reports = new ArrayList<>();
            TrainingJob.Result r = train(job, name, warnings, reports);
            assertTrue(r.summary().get("test_accuracy") >= 0.9, () -> name + ": test accuracy " + r.summary());
            assertTrue(reports.stream().anyMatch(l -> l.contains("pre-trained embedding: 11 of ")), reports::toString);
            Path run = r.runDir();
            JsonNode cov = json(run.resolve(RunFolder.PREPROCESSING)).path("embedding_coverage");
            assertEquals(11, cov.path("found").asInt(), cov::toString);
            int vocabWords = cov.path("words").asInt();
            assertEquals(11.0 / vocabWords, cov.path("fraction").asDouble(), 1e-12);
            assertEquals(1, cov.path("lowercase").asInt(), "movie found as Movie");
            assertTrue(cov.path("missing_examples").size() > 0);
            JsonNode summary = json(run.resolve(RunFolder.SUMMARY));
            assertEquals(11.0 / vocabWords, summary.path("embedding_coverage").asDouble(), 1e-12);
            assertTrue(warnings.stream().noneMatch(w -> w.contains("have a pre-trained vector")) == (11.0 / vocabWords
                    >= 0.5), warnings::toString);

            JsonNode vocab = json(run.resolve(RunFolder.PREPROCESSING)).path("words").path("vocabulary").path("words");
            int good = -1;
            for (int i = 0; i < vocab.size(); i++) {
                good = vocab.get(i).asText().equals("good") ? i : good;
            }
            HostTensor weight = InProcessRuns.weights(run).get("embedding.weight");
            float[] w = weight.toFloatArray();
            float[] row = {w[good * 4], w[good * 4 + 1], w[good * 4 + 2], w[good * 4 + 3]};
            float[] zero = {w[0], w[1], w[2], w[3]};
            assertArrayEquals(new float[4], zero, "the padding row stays zero");
            if (freeze) {
                assertArrayEquals(new float[] {1, 0.1f, 0, 0}, row, "a frozen embedding keeps the file's vector");
            } else {
                assertFalse(java.util.Arrays.equals(new float[] {1, 0.1f, 0, 0}, row), "a tuned one moves");
            }
            CliRunner.Result ev = CliRunner.run("evaluate", run.toString(), "--device", "cpu");
            assertEquals(0, ev.exitCode(), ev::toString);
        }
        // The run folder does not need the pre-trained file any more.
        Files.delete(tmp.resolve("tiny.vec"));
        CliRunner.Result ev = CliRunner.run("evaluate", tmp.resolve("out/frozen").toString(), "--device", "cpu");
        assertEquals(0, ev.exitCode(), ev::toString);
    }

    @Test
    void aStoppedWordsRunResumesBitIdentical() throws IOException {
        vectors();
        Path job = job("resume", "{pretrained: tiny.vec, dim: 4}");
        TrainingJob.Result a = InProcessRuns.run(job, "a", RunFolder.Resume.NEVER, 0);
        assertTrue(a.finished());
        TrainingJob.Result b = assertStopAndResumeBitIdentical(job, "b", 13, a);
        assertSameMetrics(a.runDir(), b.runDir(), List.of("train_loss", "val_loss", "val_accuracy", "grad_norm"));
        Map<String, HostTensor> wa = InProcessRuns.weights(a.runDir());
        assertTrue(wa.containsKey("embedding.weight"), wa.keySet()::toString);
    }
}
