package dev.gated.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gated.cli.Gated;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.io.HostTensor;
import dev.gated.engine.io.Npy;
import dev.gated.engine.io.SafeTensors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gated train} and the commands that use a run folder ({@code evaluate}, {@code predict}, {@code generate},
 * {@code export}, {@code inspect}), end to end, in-process, on the CPU backend, with the three example jobs shrunk
 * to a few seconds each.
 */
class TrainCommandEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The examples folder, from the integration-tests module (Maven's working directory) or the repository root. */
    private static final Path EXAMPLES = Files.isDirectory(Path.of("../examples")) ? Path.of("../examples")
            : Path.of("examples");
    private static final Path FORECAST_JOB = EXAMPLES.resolve("forecast/seattle-weather.yaml");
    private static final Path FORECAST_CSV = EXAMPLES.resolve("forecast/seattle-weather.csv");
    private static final Path CLASSIFY_JOB = EXAMPLES.resolve("classify/waveforms.yaml");
    private static final Path CLASSIFY_CSV = EXAMPLES.resolve("classify/waveforms.csv");
    private static final Path TEXT_JOB = EXAMPLES.resolve("text/pride-and-prejudice.yaml");

    @TempDir
    Path tmp;

    private String[] train(Path job, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", job.toString(), "--device", "cpu",
                "--set", "output.dir=" + tmp.toAbsolutePath()));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    private static String[] forecastSettings(String... extra) {
        List<String> args = new ArrayList<>(List.of("--set", "training.epochs=2", "--set", "model.hidden=8"));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    private static void assertNoStackTrace(CliRunner.Result r) {
        assertFalse(r.out().contains("\tat ") || r.err().contains("\tat "), () -> "no stack trace expected\n" + r);
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    // ---- forecasting ----

    @Test
    void forecastRunFolderAndTheCommandsThatUseIt() throws IOException {
        CliRunner.Result r = CliRunner.run(train(FORECAST_JOB, forecastSettings()));
        assertEquals(0, r.exitCode(), r::toString);
        Path run = tmp.resolve("seattle-weather");
        assertTrue(Files.isDirectory(run), r::toString);

        for (String f : List.of("job.yaml", "preprocessing.json", "metrics.jsonl", "metrics.csv",
                "checkpoints/last.safetensors", "checkpoints/best.safetensors", "model.safetensors",
                "predictions.csv", "summary.json", "training.png", "forecast.png")) {
            assertTrue(Files.isRegularFile(run.resolve(f)), () -> "missing " + f + "\n" + r);
        }

        List<String> jsonl = lines(run.resolve("metrics.jsonl"));
        assertEquals(2, jsonl.size(), () -> String.join("\n", jsonl));
        for (int e = 0; e < 2; e++) {
            JsonNode row = JSON.readTree(jsonl.get(e));
            for (String k : List.of("epoch", "step", "train_loss", "val_loss", "val_mae")) {
                assertTrue(row.has(k) && row.get(k).isNumber(), "metrics.jsonl line " + (e + 1) + " lacks " + k
                        + ": " + row);
            }
            assertEquals(e + 1, row.get("epoch").asInt(), row::toString);
        }
        assertTrue(JSON.readTree(jsonl.get(1)).get("step").asLong() > JSON.readTree(jsonl.get(0)).get("step").asLong());
        List<String> csv = lines(run.resolve("metrics.csv"));
        assertEquals(3, csv.size(), () -> "header + 2 rows:\n" + String.join("\n", csv));
        assertTrue(csv.get(0).contains("epoch") && csv.get(0).contains("train_loss"), csv.get(0));

        // model.safetensors: PyTorch names and shapes (I = 4 input columns, H = 8, one target).
        SafeTensors.Contents model = SafeTensors.read(run.resolve("model.safetensors"));
        Map<String, Shape> expected = new LinkedHashMap<>();
        expected.put("rnn.weight_ih_l0", Shape.of(32, 4));
        expected.put("rnn.weight_hh_l0", Shape.of(32, 8));
        expected.put("rnn.bias_ih_l0", Shape.of(32));
        expected.put("rnn.bias_hh_l0", Shape.of(32));
        expected.put("head.weight", Shape.of(1, 8));
        expected.put("head.bias", Shape.of(1));
        assertEquals(expected.keySet(), model.tensors().keySet());
        expected.forEach((name, shape) -> assertEquals(shape, model.tensor(name).shape(), name));

        List<String> predictions = lines(run.resolve("predictions.csv"));
        assertEquals("origin_date,step,date,actual_temp_max,predicted_temp_max,last_value_temp_max,"
                + "seasonal_naive_temp_max,drift_temp_max,moving_average_temp_max", predictions.get(0));
        assertTrue(predictions.size() > 100, "test split predictions: " + predictions.size());

        JsonNode summary = JSON.readTree(run.resolve("summary.json").toFile());
        assertTrue(summary.path("test_mae").isNumber(), summary::toString);
        for (String k : List.of("test_mase", "test_smape", "test_last_value_mae", "test_seasonal_naive_rmse",
                "test_drift_mase", "test_moving_average_smape", "test_skill_rmse", "test_beats_baselines")) {
            assertTrue(summary.path(k).isNumber(), () -> k + " in " + summary);
        }
        assertTrue(Files.isRegularFile(run.resolve("forecast.json")), "forecast.json");

        assertNotNull(ImageIO.read(run.resolve("training.png").toFile()), "training.png");
        assertNotNull(ImageIO.read(run.resolve("forecast.png").toFile()), "forecast.png");

        assertTrue(r.out().contains(run.toString()), () -> "stdout should name the run folder\n" + r);
        assertTrue(r.out().contains("finished:") && r.out().contains("test_mae")
                && r.out().contains("last_value") && r.out().contains("seasonal_naive"),
                () -> "stdout should show the summary and the baselines' table\n" + r);

        // evaluate: the same test MAE as summary.json, to the printed precision.
        CliRunner.Result ev = CliRunner.run("evaluate", run.toString());
        assertEquals(0, ev.exitCode(), ev::toString);
        Matcher m = Pattern.compile("(?m)^\\s+test_mae\\s+(\\S+)\\s*$").matcher(ev.out());
        assertTrue(m.find(), () -> "evaluate should print test_mae\n" + ev);
        assertEquals(String.format(Locale.ROOT, "%.6g", summary.get("test_mae").asDouble()), m.group(1), ev::toString);

        // predict: one forecast per window of 30 rows in the 1461-row file (one row more for the first difference).
        Path out = tmp.resolve("forecast-predictions.csv");
        CliRunner.Result p = CliRunner.run("predict", run.toString(), "--input", FORECAST_CSV.toString(),
                "--output", out.toString());
        assertEquals(0, p.exitCode(), p::toString);
        List<String> rows = lines(out);
        assertEquals(1461 - 30 - 1 + 1, rows.size() - 1, () -> "data rows of " + out + "; header " + rows.get(0));

        CliRunner.Result x = CliRunner.run("export", run.toString(), "--format", "safetensors");
        assertEquals(0, x.exitCode(), x::toString);
        Path exported = run.resolve("export/model.safetensors");
        assertTrue(Files.isRegularFile(exported), x::toString);
        assertEquals(expected.keySet(), SafeTensors.read(exported).tensors().keySet());

        CliRunner.Result i = CliRunner.run("inspect", run.toString());
        assertEquals(0, i.exitCode(), i::toString);
    }

    @Test
    void anExistingRunFolderIsNeverWrittenOverWithoutAFlag() throws IOException {
        CliRunner.Result first = CliRunner.run(train(FORECAST_JOB, forecastSettings()));
        assertEquals(0, first.exitCode(), first::toString);
        Path run = tmp.resolve("seattle-weather");
        byte[] model = Files.readAllBytes(run.resolve("model.safetensors"));
        byte[] metrics = Files.readAllBytes(run.resolve("metrics.jsonl"));

        CliRunner.Result again = CliRunner.run(train(FORECAST_JOB, forecastSettings()));
        assertEquals(Gated.USAGE, again.exitCode(), again::toString);
        assertTrue(again.err().contains("already exists") && again.err().contains("--resume")
                && again.err().contains("--overwrite"), again::toString);
        assertNoStackTrace(again);
        assertArrayEquals(model, Files.readAllBytes(run.resolve("model.safetensors")), "model.safetensors changed");
        assertArrayEquals(metrics, Files.readAllBytes(run.resolve("metrics.jsonl")), "metrics.jsonl changed");

        // --resume on a finished run: nothing left to do, no new steps.
        CliRunner.Result resumed = CliRunner.run(train(FORECAST_JOB, forecastSettings("--resume")));
        assertEquals(0, resumed.exitCode(), resumed::toString);
        List<String> jsonl = lines(run.resolve("metrics.jsonl"));
        assertEquals(2, jsonl.size(), () -> String.join("\n", jsonl));
        assertEquals(new String(metrics, StandardCharsets.UTF_8).strip(), String.join("\n", jsonl).strip());

        CliRunner.Result overwritten = CliRunner.run(train(FORECAST_JOB, forecastSettings("--overwrite")));
        assertEquals(0, overwritten.exitCode(), overwritten::toString);
        assertEquals(2, lines(run.resolve("metrics.jsonl")).size());
        assertTrue(Files.isRegularFile(run.resolve("model.safetensors")));
    }

    // ---- classification ----

    @Test
    void classificationRunAndPredictions() throws IOException {
        CliRunner.Result r = CliRunner.run(train(CLASSIFY_JOB, "--set", "training.epochs=2"));
        assertEquals(0, r.exitCode(), r::toString);
        Path run = tmp.resolve("waveforms");
        assertTrue(Files.isRegularFile(run.resolve("confusion.png")), r::toString);
        assertNotNull(ImageIO.read(run.resolve("confusion.png").toFile()));
        assertEquals("sequence,actual,predicted", lines(run.resolve("predictions.csv")).get(0));

        Path out = tmp.resolve("p.csv");
        CliRunner.Result p = CliRunner.run("predict", run.toString(), "--input", CLASSIFY_CSV.toString(),
                "--output", out.toString());
        assertEquals(0, p.exitCode(), p::toString);
        List<String> rows = lines(out);
        assertTrue(rows.get(0).startsWith("sequence,predicted,p_sawtooth"), rows.get(0));
        assertEquals(600, rows.size() - 1, "data rows");
    }

    // ---- language model ----

    @Test
    void textRunGeneratesReproducibleTextAndRejectsUnknownCharacters() throws IOException {
        CliRunner.Result r = CliRunner.run(train(TEXT_JOB, "--set", "training.epochs=1", "--set", "model.hidden=32"));
        assertEquals(0, r.exitCode(), r::toString);
        Path run = tmp.resolve("pride-and-prejudice");
        assertTrue(Files.isRegularFile(run.resolve("sample.txt")), r::toString);

        String[] gen = {"generate", run.toString(), "--prompt", "It is a", "--length", "50", "--seed", "3"};
        CliRunner.Result a = CliRunner.run(gen);
        CliRunner.Result b = CliRunner.run(gen);
        assertEquals(0, a.exitCode(), a::toString);
        assertEquals(0, b.exitCode(), b::toString);
        assertEquals(a.out(), b.out(), "the same seed should give the same text");
        String text = a.out().replaceFirst("\\R\\z", "");
        assertTrue(text.startsWith("It is a"), text);
        assertEquals(7 + 50, text.codePointCount(0, text.length()), () -> "prompt + 50 characters: '" + text + "'");

        CliRunner.Result bad = CliRunner.run("generate", run.toString(), "--prompt", "It is a €", "--length", "5");
        assertEquals(Gated.USAGE, bad.exitCode(), bad::toString);
        assertTrue(bad.err().contains("€"), () -> "the message should name the character\n" + bad);
        assertNoStackTrace(bad);
    }

    // ---- bad input ----

    @Test
    void aMisspeltKeyIsReportedWithItsPositionAndASuggestion() throws IOException {
        String yaml = Files.readString(FORECAST_JOB).replace("training:", "trainig:");
        Path job = tmp.resolve("misspelt.yaml");
        Files.writeString(job, yaml);
        Files.copy(FORECAST_CSV, tmp.resolve("seattle-weather.csv"));
        CliRunner.Result r = CliRunner.run(train(job));
        assertEquals(Gated.USAGE, r.exitCode(), r::toString);
        assertTrue(Pattern.compile("misspelt\\.yaml:\\d+:\\d+").matcher(r.err()).find(),
                () -> "expected file:line:col\n" + r);
        assertTrue(r.err().contains("did you mean 'training'"), r::toString);
        assertNoStackTrace(r);
    }

    @Test
    void aCsvWithoutAListedColumnNamesTheColumnAndTheFile() throws IOException {
        Path csv = tmp.resolve("weather.csv");
        List<String> rows = new ArrayList<>();
        for (String line : lines(FORECAST_CSV)) {
            rows.add(line.substring(0, line.lastIndexOf(','))); // drop "weather"
        }
        // drop the "wind" column too (the one before the last)
        List<String> noWind = new ArrayList<>();
        for (String line : rows) {
            noWind.add(line.substring(0, line.lastIndexOf(',')));
        }
        Files.write(csv, noWind, StandardCharsets.UTF_8);
        Path job = tmp.resolve("nowind.yaml");
        Files.writeString(job, Files.readString(FORECAST_JOB).replace("seattle-weather.csv", csv.toAbsolutePath()
                .toString()));
        CliRunner.Result r = CliRunner.run(train(job));
        assertEquals(Gated.DATA, r.exitCode(), r::toString);
        assertTrue(r.err().contains("wind") && r.err().contains("weather.csv"), r::toString);
        assertNoStackTrace(r);
    }

    @Test
    void npyTargetsOfTheWrongShapeNameTheFileAndTheExpectedShape() throws IOException {
        Path data = Files.createDirectories(tmp.resolve("arrays"));
        Npy.write(data.resolve("x.npy"), HostTensor.ofFloats(Shape.of(10, 5, 2), new float[100]));
        Npy.write(data.resolve("y.npy"), HostTensor.ofFloats(Shape.of(9, 1), new float[9]));
        Path job = writeNpyJob(data, "bad-npy");
        CliRunner.Result r = CliRunner.run(train(job));
        assertEquals(Gated.DATA, r.exitCode(), r::toString);
        assertTrue(r.err().contains("y.npy"), r::toString);
        assertTrue(r.err().contains("(10, O)") || r.err().contains("N=10"), () -> "expected shape\n" + r);
        assertNoStackTrace(r);
    }

    @Test
    void initFromAWrongShapeNamesTheTensorAndTheExpectedShape() throws IOException {
        Map<String, HostTensor> t = new LinkedHashMap<>();
        t.put("rnn.weight_ih_l0", HostTensor.ofFloats(Shape.of(32, 4), new float[128]));
        t.put("rnn.weight_hh_l0", HostTensor.ofFloats(Shape.of(32, 7), new float[224]));
        t.put("rnn.bias_ih_l0", HostTensor.ofFloats(Shape.of(32), new float[32]));
        t.put("rnn.bias_hh_l0", HostTensor.ofFloats(Shape.of(32), new float[32]));
        t.put("head.weight", HostTensor.ofFloats(Shape.of(1, 8), new float[8]));
        t.put("head.bias", HostTensor.ofFloats(Shape.of(1), new float[1]));
        Path init = tmp.resolve("init.safetensors");
        SafeTensors.write(init, t);
        CliRunner.Result r = CliRunner.run(train(FORECAST_JOB, forecastSettings("--set",
                "model.init_from=" + init.toAbsolutePath())));
        assertEquals(Gated.DATA, r.exitCode(), r::toString);
        assertTrue(r.err().contains("rnn.weight_hh_l0"), r::toString);
        assertTrue(r.err().contains(Shape.of(32, 8).toString()), () -> "expected shape " + Shape.of(32, 8) + "\n" + r);
        assertNoStackTrace(r);
    }

    // ---- npy regression ----

    @Test
    void npyRegressionEndToEnd() throws IOException {
        int n = 64;
        int steps = 6;
        int in = 3;
        Random random = new Random(11);
        float[] x = new float[n * steps * in];
        float[] y = new float[n * 2];
        long[] lengths = new long[n];
        for (int k = 0; k < n; k++) {
            lengths[k] = 2 + k % (steps - 1); // 2 .. 6
            float sum = 0;
            for (int s = 0; s < steps; s++) {
                for (int i = 0; i < in; i++) {
                    float v = (float) random.nextGaussian();
                    x[(k * steps + s) * in + i] = v;
                    if (s < lengths[k]) {
                        sum += v;
                    }
                }
            }
            y[2 * k] = sum;
            y[2 * k + 1] = lengths[k];
        }
        Path data = Files.createDirectories(tmp.resolve("regression-data"));
        Npy.write(data.resolve("x.npy"), HostTensor.ofFloats(Shape.of(n, steps, in), x));
        Npy.write(data.resolve("y.npy"), HostTensor.ofFloats(Shape.of(n, 2), y));
        Npy.write(data.resolve("lengths.npy"), HostTensor.ofLongs(Shape.of(n), lengths));
        Path job = writeNpyJob(data, "regression");
        CliRunner.Result r = CliRunner.run(train(job));
        assertEquals(0, r.exitCode(), r::toString);
        List<String> predictions = lines(tmp.resolve("regression/predictions.csv"));
        String header = predictions.get(0);
        assertTrue(header.contains("actual_y0,predicted_y0,actual_y1,predicted_y1"), header);
        assertTrue(predictions.size() > 1, "some test rows");
    }

    private Path writeNpyJob(Path data, String name) throws IOException {
        Path job = tmp.resolve(name + ".yaml");
        Files.writeString(job, String.join("\n",
                "data:",
                "  kind: npy",
                "  path: " + data.toAbsolutePath(),
                "model:",
                "  cell: gru",
                "  hidden: 8",
                "task:",
                "  kind: regression",
                "training:",
                "  optimizer: adam",
                "  learning_rate: 0.01",
                "  batch_size: 16",
                "  epochs: 2",
                "  seed: 1",
                "output:",
                "  name: " + name,
                ""));
        return job;
    }
}
