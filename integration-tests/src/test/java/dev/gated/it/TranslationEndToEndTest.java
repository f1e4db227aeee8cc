package dev.gated.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gated.engine.train.RunFolder;
import dev.gated.engine.train.TrainingJob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Translation jobs end to end on the CPU backend: a synthetic language whose sentences are the source's words
 * mapped one to one and reversed (easy with attention, hard without), trained to a high BLEU; a stopped run resumed
 * bit-identically, scheduled sampling included; and the bundled Bible example, shortened, through the CLI.
 */
class TranslationEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path TRANSLATE = (Files.isDirectory(Path.of("../examples")) ? Path.of("../examples")
            : Path.of("examples")).resolve("translate");

    @TempDir
    Path tmp;

    /** 800 pairs: 3 to 7 source words "w0".."w11", target = each word's "v" twin, in reverse order. */
    private Path reversal() throws IOException {
        Random rnd = new Random(5);
        StringBuilder sb = new StringBuilder("src\ttgt\n");
        for (int k = 0; k < 800; k++) {
            int n = 3 + rnd.nextInt(5);
            List<String> src = new ArrayList<>();
            List<String> tgt = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int w = rnd.nextInt(12);
                src.add("w" + w);
                tgt.add(0, "v" + w);
            }
            sb.append(String.join(" ", src)).append('\t').append(String.join(" ", tgt)).append('\n');
        }
        Path data = tmp.resolve("reversal.tsv");
        Files.writeString(data, sb.toString(), StandardCharsets.UTF_8);
        return data;
    }

    private Path job(Path data, String attention, int epochs, String teacherForcing) throws IOException {
        Path job = tmp.resolve("reversal-" + attention + ".yaml");
        Files.writeString(job, String.join("\n",
                "data: {kind: parallel, path: " + data.toAbsolutePath() + ", source_column: src, target_column: tgt,",
                "       vocabulary: {min_count: 1}, split: [0.8, 0.1, 0.1]}",
                "model: {cell: gru, hidden: 48, layers: 1, bidirectional: true, embedding: {dim: 16}}",
                "task: {kind: translate}",
                "translation: {attention: " + attention + ", teacher_forcing: " + teacherForcing
                        + ", beam_width: 3}",
                "training: {optimizer: adam, learning_rate: 0.01, batch_size: 32, epochs: " + epochs
                        + ", seed: 3, clip_grad_norm: 1.0}",
                "output: {dir: " + tmp.toAbsolutePath() + ", plots: false}", ""));
        return job;
    }

    private static JsonNode summary(TrainingJob.Result r) throws IOException {
        return JSON.readTree(r.runDir().resolve(RunFolder.SUMMARY).toFile());
    }

    @Test
    void attentionLearnsToReverseAndAttendsToTheMirroredWord() throws IOException {
        TrainingJob.Result r = InProcessRuns.run(job(reversal(), "luong", 8, "1.0"), "luong",
                RunFolder.Resume.NEVER, 0);
        assertTrue(r.finished());
        JsonNode s = summary(r);
        assertTrue(s.path("test_bleu_greedy").asDouble() > 60, s::toString);
        assertTrue(s.path("test_bleu_beam").asDouble() > 60, s::toString);
        assertTrue(s.path("test_bleu_copy_source").asDouble() < 1, s::toString);
        List<String> lines = Files.readAllLines(r.runDir().resolve("translations.tsv"));
        assertEquals(81, lines.size(), "header + 80 test pairs");
        // Output word k mirrors source word n-1-k: its attention should peak there for most words.
        JsonNode sentences = JSON.readTree(r.runDir().resolve("attention.json").toFile()).path("sentences");
        assertEquals(3, sentences.size());
        int mirrored = 0;
        int words = 0;
        for (JsonNode sentence : sentences) {
            int n = sentence.path("source").size();
            JsonNode rows = sentence.path("weights");
            for (int k = 0; k < Math.min(n, rows.size() - 1); k++) {
                int argmax = 0;
                double sum = 0;
                for (int j = 0; j < n; j++) {
                    sum += rows.get(k).get(j).asDouble();
                    if (rows.get(k).get(j).asDouble() > rows.get(k).get(argmax).asDouble()) {
                        argmax = j;
                    }
                }
                assertEquals(1, sum, 1e-3);
                mirrored += argmax == n - 1 - k ? 1 : 0;
                words++;
            }
        }
        assertTrue(mirrored >= words * 0.6, mirrored + " of " + words + " output words attend to their mirror");
    }

    @Test
    void aStoppedRunResumesBitIdenticallyWithScheduledSampling() throws IOException {
        Path job = job(reversal(), "bahdanau", 2, "{start: 1.0, end: 0.5}");
        TrainingJob.Result whole = InProcessRuns.run(job, "whole", RunFolder.Resume.NEVER, 0);
        TrainingJob.Result resumed = InProcessRuns.assertStopAndResumeBitIdentical(job, "parts", 27, whole);
        InProcessRuns.assertSameMetrics(whole.runDir(), resumed.runDir(), List.of("train_loss", "val_loss"));
        assertEquals(summary(whole).path("test_bleu_beam").asDouble(), summary(resumed).path("test_bleu_beam")
                .asDouble());
    }

    @Test
    void theBundledExamplesTrainThroughTheCli() throws IOException {
        for (String name : List.of("bible-en-es", "bible-en-es-pretrained")) {
            CliRunner.Result r = CliRunner.run("train", TRANSLATE.resolve(name + ".yaml").toString(), "--device",
                    "cpu", "--set", "training.epochs=1", "--set", "data.max_length=10", "--set", "model.hidden=32",
                    "--set", "model.layers=1", "--set", "translation.beam_width=2", "--set",
                    "output.dir=" + tmp.toAbsolutePath(), "--set", "output.plots=false");
            assertEquals(0, r.exitCode(), r::toString);
            JsonNode s = JSON.readTree(tmp.resolve(name).resolve(RunFolder.SUMMARY).toFile());
            assertTrue(Double.isFinite(s.path("test_bleu_beam").asDouble()), s::toString);
            assertTrue(s.path("test_chrf_beam").asDouble() > 0, s::toString);
            assertFalse(Files.readAllLines(tmp.resolve(name).resolve("translations.tsv")).isEmpty());
            if (name.endsWith("pretrained")) {
                assertTrue(s.path("embedding_coverage").asDouble() > 0.8, s::toString);
            }
        }
    }
}
