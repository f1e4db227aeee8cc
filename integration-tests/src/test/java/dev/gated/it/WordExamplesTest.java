package dev.gated.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled word-level examples (King James verses by genre) train, shortened to 3 epochs, well above the 1/6
 * chance level, and the pre-trained one reports the bundled vectors' coverage (docs/TEXT.md has the full runs).
 */
class WordExamplesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path WORDS = (Files.isDirectory(Path.of("../examples")) ? Path.of("../examples")
            : Path.of("examples")).resolve("words");

    @TempDir
    Path tmp;

    private JsonNode train(String name) throws IOException {
        CliRunner.Result r = CliRunner.run("train", WORDS.resolve(name + ".yaml").toString(), "--device", "cpu",
                "--set", "training.epochs=3", "--set", "output.dir=" + tmp.toAbsolutePath(), "--set",
                "output.plots=false");
        assertEquals(0, r.exitCode(), r::toString);
        JsonNode summary = JSON.readTree(tmp.resolve(name).resolve("summary.json").toFile());
        // Six balanced classes: chance is 1/6; three epochs reach about 0.5 (learned) and 0.6 (pre-trained).
        assertTrue(summary.path("test_accuracy").asDouble() > 0.35, () -> name + ": " + summary + "\n" + r);
        return summary;
    }

    @Test
    void learnedEmbeddingsLearnTheGenres() throws IOException {
        JsonNode s = train("bible-genre");
        assertTrue(s.path("embedding_coverage").isMissingNode(), s::toString);
    }

    @Test
    void preTrainedVectorsCoverMostOfTheVocabulary() throws IOException {
        JsonNode s = train("bible-genre-pretrained");
        assertTrue(s.path("embedding_coverage").asDouble() > 0.8, s::toString);
        assertTrue(s.path("embedding_words_found").asInt() > 2000, s::toString);
    }
}
