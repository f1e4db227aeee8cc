package dev.gated.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gated translate} on a tiny translation run trained here (and {@code gated train}'s attention plots). */
class TranslateCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_LENGTH = 20;

    @TempDir
    static Path tmp;
    static Path runDir;
    static String trainOut;

    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Gated.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString().replace(System.lineSeparator(), "\n"),
                err.toString().replace(System.lineSeparator(), "\n"));
    }

    /** 60 short verse pairs from the example corpus, a GRU encoder-decoder with attention, one epoch on the CPU. */
    @BeforeAll
    static void trainATinyTranslationRun() throws IOException {
        List<String> rows = Files.readAllLines(Path.of("../examples/translate/bible-en-es.tsv"), StandardCharsets.UTF_8);
        StringBuilder tsv = new StringBuilder(rows.get(0)).append('\n');
        int kept = 0;
        for (String row : rows.subList(1, rows.size())) {
            String[] cols = row.split("\t");
            if (cols.length == 3 && cols[1].split(" ").length <= 12 && cols[2].split(" ").length <= 12) {
                tsv.append(row).append('\n');
                if (++kept == 60) {
                    break;
                }
            }
        }
        assertEquals(60, kept);
        Path data = Files.writeString(tmp.resolve("pairs.tsv"), tsv);
        Path job = Files.writeString(tmp.resolve("mt.yaml"), String.join("\n",
                "data: {kind: parallel, path: " + data + ", source_column: en, target_column: es, max_length: "
                        + MAX_LENGTH + ", vocabulary: {min_count: 1}}",
                "model: {cell: gru, hidden: 16, layers: 1, bidirectional: true, embedding: {dim: 8}}",
                "task: {kind: translate}",
                "translation: {beam_width: 3}",
                "training: {epochs: 1, batch_size: 16, optimizer: adam, learning_rate: 0.01, device: cpu, seed: 1}",
                "output: {dir: " + tmp.resolve("runs") + "}", ""));
        Result r = run("train", job.toString(), "--quiet");
        assertEquals(0, r.code(), r.err() + "\n" + r.out());
        runDir = tmp.resolve("runs/mt");
        trainOut = r.out();
    }

    private static List<JsonNode> jsonLines(String text) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    private static List<String> lines(String text) {
        return List.of(text.split("\n", -1)).subList(0, (int) text.chars().filter(c -> c == '\n').count());
    }

    private static void assertPng(Path png) throws IOException {
        assertTrue(Files.isRegularFile(png), png + " missing");
        byte[] head = Files.readAllBytes(png);
        assertTrue(head.length > 8 && (head[0] & 0xff) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G',
                png + " is not a PNG");
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, png + " does not decode");
        assertTrue(image.getWidth() >= 300 && image.getHeight() >= 300, image.getWidth() + "x" + image.getHeight());
    }

    @Test
    void trainDrawsTheAttentionPlotsOfTheTestSentencesAndListsThem() throws IOException {
        assertTrue(Files.isRegularFile(runDir.resolve("attention.json")), trainOut);
        int sentences = JSON.readTree(runDir.resolve("attention.json").toFile()).get("sentences").size();
        assertTrue(sentences >= 1, "attention.json has sentences");
        for (int i = 1; i <= sentences; i++) {
            assertPng(runDir.resolve("attention-" + i + ".png"));
            assertTrue(trainOut.contains("attention-" + i + ".png"), trainOut);
        }
        assertFalse(Files.exists(runDir.resolve("attention-" + (sentences + 1) + ".png")));
        assertTrue(trainOut.contains("test_bleu_beam"), trainOut);
    }

    @Test
    void translatesSentencesGivenOnTheCommandLine() {
        Result r = run("translate", runDir.toString(), "In the beginning God created the heaven and the earth.",
                "And God said, Let there be light.");
        assertEquals(0, r.code(), r.err());
        List<String> out = lines(r.out());
        assertEquals(2, out.size(), r.out());
        for (String t : out) {
            assertEquals(t.strip(), t);
            assertFalse(t.contains("<eos>") || t.contains("<pad>"), t);
        }
        assertEquals("", r.err());
    }

    @Test
    void greedyAndBeamTranslationsMatchTheRunsOwnTestTranslations() throws IOException {
        // translations.tsv: line, source, reference, greedy, beam; the same sentences in one batch give the same.
        List<String> rows = Files.readAllLines(runDir.resolve("translations.tsv"), StandardCharsets.UTF_8);
        List<String> sources = new ArrayList<>();
        List<String> greedy = new ArrayList<>();
        List<String> beam = new ArrayList<>();
        for (String row : rows.subList(1, rows.size())) {
            String[] c = row.split("\t", -1);
            sources.add(c[1]);
            greedy.add(c[3]);
            beam.add(c[4]);
        }
        Path file = Files.write(dir.resolve("test.txt"), sources, StandardCharsets.UTF_8);
        Result g = run("translate", runDir.toString(), "--file", file.toString(), "--beam", "1");
        assertEquals(0, g.code(), g.err());
        assertEquals(greedy, lines(g.out()));
        Result b = run("translate", runDir.toString(), "--file", file.toString());
        assertEquals(0, b.code(), b.err());
        assertEquals(beam, lines(b.out()), "default: the job's beam_width 3");
        Result lp = run("translate", runDir.toString(), "--file", file.toString(), "--beam", "3", "--length-penalty",
                "0");
        assertEquals(0, lp.code(), lp.err());
        assertEquals(sources.size(), lines(lp.out()).size());
    }

    @Test
    void aFileKeepsEmptyLinesInPlaceCutsLongSentencesAndReadsUnknownWords() throws IOException {
        String longSentence = String.join(" ", java.util.Collections.nCopies(MAX_LENGTH + 15, "god"));
        Path file = Files.writeString(dir.resolve("in.txt"), String.join("\n",
                "In the beginning God created the heaven and the earth.", "", longSentence,
                "zyxwv qwertyu plokijh", ""), StandardCharsets.UTF_8);
        Result r = run("translate", runDir.toString(), "--file", file.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        List<JsonNode> out = jsonLines(r.out());
        assertEquals(4, out.size(), r.out());
        for (JsonNode o : out) {
            for (String key : List.of("source", "source_tokens", "translation", "tokens", "log_prob", "finished")) {
                assertTrue(o.has(key), key + " missing in " + o);
            }
        }
        JsonNode first = out.get(0);
        assertEquals("In the beginning God created the heaven and the earth.", first.get("source").asText());
        assertEquals("in", first.get("source_tokens").get(0).asText(), "lower-cased as in training");
        assertTrue(first.get("log_prob").isNumber() && first.get("log_prob").asDouble() <= 0, first.toString());
        assertTrue(first.get("finished").isBoolean());
        JsonNode last = first.get("tokens").get(first.get("tokens").size() - 1);
        assertEquals(first.get("finished").asBoolean(), "<eos>".equals(last.asText()), first.toString());

        JsonNode empty = out.get(1);
        assertEquals("", empty.get("source").asText());
        assertEquals("", empty.get("translation").asText());
        assertEquals(0, empty.get("tokens").size());

        assertEquals(MAX_LENGTH, out.get(2).get("source_tokens").size(), "cut to data.max_length");
        JsonNode unknown = out.get(3);
        assertEquals(3, unknown.get("source_tokens").size());
        unknown.get("source_tokens").forEach(t -> assertEquals("<unk>", t.asText(), unknown.toString()));

        // Plain text to a file: one line per input line, the empty one in place.
        Path output = dir.resolve("out/es.txt");
        Result w = run("translate", runDir.toString(), "--file", file.toString(), "--output", output.toString());
        assertEquals(0, w.code(), w.err());
        List<String> written = Files.readAllLines(output, StandardCharsets.UTF_8);
        assertEquals(4, written.size());
        assertEquals("", written.get(1));
        assertEquals(out.get(0).get("translation").asText(), written.get(0));
        assertTrue(w.out().startsWith("wrote 4 translations to " + output), w.out());
        Result again = run("translate", runDir.toString(), "--file", file.toString(), "--output", output.toString());
        assertEquals(ExitCodes.USAGE, again.code());
        assertTrue(again.err().contains("already exists; pass --overwrite"), again.err());
    }

    @Test
    void drawsOneAttentionPlotPerSentence() throws IOException {
        Path file = Files.writeString(dir.resolve("in.txt"), "In the beginning God created the heaven.\n\n"
                + "And God saw the light.\n", StandardCharsets.UTF_8);
        Path plots = dir.resolve("plots");
        Result r = run("translate", runDir.toString(), "--file", file.toString(), "--attention", plots.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(3, lines(r.out()).size(), r.out());
        assertPng(plots.resolve("attention-1.png"));
        assertFalse(Files.exists(plots.resolve("attention-2.png")), "an empty line has no plot");
        assertPng(plots.resolve("attention-3.png"));
        assertTrue(r.err().contains("wrote 2 attention plots to " + plots), r.err());

        Result positional = run("translate", runDir.toString(), "And God said.", "--attention", plots.toString());
        assertEquals(0, positional.code(), positional.err());
        assertPng(plots.resolve("attention-1.png"));
    }

    @Test
    void longFilesShowTheirProgressOnStderr() throws IOException {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < TranslateCommand.CHUNK + 5; i++) {
            many.add(i % 2 == 0 ? "god" : "light");
        }
        Path file = Files.write(dir.resolve("many.txt"), many, StandardCharsets.UTF_8);
        Result r = run("translate", runDir.toString(), "--file", file.toString(), "--beam", "1");
        assertEquals(0, r.code(), r.err());
        assertEquals(many.size(), lines(r.out()).size());
        assertEquals(String.format(Locale.ROOT, "translated %d/%d sentences%ntranslated %d/%d sentences%n",
                TranslateCommand.CHUNK, many.size(), many.size(), many.size()).replace(System.lineSeparator(), "\n"),
                r.err());
    }

    @Test
    void errorsNameThePathAndExitAsTheOtherCommandsDo() throws IOException {
        Path missing = dir.resolve("nope.txt");
        Result noFile = run("translate", runDir.toString(), "--file", missing.toString());
        assertEquals(ExitCodes.DATA, noFile.code());
        assertEquals("gated translate: error: --file " + missing + ": expected a text file with one sentence per "
                + "line, found no such file", noFile.err().strip());
        Result folder = run("translate", runDir.toString(), "--file", dir.toString());
        assertEquals(ExitCodes.DATA, folder.code());
        assertTrue(folder.err().contains("--file " + dir + ": expected a text file with one sentence per line, "
                + "found a directory"), folder.err());

        Result nothing = run("translate", runDir.toString());
        assertEquals(ExitCodes.USAGE, nothing.code());
        assertTrue(nothing.err().contains("nothing to translate"), nothing.err());
        Path file = Files.writeString(dir.resolve("one.txt"), "god\n");
        Result both = run("translate", runDir.toString(), "god", "--file", file.toString());
        assertEquals(ExitCodes.USAGE, both.code());
        Result beam = run("translate", runDir.toString(), "god", "--beam", "0");
        assertEquals(ExitCodes.USAGE, beam.code());
        assertTrue(beam.err().contains("--beam: expected >= 1"), beam.err());

        // A run of another task: a tiny forecast.
        StringBuilder csv = new StringBuilder("t,a\n");
        for (int t = 0; t < 60; t++) {
            csv.append(t).append(',').append(String.format(Locale.ROOT, "%.5f", Math.sin(0.3 * t))).append('\n');
        }
        Path data = Files.writeString(dir.resolve("wave.csv"), csv);
        Path job = Files.writeString(dir.resolve("wave.yaml"), String.join("\n",
                "data: {kind: csv, path: " + data + ", input_columns: [a], target_columns: [a], window: 8}",
                "model: {cell: gru, hidden: 4}", "task: {kind: forecast}",
                "training: {epochs: 1, batch_size: 16, device: cpu}",
                "output: {dir: " + dir.resolve("runs") + ", plots: false}", ""));
        assertEquals(0, run("train", job.toString(), "--quiet").code());
        Path wave = dir.resolve("runs/wave");
        Result other = run("translate", wave.toString(), "god");
        assertEquals(ExitCodes.USAGE, other.code());
        assertEquals("gated translate: error: " + wave + " is a forecast run, not a translation run (task translate); "
                + "use 'gated predict'", other.err().strip());
    }

    @Test
    void helpDescribesTheCommand() {
        Result r = run("translate", "--help");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Usage: gated translate"), r.out());
        for (String option : List.of("--file", "--beam", "--length-penalty", "--output", "--attention", "--json",
                "--checkpoint", "--device")) {
            assertTrue(r.out().contains(option), option + " missing from\n" + r.out());
        }
        assertTrue(run("--help").out().contains("translate"));
    }
}
