package dev.gated.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gated.engine.tune.StudyJournal;
import dev.gated.engine.tune.StudyState;
import dev.gated.engine.tune.TrialState;
import dev.gated.engine.train.MetricsLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code gated tune} end to end on the bundled Seattle weather data, in process: the study runs its budget, writes
 * the leaderboard, study.json, best.yaml and plots; {@code gated train best.yaml} reproduces the best trial's
 * objective exactly (same job, same seed, CPU); running the finished study again adds nothing; a changed space is
 * refused; {@code --show} prints the leaderboard. The bundled example study also runs (with a smaller budget).
 */
class TuneEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path EXAMPLES = Files.isDirectory(Path.of("../examples")) ? Path.of("../examples")
            : Path.of("examples");

    @TempDir
    Path tmp;

    private Path study(String space, String extra) throws Exception {
        Files.copy(EXAMPLES.resolve("forecast/seattle-weather.csv"), tmp.resolve("seattle-weather.csv"));
        Files.writeString(tmp.resolve("job.yaml"), """
                data: {kind: csv, path: seattle-weather.csv, date_column: date, input_columns: [temp_max, temp_min],
                       target_columns: [temp_max], window: 14, horizon: 1, split: [0.7, 0.15, 0.15]}
                model: {cell: lstm, hidden: 8}
                task: {kind: forecast}
                training: {optimizer: adam, learning_rate: 0.005, batch_size: 64, epochs: 3, seed: 3, device: cpu}
                """);
        Path f = tmp.resolve("study.yaml");
        Files.writeString(f, "study: {job: job.yaml, dir: " + tmp.resolve("tune").toAbsolutePath() + ", seed: 5}\n"
                + "objective: {metric: val_rmse}\n" + extra + "space:\n" + space);
        return f;
    }

    @Test
    void aStudyRunsItsBudgetAndBestYamlReproducesTheBestTrial() throws Exception {
        Path f = study("""
                  model.cell: {choice: [lstm, gru]}
                  training.learning_rate: {loguniform: [1.0e-3, 2.0e-2]}
                """, "budget: {trials: 4}\nsampler: {kind: random}\n");
        CliRunner.Result r = CliRunner.run("tune", f.toString());
        assertEquals(0, r.exitCode(), r::toString);
        Path dir = tmp.resolve("tune/study");
        StudyState state = StudyState.replay(new StudyJournal(dir).read());
        assertEquals(4, state.count());
        assertEquals(4, state.count(TrialState.COMPLETE), r::toString);
        for (String file : List.of("leaderboard.csv", "study.json", "best.yaml", "history.png", "parameters.png",
                "importance.png")) {
            assertTrue(Files.isRegularFile(dir.resolve(file)), file + "\n" + r);
        }
        assertTrue(r.out().contains("best: trial"), r::toString);
        // A forecaster is judged against the naive forecasts, also after tuning: the best trial's test comparison.
        assertTrue(r.out().contains("on the test split, the best trial's RMSE is"), r::toString);
        assertTrue(r.out().contains("the best naive baseline"), r::toString);
        JsonNode summary = JSON.readTree(dir.resolve("study.json").toFile());
        double best = summary.path("best").path("value").asDouble();
        assertEquals(state.best(dev.gated.engine.tune.Direction.MINIMIZE).orElseThrow().view().value(), best);

        CliRunner.Result train = CliRunner.run("train", dir.resolve("best.yaml").toString());
        assertEquals(0, train.exitCode(), train::toString);
        List<Map<String, Double>> rows = MetricsLog.read(dir.resolve("study-best/metrics.jsonl"));
        double retrained = rows.stream().mapToDouble(m -> m.get("val_rmse")).min().orElseThrow();
        assertEquals(best, retrained, 0.0, "gated train best.yaml gives the best trial's val_rmse bit for bit");

        CliRunner.Result again = CliRunner.run("tune", f.toString());
        assertEquals(0, again.exitCode(), again::toString);
        assertEquals(4, StudyState.replay(new StudyJournal(dir).read()).count(), "nothing is run twice");

        CliRunner.Result show = CliRunner.run("tune", f.toString(), "--show");
        assertEquals(0, show.exitCode(), show::toString);
        assertTrue(show.out().contains("trial  state"), show::toString);
        assertTrue(show.out().contains("complete"), show::toString);
    }

    @Test
    void aFolderOfAnotherStudyIsRefusedAndAGrowingBudgetContinues() throws Exception {
        Path f = study("  model.hidden: {choice: [4, 8]}\n", "budget: {trials: 1}\nsampler: {kind: grid}\n");
        assertEquals(0, CliRunner.run("tune", f.toString()).exitCode());
        String text = Files.readString(f);
        Files.writeString(f, text.replace("budget: {trials: 1}", "budget: {trials: 2}"));
        CliRunner.Result more = CliRunner.run("tune", f.toString());
        assertEquals(0, more.exitCode(), more::toString);
        StudyState s = StudyState.replay(new StudyJournal(tmp.resolve("tune/study")).read());
        assertEquals(2, s.count(), "the grid has 2 points and the budget grew to 2");
        assertEquals(List.of(4L, 8L), s.views().stream().map(t -> t.params().get("model.hidden")).toList());
        Files.writeString(f, text.replace("[4, 8]", "[4, 16]"));
        CliRunner.Result other = CliRunner.run("tune", f.toString());
        assertEquals(2, other.exitCode(), other::toString);
        assertTrue(other.err().contains("holds another study"), other::toString);
    }

    @Test
    void aTrialTheJobCannotTrainIsRecordedAsFailedAndTheStudyGoesOn() throws Exception {
        // A window longer than the training rows fails that trial only.
        Path f = study("  data.window: {choice: [14, 5000]}\n", "budget: {trials: 2}\nsampler: {kind: grid}\n");
        CliRunner.Result r = CliRunner.run("tune", f.toString());
        assertEquals(0, r.exitCode(), r::toString);
        StudyState s = StudyState.replay(new StudyJournal(tmp.resolve("tune/study")).read());
        assertEquals(TrialState.COMPLETE, s.trial(0).orElseThrow().state());
        assertEquals(TrialState.FAILED, s.trial(1).orElseThrow().state());
        assertTrue(s.trial(1).orElseThrow().reason().contains("window"), s.trial(1).orElseThrow().reason());
        assertTrue(r.out().contains("trial 1 failed"), r::toString);
    }

    /** Each bundled study (its base job has the same name in examples/forecast/), cut to one trial. */
    @ParameterizedTest
    @ValueSource(strings = {"seattle-weather", "co2-concentration"})
    void theBundledExampleStudyRuns(String name) throws Exception {
        Path example = EXAMPLES.resolve("tune/" + name + ".yaml");
        String text = Files.readString(example).replace("trials: 20", "trials: 1")
                .replace("job: ../forecast/" + name + ".yaml", "job: " + EXAMPLES.resolve(
                        "forecast/" + name + ".yaml").toAbsolutePath())
                .replace("seed: 1", "seed: 1\n  dir: " + tmp.resolve("ex").toAbsolutePath());
        Path f = tmp.resolve(name + ".yaml");
        Files.writeString(f, text);
        assertTrue(text.contains("trials: 1\n") && text.contains("  dir: "), text);
        CliRunner.Result r = CliRunner.run("tune", f.toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(Files.isRegularFile(tmp.resolve("ex/" + name + "/best.yaml")), r::toString);
        assertTrue(r.out().contains("it beats every naive baseline"), r::toString);
    }
}
