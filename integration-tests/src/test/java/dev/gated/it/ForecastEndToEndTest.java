package dev.gated.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gated.cli.Gated;
import dev.gated.engine.io.HostTensor;
import dev.gated.engine.io.SafeTensors;
import dev.gated.engine.train.Preprocessing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forecasting end to end through the CLI, in process on the CPU: multi-step and quantile forecasts, the report
 * against the baselines, prediction and export decoding like training, many series, covariates known in advance,
 * the recursive strategy, backtests that never see a fold's future, and the errors on bad input.
 */
class ForecastEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** Monthly rows from 2000-01: a trend, a yearly cycle, noise; per series a level and slope of its own. */
    static String monthly(int rows, int series, long seed, boolean promo) {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder(series > 1 ? "store," : "").append("month,sales")
                .append(promo ? ",promo" : "").append('\n');
        for (int s = 0; s < series; s++) {
            for (int t = 0; t < rows; t++) {
                int p = promo && t % 5 == 0 ? 1 : 0;
                double v = 50 + 20 * s + (0.5 + 0.2 * s) * t + 8 * Math.sin(2 * Math.PI * t / 12) + 6 * p
                        + r.nextGaussian();
                if (series > 1) {
                    sb.append("s").append(s).append(',');
                }
                sb.append(YearMonth.of(2000, 1).plusMonths(t)).append(',')
                        .append(String.format(Locale.ROOT, "%.3f", v)).append(promo ? "," + p : "").append('\n');
            }
        }
        return sb.toString();
    }

    private Path write(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    /** A job on {@code csv}: target sales, monthly dates, a small fast model; {@code extra} lines go in as given. */
    private Path job(String name, Path csv, String data, String forecast) throws IOException {
        return write(name + ".yaml", "data:\n  kind: csv\n  path: " + csv.toAbsolutePath() + "\n  date_column: month\n"
                + "  target_columns: [sales]\n  window: 12\n" + data
                + "task:\n  kind: forecast\n"
                + (forecast.isEmpty() ? "" : "forecast:\n" + forecast)
                + "model:\n  hidden: 8\ntraining:\n  epochs: 3\n  learning_rate: 0.01\n  seed: 3\n"
                + "output:\n  dir: " + tmp.resolve("runs").toAbsolutePath() + "\n");
    }

    private static CliRunner.Result ok(String... args) {
        CliRunner.Result r = CliRunner.run(args);
        assertEquals(0, r.exitCode(), r::toString);
        return r;
    }

    private static List<String> lines(Path p) throws IOException {
        return Files.readAllLines(p, StandardCharsets.UTF_8);
    }

    private static Map<String, Integer> header(String line) {
        Map<String, Integer> h = new HashMap<>();
        String[] cols = line.split(",");
        for (int i = 0; i < cols.length; i++) {
            h.put(cols[i], i);
        }
        return h;
    }

    @Test
    void multiStepQuantileForecastsAndTheReport() throws IOException {
        Path csv = write("sales.csv", monthly(120, 1, 1, false));
        Path job = job("q", csv, "  horizon: 3\n", "  quantiles: [0.1, 0.9]\n");
        CliRunner.Result r = ok("train", job.toString(), "--device", "cpu");
        Path run = tmp.resolve("runs/q");
        assertTrue(r.out().contains("test split: the model and the naive baselines"), r::toString);

        JsonNode f = JSON.readTree(run.resolve("forecast.json").toFile());
        for (String name : List.of("model", "last_value", "seasonal_naive", "drift", "moving_average")) {
            assertEquals(3, f.path("forecasters").path(name).path("per_step").size(), name);
            assertTrue(f.path("forecasters").path(name).path("overall").path("mase").isNumber(), name);
        }
        assertEquals(12, f.path("season").asInt(), "monthly dates: season 12");
        assertTrue(f.path("forecasters").path("model").path("overall").path("coverage").isNumber());

        List<String> rows = lines(run.resolve("predictions.csv"));
        Map<String, Integer> h = header(rows.get(0));
        for (String c : List.of("origin_month", "step", "month", "actual_sales", "predicted_sales", "sales_q0.1",
                "sales_q0.5", "sales_q0.9", "last_value_sales", "seasonal_naive_sales", "drift_sales",
                "moving_average_sales")) {
            assertTrue(h.containsKey(c), c + " in " + rows.get(0));
        }
        // The test split: 18 rows, so 16 origins of 3 steps each; the quantiles never cross.
        assertEquals(16 * 3, rows.size() - 1);
        for (String row : rows.subList(1, rows.size())) {
            String[] v = row.split(",");
            double lo = Double.parseDouble(v[h.get("sales_q0.1")]);
            double mid = Double.parseDouble(v[h.get("sales_q0.5")]);
            double hi = Double.parseDouble(v[h.get("sales_q0.9")]);
            assertTrue(lo <= mid && mid <= hi, row);
            assertEquals(mid, Double.parseDouble(v[h.get("predicted_sales")]), "the point forecast is the median");
        }
        // 120 rows split 0.7/0.15/0.15: the test part is rows 102..119, so the first origin is row 101, 2008-06.
        assertEquals("2008-06", rows.get(1).split(",")[0], "the first test origin");
        JsonNode summary = JSON.readTree(run.resolve("summary.json").toFile());
        for (String k : List.of("test_coverage", "test_wql", "test_mase", "test_smape", "test_drift_rmse",
                "test_skill_mase")) {
            assertTrue(summary.path(k).isNumber(), k + " in " + summary);
        }
        assertTrue(Files.isRegularFile(run.resolve("forecast.png")));

        CliRunner.Result ev = ok("evaluate", run.toString());
        assertTrue(ev.out().contains("the model per horizon step") && ev.out().contains("seasonal_naive"), ev::toString);
    }

    /**
     * predict, on the training file, forecasts the test origins exactly as training did; an exported model file
     * carries the same preprocessing and predicts the same numbers.
     */
    @Test
    void predictAndExportDecodeAsTrainingDid() throws IOException {
        Path csv = write("sales.csv", monthly(100, 1, 2, false));
        Path job = job("p", csv, "  horizon: 2\n", "  difference: 1\n");
        ok("train", job.toString(), "--device", "cpu");
        Path run = tmp.resolve("runs/p");
        Path out = tmp.resolve("predicted.csv");
        ok("predict", run.toString(), "--input", csv.toString(), "--output", out.toString());
        Map<String, String> predicted = new HashMap<>();
        for (String row : lines(out).subList(1, lines(out).size())) {
            String[] v = row.split(",");
            predicted.put(v[0] + "/" + v[1], v[3]);
        }
        List<String> test = lines(run.resolve("predictions.csv"));
        Map<String, Integer> h = header(test.get(0));
        for (String row : test.subList(1, test.size())) {
            String[] v = row.split(",");
            assertEquals(v[h.get("predicted_sales")], predicted.get(v[0] + "/" + v[1]),
                    "origin " + v[0] + " step " + v[1]);
        }

        Path exported = tmp.resolve("exported.safetensors");
        ok("export", run.toString(), "--format", "safetensors", "--checkpoint", "best", "--output", exported.toString());
        Map<String, String> meta = SafeTensors.read(exported).metadata();
        Preprocessing inRun = Preprocessing.fromJson(Files.readString(run.resolve("preprocessing.json")), "run");
        assertEquals(inRun.forecast(), Preprocessing.fromJson(meta.get("preprocessing"), "export").forecast());
        Path viaExport = tmp.resolve("via-export.csv");
        ok("predict", run.toString(), "--checkpoint", exported.toString(), "--input", csv.toString(), "--output",
                viaExport.toString(), "--last");
        List<String> last = lines(viaExport);
        Path viaRun = tmp.resolve("via-run.csv");
        ok("predict", run.toString(), "--input", csv.toString(), "--output", viaRun.toString(), "--last");
        assertEquals(lines(viaRun), last, "the exported best checkpoint is the run's model.safetensors");
        assertEquals(3, last.size(), "header + 2 steps from the last row");
        assertEquals("2008-04", last.get(1).split(",")[0]);
        assertEquals("2008-05", last.get(1).split(",")[2], "the first step's date continues monthly");
        assertEquals("2008-06", last.get(2).split(",")[2]);
    }

    @Test
    void withoutAValidationSplitTheModelIsTheLastEpoch() throws IOException {
        Path csv = write("sales.csv", monthly(90, 1, 3, false));
        Path job = job("nv", csv, "  split: [0.8, 0.0, 0.2]\n", "");
        ok("train", job.toString(), "--device", "cpu");
        Path run = tmp.resolve("runs/nv");
        Map<String, HostTensor> model = InProcessRuns.weights(run);
        Map<String, HostTensor> last = dev.gated.engine.checkpoint.CheckpointFiles.read(
                run.resolve("checkpoints/last.safetensors")).modelTensors();
        InProcessRuns.assertSameTensors("model.safetensors vs the last checkpoint", model, last);
    }

    @Test
    void aModelThatLosesIsToldSoWithWhatToTry() throws IOException {
        Path csv = write("sales.csv", monthly(90, 1, 4, false));
        // One tiny epoch at a negligible rate cannot beat the baselines on a trend with a cycle.
        Path job = job("lose", csv, "", "  scaling: none\n  difference: 0\n");
        CliRunner.Result r = ok("train", job.toString(), "--device", "cpu", "--set", "training.epochs=1", "--set",
                "training.learning_rate=0.00001");
        assertTrue(r.out().contains("does not beat the naive baselines") && r.out().contains("forecast.scaling: window"),
                r::toString);
        Path run = tmp.resolve("runs/lose");
        JsonNode f = JSON.readTree(run.resolve("forecast.json").toFile());
        assertFalse(f.path("beats_baselines").asBoolean(true));
        assertTrue(f.path("losing_to").size() > 0 && f.path("try").size() > 0, f::toString);
        CliRunner.Result d = ok("doctor", run.toString());
        assertTrue(d.out().contains("loses to a naive baseline") && d.out().contains("forecast.difference: 1"),
                d::toString);
    }

    @Test
    void manySeriesOneGlobalModel() throws IOException {
        Path csv = write("stores.csv", monthly(80, 3, 5, false));
        Path job = job("panel", csv, "  id_column: store\n", "  scaling: window\n");
        ok("train", job.toString(), "--device", "cpu");
        Path run = tmp.resolve("runs/panel");
        JsonNode per = JSON.readTree(run.resolve("forecast.json").toFile()).path("forecasters").path("model")
                .path("per_series");
        assertEquals(List.of("s0", "s1", "s2"), iterate(per));
        assertTrue(lines(run.resolve("predictions.csv")).get(0).startsWith("series,origin_month,step,month"));
        assertTrue(Files.isRegularFile(run.resolve("forecast-series.png")));
        // A series the model never saw: window scaling needs no statistics of it.
        Path other = write("other.csv", monthly(40, 1, 6, false).replace("month,sales", "month,sales")
                .lines().map(l -> l.startsWith("month") ? "store," + l : "new," + l)
                .reduce("", (a, b) -> a + b + "\n"));
        Path out = tmp.resolve("other-predicted.csv");
        ok("predict", run.toString(), "--input", other.toString(), "--output", out.toString(), "--last");
        assertTrue(lines(out).get(1).startsWith("new,"), () -> String.join("\n", uncheckedLines(out)));
    }

    private static List<String> iterate(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static List<String> uncheckedLines(Path p) {
        try {
            return lines(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void knownCovariatesAndCalendarFeatures() throws IOException {
        Path csv = write("promo.csv", monthly(96, 1, 7, true));
        Path job = job("known", csv, "  known_columns: [promo]\n  calendar: [month]\n  horizon: 2\n", "");
        ok("train", job.toString(), "--device", "cpu");
        Path run = tmp.resolve("runs/known");
        // The future: two rows with the promotion known and the sales empty.
        Path future = write("future.csv", Files.readString(csv) + "2008-01,,1\n2008-02,,0\n");
        Path out = tmp.resolve("future-predicted.csv");
        ok("predict", run.toString(), "--input", future.toString(), "--output", out.toString(), "--last");
        List<String> rows = lines(out);
        assertEquals(List.of("2007-12", "2007-12"), List.of(rows.get(1).split(",")[0], rows.get(2).split(",")[0]));
        assertEquals("2008-02", rows.get(2).split(",")[2]);
        // Without the promotion's future values, the forecast from the last row cannot be made: say where.
        Path missing = write("missing.csv", Files.readString(csv) + "2008-01,,1\n2008-02,,\n");
        CliRunner.Result r = CliRunner.run("predict", run.toString(), "--input", missing.toString(), "--output",
                tmp.resolve("x.csv").toString(), "--last");
        assertEquals(Gated.DATA, r.exitCode(), r::toString);
        assertTrue(r.err().contains("missing.csv:99: column 3 ('promo')") && r.err().contains("known in advance"),
                r::toString);
        Path none = tmp.resolve("none.csv");
        r = CliRunner.run("predict", run.toString(), "--input", csv.toString(), "--output", none.toString(), "--last");
        assertEquals(Gated.DATA, r.exitCode(), r::toString);
        assertTrue(r.err().contains("needs the known columns [promo] for the 2 rows after it"), r::toString);
    }

    @Test
    void recursiveForecasts() throws IOException {
        Path csv = write("sales.csv", monthly(90, 1, 8, false));
        Path job = job("rec", csv, "  horizon: 4\n", "  strategy: recursive\n");
        ok("train", job.toString(), "--device", "cpu");
        Path run = tmp.resolve("runs/rec");
        JsonNode f = JSON.readTree(run.resolve("forecast.json").toFile());
        assertEquals(4, f.path("forecasters").path("model").path("per_step").size());
        // One network output: the recursive model forecasts one step and feeds it back.
        assertEquals(1, SafeTensors.read(run.resolve("model.safetensors")).tensor("head.bias").shape().numel());
    }

    /**
     * A backtest fold never reads its future: with every value from fold 2's first forecast row on replaced by
     * garbage, folds 1 and 2 train bit-identical models with the same fitted preprocessing; fold 3 does not.
     */
    @Test
    void backtestFoldsNeverSeeTheirFuture() throws IOException {
        String clean = monthly(120, 1, 9, false);
        Path a = write("clean.csv", clean);
        // 120 rows, test 18 per fold, 3 folds: fold 2 forecasts rows 84..101 (data lines 86..103).
        List<String> lines = new ArrayList<>(clean.lines().toList());
        for (int i = 85; i < lines.size(); i++) {
            lines.set(i, lines.get(i).replaceAll(",[^,]*$", ",1000000"));
        }
        Path b = write("poisoned.csv", String.join("\n", lines) + "\n");
        CliRunner.Result ra = ok("backtest", job("clean", a, "", "").toString(), "--device", "cpu");
        ok("backtest", job("poisoned", b, "", "").toString(), "--device", "cpu");
        assertTrue(ra.out().contains("mean") && ra.out().contains("seasonal_naive"), ra::toString);
        Path ca = tmp.resolve("runs/clean-backtest");
        Path cb = tmp.resolve("runs/poisoned-backtest");
        for (int fold = 1; fold <= 2; fold++) {
            InProcessRuns.assertSameTensors("fold " + fold, InProcessRuns.weights(ca.resolve("fold-" + fold)),
                    InProcessRuns.weights(cb.resolve("fold-" + fold)));
            assertEquals(Files.readString(ca.resolve("fold-" + fold + "/preprocessing.json")),
                    Files.readString(cb.resolve("fold-" + fold + "/preprocessing.json")), "fold " + fold);
        }
        assertNotEquals(-1L, Files.mismatch(ca.resolve("fold-3/model.safetensors"),
                cb.resolve("fold-3/model.safetensors")), "fold 3 trains on the poison");
        JsonNode bt = JSON.readTree(ca.resolve("backtest.json").toFile());
        assertEquals(3, bt.path("per_fold").size());
        assertEquals("84-101", bt.path("per_fold").get(1).path("forecast_rows").asText());
        assertTrue(bt.path("mean").path("model").path("rmse").isNumber());
        assertTrue(Files.isRegularFile(ca.resolve("backtest.png")) && Files.isRegularFile(ca.resolve("backtest.csv")));
        // One model for every fold: only fold 1 trains.
        ok("backtest", job("once", a, "", "").toString(), "--device", "cpu", "--no-refit", "--mode", "sliding");
        assertTrue(Files.isDirectory(tmp.resolve("runs/once-backtest/fold-1")));
        assertFalse(Files.exists(tmp.resolve("runs/once-backtest/fold-2")));
    }

    @Test
    void badInputIsNamedWithFileLineAndColumn() throws IOException {
        Path good = write("sales.csv", monthly(60, 1, 10, false));
        record Case(String name, String csv, String data, int exit, String message) {
        }
        List<String> rows = new ArrayList<>(monthly(60, 1, 10, false).lines().toList());
        List<String> swapped = new ArrayList<>(rows);
        swapped.set(5, rows.get(6));
        swapped.set(6, rows.get(5));
        List<String> repeated = new ArrayList<>(rows);
        repeated.set(6, rows.get(5));
        List<String> emptyDate = new ArrayList<>(rows);
        emptyDate.set(3, rows.get(3).replaceFirst("^[^,]*", ""));
        List<String> badDate = new ArrayList<>(rows);
        badDate.set(3, rows.get(3).replaceFirst("^[^,]*", "abc"));
        String shortSeries = String.join("\n", rows.subList(0, 20)) + "\n";
        for (Case c : List.of(
                new Case("out of order", String.join("\n", swapped) + "\n", "", Gated.DATA,
                        ":7: column 1 ('month'): expected a date after '2000-06' (line 6) in the series, found '2000-05'"),
                new Case("repeated", String.join("\n", repeated) + "\n", "", Gated.DATA, "repeated"),
                new Case("empty date", String.join("\n", emptyDate) + "\n", "", Gated.DATA,
                        ":4: column 1 ('month'): expected a date such as"),
                new Case("bad date", String.join("\n", badDate) + "\n", "", Gated.DATA, ":4: column 1 ('month'): "
                        + "expected a date such as 2020-01-31, 2020-01, 2020, 2020-Q1 or 2020-01-31T13:00, found 'abc'"),
                new Case("horizon longer than the data", shortSeries, "  horizon: 30\n", Gated.DATA,
                        "one window needs window 12 + difference 1 + horizon 30 = 43 rows"),
                new Case("unknown id column", monthly(30, 1, 1, false), "  id_column: stroe\n", Gated.DATA,
                        ":1: expected a column named 'stroe'"))) {
            Path csv = write(c.name().replace(' ', '-') + ".csv", c.csv());
            CliRunner.Result r = CliRunner.run("train", job(c.name().replace(' ', '-'), csv, c.data(), "").toString(),
                    "--device", "cpu");
            assertEquals(c.exit(), r.exitCode(), c.name() + "\n" + r);
            assertTrue(r.err().contains(c.message()), c.name() + ": expected '" + c.message() + "'\n" + r);
            assertTrue(r.err().contains(csv.toString()) || c.name().startsWith("horizon"), c.name() + "\n" + r);
            assertFalse(r.err().contains("\tat "), "no stack trace\n" + r);
        }
        assertTrue(Files.exists(good));
    }
}
