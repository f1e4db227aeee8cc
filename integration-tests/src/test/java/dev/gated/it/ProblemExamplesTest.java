package dev.gated.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.config.JobConfig;
import dev.gated.engine.config.JobFiles;
import dev.gated.engine.train.JobData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The before/after jobs of docs/TRAINING-PROBLEMS.md (examples/problems/) still load, validate and find their data,
 * so the page cannot rot when a key is renamed or a rule tightened. Nothing is trained here (that takes minutes);
 * the measured figures live on the page.
 */
class ProblemExamplesTest {
    /** The examples folder, from the integration-tests module (Maven's working directory) or the repository root. */
    private static final Path PROBLEMS = (Files.isDirectory(Path.of("../examples")) ? Path.of("../examples")
            : Path.of("examples")).resolve("problems");

    static List<Path> jobs() throws IOException {
        try (Stream<Path> files = Files.list(PROBLEMS)) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @Test
    void thePageHasItsExamplePairs() throws IOException {
        List<String> names = jobs().stream().map(p -> p.getFileName().toString()).toList();
        for (String job : List.of("long-window-no-clip.yaml", "long-window-clip.yaml",
                "long-window-clip-standardized.yaml", "overfit.yaml", "overfit-regularized.yaml",
                "slow-sgd-constant.yaml", "slow-sgd-one-cycle.yaml", "long-memory-default.yaml",
                "long-memory-remedies.yaml")) {
            assertTrue(names.contains(job), job + " missing from " + PROBLEMS + ": " + names);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jobs")
    void loadsValidatesAndReadsItsData(Path job) {
        JobConfig config = JobFiles.load(job);
        JobData data = JobData.load(config, job.toAbsolutePath().getParent());
        assertTrue(data.train().size() > 0, job + ": empty training split");
        assertTrue(data.validation().isPresent(), job + ": the page's figures need a validation split");
        assertTrue(data.test().isPresent(), job + ": the page's figures need a test split");
    }

    /** A before/after pair is a fair comparison only if the data, the model size and the seed are the same. */
    @ParameterizedTest(name = "{0} vs {1}")
    @CsvSource({"long-window-no-clip.yaml, long-window-clip.yaml", "overfit.yaml, overfit-regularized.yaml",
            "slow-sgd-constant.yaml, slow-sgd-one-cycle.yaml", "long-memory-default.yaml, long-memory-remedies.yaml"})
    void pairsDifferOnlyInTheRemedy(String before, String after) {
        JobConfig b = JobFiles.load(PROBLEMS.resolve(before));
        JobConfig a = JobFiles.load(PROBLEMS.resolve(after));
        assertEquals(b.data(), a.data(), "data");
        assertEquals(b.task(), a.task(), "task");
        assertEquals(b.model().cell(), a.model().cell(), "cell");
        assertEquals(b.model().layers(), a.model().layers(), "layers");
        assertEquals(b.model().hidden(), a.model().hidden(), "hidden");
        assertEquals(b.training().optimizer(), a.training().optimizer(), "optimizer");
        assertEquals(b.training().learningRate(), a.training().learningRate(), "learning_rate");
        assertEquals(b.training().seed(), a.training().seed(), "seed");
        assertFalse(b.equals(a), "the pair is identical");
    }
}
