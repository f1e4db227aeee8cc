package dev.gated.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gated train} and {@code gated translate} with {@code data.tokenizer: {huggingface: tokenizer.json}}: the
 * engine's hand-written WordPiece test tokenizer, one epoch on the CPU.
 */
class HuggingFaceTranslateTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Gated.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void aRunTrainedWithAHuggingFaceTokenizerTranslatesWithItAndRefusesAChangedFile() throws IOException {
        Path tokenizer = dir.resolve("tokenizer.json");
        Files.copy(Path.of("../engine/src/test/resources/dev/gated/engine/data/words/tokenizer.json"), tokenizer);
        StringBuilder tsv = new StringBuilder("en\tes\n");
        for (int k = 0; k < 24; k++) {
            tsv.append(k % 2 == 0 ? "The cats sat on a mat.\tLos gatos se sentó en la alfombra.\n"
                    : "A dog sat.\tEl perro se sentó.\n");
        }
        Files.writeString(dir.resolve("pairs.tsv"), tsv);
        Path job = Files.writeString(dir.resolve("mt.yaml"), String.join("\n",
                "data: {kind: parallel, path: pairs.tsv, source_column: en, target_column: es,",
                "       tokenizer: {huggingface: tokenizer.json, lowercase: true}, vocabulary: {min_count: 1}}",
                "model: {cell: gru, hidden: 8, layers: 1, embedding: {dim: 4}}",
                "task: {kind: translate}",
                "training: {epochs: 1, batch_size: 8, optimizer: adam, learning_rate: 0.01, device: cpu, seed: 1}",
                "output: {dir: " + dir.resolve("runs") + "}", ""));
        Result t = run("train", job.toString(), "--quiet");
        assertEquals(0, t.code(), t.err() + "\n" + t.out());
        Path runDir = dir.resolve("runs/mt");
        String pre = Files.readString(runDir.resolve("preprocessing.json"));
        assertTrue(pre.contains("\"huggingface\"") && pre.contains("\"sha256\""), pre);

        Result r = run("translate", runDir.toString(), "The cats sat.", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode o = JSON.readTree(r.out().lines().findFirst().orElseThrow());
        assertEquals("[\"the\",\"cat\",\"##s\",\"sat\",\".\"]", o.get("source_tokens").toString());
        assertFalse(o.get("translation").asText().contains("##"), o.toString()); // the file's decoder joined them

        Files.writeString(tokenizer, Files.readString(tokenizer).replace("\"mat\": 7", "\"mats\": 7"));
        Result changed = run("translate", runDir.toString(), "The cats sat.");
        assertNotEquals(0, changed.code());
        assertTrue(changed.err().contains("has changed since the run was trained"), changed.err());
    }
}
