package dev.gated.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.io.HostTensor;
import dev.gated.engine.io.Npy;
import dev.gated.engine.train.RunFolder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code report.html} of real, small runs of every kind of task, trained through {@code gated train} in process
 * (which writes the report at the end): forecasting, classification (sequences and words), regression, a
 * character language model and translation. Each page is parsed, every section checked for real content and the
 * whole page for references outside itself; where chromium is installed, each section is photographed headless
 * with the network off (kept in target/report-screenshots).
 */
class RunReportEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path EXAMPLES = Files.isDirectory(Path.of("../examples")) ? Path.of("../examples")
            : Path.of("examples");
    /** The sections every report has, after the task's own. */
    private static final List<String> COMMON = List.of("summary", "curves", "learning-rate", "health", "doctor", "job",
            "environment");

    @TempDir
    static Path tmp;

    /** Run name -> its folder, trained once for all the tests. */
    private static final Map<String, Path> RUNS = new LinkedHashMap<>();

    private static Path train(String name, Path job, String... settings) {
        List<String> args = new ArrayList<>(List.of("train", job.toString(), "--device", "cpu", "--quiet", "--set",
                "output.dir=" + tmp.toAbsolutePath(), "--set", "output.name=" + name));
        for (String s : settings) {
            args.add("--set");
            args.add(s);
        }
        CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("report.html"), () -> "the end of the run lists report.html\n" + r);
        Path run = tmp.resolve(name);
        RUNS.put(name, run);
        return run;
    }

    @BeforeAll
    static void trainOneRunOfEachTask() throws IOException {
        train("forecast", EXAMPLES.resolve("forecast/seattle-weather.yaml"), "training.epochs=3", "model.hidden=8");
        train("classify", EXAMPLES.resolve("classify/waveforms.yaml"), "training.epochs=2");
        train("words", EXAMPLES.resolve("words/bible-genre.yaml"), "training.epochs=1", "model.hidden=16");
        train("text", EXAMPLES.resolve("text/pride-and-prejudice.yaml"), "training.epochs=1", "model.hidden=32");
        train("translate", EXAMPLES.resolve("translate/bible-en-es.yaml"), "training.epochs=1", "data.max_length=10",
                "model.hidden=32", "model.layers=1", "translation.beam_width=2");
        train("regression", npyJob());
    }

    /** 64 sequences of 3 features; the targets are the sum of the inputs and the length. */
    private static Path npyJob() throws IOException {
        int n = 64;
        int steps = 6;
        int in = 3;
        Random random = new Random(11);
        float[] x = new float[n * steps * in];
        float[] y = new float[n * 2];
        for (int k = 0; k < n; k++) {
            float sum = 0;
            for (int i = 0; i < steps * in; i++) {
                x[k * steps * in + i] = (float) random.nextGaussian();
                sum += x[k * steps * in + i];
            }
            y[2 * k] = sum;
            y[2 * k + 1] = k % 5;
        }
        Path data = Files.createDirectories(tmp.resolve("regression-data"));
        Npy.write(data.resolve("x.npy"), HostTensor.ofFloats(Shape.of(n, steps, in), x));
        Npy.write(data.resolve("y.npy"), HostTensor.ofFloats(Shape.of(n, 2), y));
        Path job = tmp.resolve("regression.yaml");
        Files.writeString(job, "data: {kind: npy, path: " + data.toAbsolutePath() + "}\n"
                + "model: {cell: gru, hidden: 8}\ntask: {kind: regression}\n"
                + "training: {optimizer: adam, learning_rate: 0.01, batch_size: 16, epochs: 2, seed: 1}\n");
        return job;
    }

    private static Document report(String name) throws IOException {
        Document d = ReportPages.parse(RUNS.get(name).resolve(RunFolder.REPORT));
        ReportPages.assertSelfContained(d);
        for (String id : COMMON) {
            ReportPages.section(d, id);
        }
        ReportPages.full(d, "summary", 0);
        ReportPages.full(d, "curves", 1);
        ReportPages.full(d, "learning-rate", 1);
        ReportPages.full(d, "job", 0);
        assertEquals(Files.readString(RUNS.get(name).resolve(RunFolder.JOB)).strip(),
                d.getElementById("job").selectFirst("pre").wholeText().strip(), "the job file as recorded");
        Element env = ReportPages.full(d, "environment", 0);
        assertTrue(env.text().contains(System.getProperty("java.version")), env::text);
        assertTrue(env.text().contains("cpu (pure Java"), env::text);
        Element doctor = ReportPages.section(d, "doctor");
        assertTrue(doctor.selectFirst(".verdict") != null, () -> "a diagnosis: " + doctor.text());
        return d;
    }

    private static JsonNode json(String run, String file) throws IOException {
        return JSON.readTree(RUNS.get(run).resolve(file).toFile());
    }

    private static String sha256(Path f) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }

    @Test
    void forecastReportShowsTheForecastTheBaselinesAndTheVerdict() throws Exception {
        Document d = report("forecast");
        ReportPages.full(d, "health", 1);
        Element metrics = ReportPages.full(d, "forecast-metrics", 0);
        JsonNode f = json("forecast", RunFolder.FORECAST);
        Element verdict = metrics.selectFirst(".verdict");
        boolean beats = f.path("beats_baselines").asBoolean();
        assertTrue(verdict.hasClass(beats ? "good" : "bad"), verdict::outerHtml);
        assertTrue(verdict.text().contains(beats ? "beats every naive baseline" : "does NOT beat"), verdict::text);
        List<String> forecasters = new ArrayList<>();
        f.path("forecasters").fieldNames().forEachRemaining(forecasters::add);
        List<String> rows = metrics.select("tbody tr td:first-child").eachText();
        assertEquals(forecasters.size(), rows.size(), rows::toString);
        assertEquals("model", rows.get(0));
        assertTrue(rows.contains("last_value (baseline)") && rows.contains("seasonal_naive (baseline)"),
                rows::toString);
        double mae = f.path("forecasters").path("model").path("overall").path("mae").asDouble();
        assertEquals(mae, Double.parseDouble(metrics.select("tbody tr").get(0).select("td").get(1).text()),
                mae * 1e-3, "the model's MAE, to 4 digits");
        ReportPages.full(d, "forecast-chart", 1);
        Element env = d.getElementById("environment");
        assertTrue(env.text().contains(sha256(EXAMPLES.resolve("forecast/seattle-weather.csv"))),
                "the data file's SHA-256: " + env.text());
    }

    @Test
    void classificationReportsShowTheConfusionMatrixAndPerClassMetrics() throws IOException {
        for (String run : List.of("classify", "words")) {
            Document d = report(run);
            Element c = ReportPages.full(d, "classification", 1);
            JsonNode summary = json(run, RunFolder.SUMMARY);
            List<String> classes = new ArrayList<>();
            summary.fieldNames().forEachRemaining(k -> {
                if (k.startsWith("test_recall_")) {
                    classes.add(k.substring("test_recall_".length()));
                }
            });
            List<Element> rows = c.select("tbody tr");
            assertEquals(classes.size(), rows.size(), run + ": one row per class");
            for (Element row : rows) {
                String name = row.child(0).text();
                assertTrue(classes.contains(name), run + ": " + name + " in " + classes);
                // The report counts from predictions.csv; the run's own test figures must agree.
                assertEquals(summary.path("test_recall_" + name).asDouble(), Double.parseDouble(row.child(2).text()),
                        1e-3, run + " recall " + name);
                assertEquals(summary.path("test_precision_" + name).asDouble(),
                        Double.parseDouble(row.child(1).text()), 1e-3, run + " precision " + name);
            }
            Matcher accuracy = Pattern.compile("accuracy ([0-9.]+)").matcher(c.text());
            assertTrue(accuracy.find(), c::text);
            assertEquals(summary.path("test_accuracy").asDouble(), Double.parseDouble(accuracy.group(1)), 1e-3,
                    run + " accuracy");
        }
    }

    @Test
    void regressionReportShowsPredictedAgainstActual() throws IOException {
        Document d = report("regression");
        Element r = ReportPages.full(d, "regression", 1);
        assertTrue(r.text().contains("test_loss"), r::text);
    }

    @Test
    void languageModelReportShowsTheGeneratedText() throws IOException {
        Document d = report("text");
        Element s = ReportPages.full(d, "samples", 0);
        String sample = Files.readString(RUNS.get("text").resolve(RunFolder.SAMPLE), StandardCharsets.UTF_8);
        assertTrue(sample.length() > 100);
        assertEquals(sample.strip(), s.selectFirst("pre").wholeText().strip());
    }

    @Test
    void translationReportShowsSamplesBleuAndAttention() throws IOException {
        Document d = report("translate");
        Element scores = ReportPages.full(d, "translation-scores", 0);
        JsonNode summary = json("translate", RunFolder.SUMMARY);
        List<String> beam = scores.select("tbody tr").stream().filter(r -> r.child(0).text().equals("beam search"))
                .findFirst().map(r -> List.of(r.child(1).text(), r.child(2).text())).orElseThrow();
        assertEquals(summary.path("test_bleu_beam").asDouble(), Double.parseDouble(beam.get(0)),
                Math.abs(summary.path("test_bleu_beam").asDouble()) * 1e-3 + 1e-9);
        assertEquals(summary.path("test_chrf_beam").asDouble(), Double.parseDouble(beam.get(1)),
                summary.path("test_chrf_beam").asDouble() * 1e-3);
        Element samples = ReportPages.full(d, "translation-samples", 3);
        List<String> tsv = Files.readAllLines(RUNS.get("translate").resolve(RunFolder.TRANSLATIONS));
        List<Element> rows = samples.select("tbody tr");
        assertEquals(Math.min(12, tsv.size() - 1), rows.size());
        assertEquals(List.of(tsv.get(1).split("\t", -1)), rows.get(0).select("td").eachText().stream()
                .toList(), "the first test sentence");
    }

    @Test
    void chromiumOpensEveryReportOfflineAndEachSectionIsPhotographed() throws Exception {
        Optional<Path> chromium = ReportPages.chromium();
        Assumptions.assumeTrue(chromium.isPresent(), "chromium is not installed (apt-get install -y chromium, or "
                + "set GATED_CHROMIUM to its path): the section screenshots are skipped");
        Path out = Path.of("target", "report-screenshots");
        int shots = 0;
        for (Map.Entry<String, Path> run : RUNS.entrySet()) {
            Path report = run.getValue().resolve(RunFolder.REPORT);
            List<String> ids = ReportPages.parse(report).select("section[id]").eachAttr("id");
            shots += ReportPages.screenshots(chromium.get(), report, ids, out, run.getKey()).size();
        }
        System.out.println(shots + " section screenshots in " + out.toAbsolutePath());
        assertTrue(shots >= RUNS.size() * (COMMON.size() + 1), "a screenshot of every section: " + shots);
    }
}
