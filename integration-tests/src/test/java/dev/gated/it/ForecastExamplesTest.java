package dev.gated.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every bundled forecasting example runs (shortened to a few steps, so that CI stays fast) and reports the model
 * against the naive baselines; a CO2 job that sets only the data, the target and the horizon beats them all:
 * the trend-following behaviour the defaults were chosen for (see docs/FORECASTING.md).
 */
class ForecastExamplesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path FORECAST = (Files.isDirectory(Path.of("../examples")) ? Path.of("../examples")
            : Path.of("examples")).resolve("forecast");

    @TempDir
    Path tmp;

    static Stream<String> exampleJobs() throws IOException {
        try (Stream<Path> s = Files.list(FORECAST)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @Test
    void everyBundledSeriesHasAnExampleJob() throws IOException {
        List<String> jobs = exampleJobs().toList();
        for (String csv : List.of("seattle-weather", "co2-concentration", "us-macro-quarterly", "global-temp",
                "unemployment-by-industry")) {
            assertTrue(jobs.contains(csv + ".yaml"), csv + " in " + jobs);
        }
    }

    @ParameterizedTest
    @MethodSource("exampleJobs")
    void theExampleTrainsAndIsComparedWithEveryBaseline(String name) throws IOException {
        Path job = FORECAST.resolve(name);
        CliRunner.Result r = CliRunner.run("train", job.toString(), "--device", "cpu", "--set", "training.epochs=1",
                "--set", "output.dir=" + tmp.toAbsolutePath(), "--set", "output.plots=false");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("test split: the model and the naive baselines"), r::toString);
        Path run = tmp.resolve(name.replace(".yaml", ""));
        JsonNode f = JSON.readTree(run.resolve("forecast.json").toFile());
        for (String b : List.of("model", "last_value", "drift", "moving_average")) {
            assertTrue(f.path("forecasters").path(b).path("overall").path("mase").isNumber(), b + " in " + f);
        }
        assertTrue(Files.size(run.resolve("predictions.csv")) > 0);
    }

    /** The goal's job: only the data, the target and the horizon (and what the file needs: dates, its gaps). */
    @Test
    void aCo2JobWithOnlyDataTargetAndHorizonBeatsEveryBaseline() throws IOException {
        Path job = tmp.resolve("co2-minimal.yaml");
        Path csv = FORECAST.resolve("co2-concentration.csv").toAbsolutePath();
        Files.writeString(job, "data:\n  kind: csv\n  path: " + csv + "\n  date_column: Date\n"
                + "  nan_policy: interpolate\n  target_columns: [CO2]\n  horizon: 6\n"
                + "task:\n  kind: forecast\noutput:\n  dir: " + tmp.toAbsolutePath() + "\n  plots: false\n");
        CliRunner.Result r = CliRunner.run("train", job.toString(), "--device", "cpu");
        assertEquals(0, r.exitCode(), r::toString);
        JsonNode f = JSON.readTree(tmp.resolve("co2-minimal/forecast.json").toFile());
        assertTrue(f.path("beats_baselines").asBoolean(false), () -> "the CO2 forecast should beat every baseline: "
                + f.path("forecasters") + "\n" + r);
        assertFalse(r.out().contains("does not beat the naive baselines"), r::toString);
        // The failure: a forecast stuck in the training range is about 10 times worse than seasonal naive.
        double model = f.path("forecasters").path("model").path("overall").path("rmse").asDouble();
        double seasonal = f.path("forecasters").path("seasonal_naive").path("overall").path("rmse").asDouble();
        assertTrue(model < 0.6 * seasonal, "model RMSE " + model + " vs seasonal naive " + seasonal);
    }
}
