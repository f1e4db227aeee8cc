package dev.gated.cli.report.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report on hand-made run folders: a forecasting run that loses to its baselines (said plainly), a folder with
 * only a job file (every section says what is missing), text from the run escaped, and a folder that is no run.
 * Real runs of every task are in the integration tests ({@code RunReportEndToEndTest}).
 */
class RunReportTest {
    @TempDir
    Path tmp;

    private static final String FORECAST_JOB = """
            data: {kind: csv, path: /nonexistent/series.csv, date_column: date, input_columns: [y], target_columns: [y],
                   horizon: 2}
            model: {cell: lstm, hidden: 8}
            task: {kind: forecast}
            training: {learning_rate: 0.01, epochs: 3}
            """;

    private static final String CLASSIFY_JOB = """
            data: {kind: sequences, path: /nonexistent/s.csv, input_columns: [x], label_column: label}
            model: {cell: gru, hidden: 8}
            task: {kind: classify}
            """;

    private Path forecastRun() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("losing"));
        Files.writeString(dir.resolve("job.yaml"), FORECAST_JOB);
        StringBuilder m = new StringBuilder();
        for (int e = 1; e <= 3; e++) {
            m.append(String.format(Locale.ROOT, "{\"epoch\":%d,\"step\":%d,\"train_loss\":%.3f,\"val_loss\":%.3f,"
                    + "\"val_mae\":%.3f,\"lr\":%.4f}%n", e, 10 * e, 1.0 / e, 1.2 / e, 0.5 / e, 0.01 / e));
        }
        Files.writeString(dir.resolve("metrics.jsonl"), m);
        StringBuilder h = new StringBuilder();
        for (int s = 5; s <= 30; s += 5) {
            h.append(String.format(Locale.ROOT, "{\"epoch\":%d,\"step\":%d,\"loss\":0.5,\"grad_norm\":0.4,"
                    + "\"lr\":%.5f,\"grad_norm_l0_i\":0.1,\"grad_norm_l0_f\":0.2,\"saturation_l0_i\":0.05,"
                    + "\"update_ratio_l0\":0.001}%n", 1 + s / 10, s, 0.01 / (1 + s / 10)));
        }
        Files.writeString(dir.resolve("health.jsonl"), h);
        Files.writeString(dir.resolve("forecast.json"), """
                {"split": "test", "horizon": 2, "season": 7, "origins": 4,
                 "forecasters": {
                   "model": {"overall": {"mae": 2.5, "rmse": 3.0, "mase": 1.2, "smape": 20.0, "coverage": 0.7}},
                   "last_value": {"overall": {"mae": 1.5, "rmse": 2.0, "mase": 0.8, "smape": 12.0}},
                   "seasonal_naive": {"overall": {"mae": 3.5, "rmse": 4.0, "mase": 1.6, "smape": 25.0}}},
                 "best_baseline_rmse": "last_value", "best_baseline_mase": "last_value",
                 "skill_rmse": -0.5, "skill_mase": -0.5, "beats_baselines": false,
                 "losing_to": ["last_value: RMSE 2.0 vs the model's 3.0"],
                 "try": ["data.window: 48"]}
                """);
        StringBuilder p = new StringBuilder("origin_date,step,date,actual_y,predicted_y,y_q0.1,y_q0.5,y_q0.9,"
                + "last_value_y,seasonal_naive_y\n");
        for (int o = 0; o < 4; o++) {
            for (int s = 1; s <= 2; s++) {
                p.append(String.format(Locale.ROOT, "2020-01-%02d,%d,2020-01-%02d,%d,%d.5,%d,%d.5,%d,%d,%d%n", o + 1, s,
                        o + 1 + s, 10 + o, 10 + o, 9 + o, 10 + o, 12 + o, 9 + o, 8 + o));
            }
        }
        Files.writeString(dir.resolve("predictions.csv"), p);
        Files.writeString(dir.resolve("summary.json"), "{\"steps\": 30, \"epochs\": 3, \"test_mae\": 2.5, "
                + "\"test_beats_baselines\": 0.0}");
        return dir;
    }

    private static Document report(Path run) throws IOException {
        Path out = RunReport.write(run, run.resolve(RunReport.FILE));
        return Jsoup.parse(Files.readString(out));
    }

    private static Element section(Document d, String id) {
        Element s = d.getElementById(id);
        assertNotNull(s, () -> "no section #" + id + " in\n" + d.select("section[id]").eachAttr("id"));
        assertEquals("section", s.tagName());
        return s;
    }

    /** Every image is an inline PNG that decodes; returns them. */
    private static List<BufferedImage> images(Element e) throws IOException {
        List<BufferedImage> out = new ArrayList<>();
        for (Element img : e.select("img")) {
            String src = img.attr("src");
            assertTrue(src.startsWith("data:image/png;base64,"), src.substring(0, Math.min(40, src.length())));
            BufferedImage b = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(
                    src.substring(src.indexOf(',') + 1))));
            assertNotNull(b, "the data: URI is not a PNG");
            out.add(b);
        }
        return out;
    }

    @Test
    void aForecastThatLosesToItsBaselinesSaysSoAndShowsEverySection() throws IOException {
        Document d = report(forecastRun());
        for (String id : List.of("summary", "forecast-metrics", "forecast-chart", "curves", "learning-rate", "health",
                "doctor", "job", "environment")) {
            section(d, id);
        }
        Element verdict = section(d, "forecast-metrics").selectFirst(".verdict");
        assertNotNull(verdict);
        assertTrue(verdict.hasClass("bad"), verdict::outerHtml);
        assertTrue(verdict.text().contains("does NOT beat the naive baselines"), verdict::text);
        String metrics = section(d, "forecast-metrics").text();
        assertTrue(metrics.contains("last_value: RMSE 2.0 vs the model's 3.0") && metrics.contains("data.window: 48"),
                metrics);
        List<String> rows = section(d, "forecast-metrics").select("tbody tr").eachText();
        assertEquals(List.of("model 2.5 3 1.2 20 0.7", "last_value (baseline) 1.5 2 0.8 12 n/a",
                "seasonal_naive (baseline) 3.5 4 1.6 25 n/a"), rows);
        // Horizon 2: the first and the last step, each a chart with the interval and both baselines.
        List<BufferedImage> charts = images(section(d, "forecast-chart"));
        assertEquals(2, charts.size());
        assertTrue(section(d, "forecast-chart").text().contains("y_q0.1 to y_q0.9"));
        assertEquals(1, images(section(d, "curves")).size());
        assertEquals(1, images(section(d, "health")).size());
        assertTrue(section(d, "learning-rate").text().contains("health.jsonl"), "per step from the health rows");
        assertEquals(1, images(section(d, "learning-rate")).size());
        // gated doctor's own finding, with its evidence and setting.
        String doctor = section(d, "doctor").text();
        assertTrue(doctor.contains("the model loses to a naive baseline"), doctor);
        assertTrue(doctor.contains("data.window: 48"), doctor);
        assertTrue(section(d, "job").selectFirst("pre").text().contains("kind: forecast"));
        assertTrue(section(d, "environment").selectFirst(".missing").text().contains("environment.json"));
    }

    @Test
    void aFolderWithOnlyItsJobSaysWhatIsMissingInEverySection() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("bare"));
        Files.writeString(dir.resolve("job.yaml"), CLASSIFY_JOB);
        Document d = report(dir);
        for (String[] s : new String[][] {{"summary", "summary.json"}, {"classification", "predictions.csv"},
                {"curves", "metrics.jsonl"}, {"learning-rate", "lr"}, {"health", "health.jsonl"},
                {"doctor", "nothing to diagnose"}, {"environment", "environment.json"}}) {
            Element missing = section(d, s[0]).selectFirst(".missing");
            assertNotNull(missing, () -> "#" + s[0] + " should say what is missing:\n" + d.getElementById(s[0]));
            assertTrue(missing.text().contains(s[1]), missing::text);
            assertFalse(missing.text().contains("could not be made"), missing::text);
        }
        assertTrue(images(d.body()).isEmpty());
    }

    @Test
    void aJobFileThatCannotBeReadLeavesOutTheTaskPageAndSaysWhy() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("broken"));
        Files.writeString(dir.resolve("job.yaml"), "data: {kind: sequences}\ntask: {kind: classify}\n");
        Document d = report(dir);
        Element task = section(d, "task");
        assertTrue(task.text().contains("job.yaml could not be read") && task.text().contains("input_columns"),
                task::text);
        assertTrue(section(d, "job").selectFirst("pre").text().contains("kind: sequences"));
    }

    @Test
    void textFromTheRunIsEscaped() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("escape"));
        Files.writeString(dir.resolve("job.yaml"), CLASSIFY_JOB);
        String evil = "<script>alert(1)</script>";
        Files.writeString(dir.resolve("predictions.csv"), "sequence,actual,predicted\n"
                + "s1,\"" + evil + "\",b&c\ns2,b&c,b&c\ns3,\"" + evil + "\",\"" + evil + "\"\n");
        Document d = report(dir);
        assertTrue(d.select("script").isEmpty(), "no script element");
        Element c = section(d, "classification");
        assertTrue(c.select("tbody td").eachText().containsAll(List.of(evil, "b&c")), c::outerHtml);
        // evil: 2 actual, 1 found, predicted once (precision 1, recall 0.5); b&c: 1 actual, found, predicted twice
        // (precision 0.5, recall 1, F1 2/3).
        assertEquals(List.of(evil + " 1 0.5 0.6667 2", "b&c 0.5 1 0.6667 1"), c.select("tbody tr").eachText());
        assertEquals(1, images(c).size());
    }

    @Test
    void aFolderThatIsNoRunIsRefused() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunReport.html(empty));
        assertTrue(e.getMessage().contains("not a run folder"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RunReport.html(tmp.resolve("nothing-here")));
    }

    @Test
    void escapingCoversMarkupAndQuotes() {
        assertEquals("&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;", Html.text("<a href=\"x\">&'</a>"));
        assertEquals("", Html.text(null));
    }
}
