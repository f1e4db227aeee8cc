package dev.gated.engine.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.Backends;
import dev.gated.engine.config.BacktestConfig;
import dev.gated.engine.config.JobConfig;
import dev.gated.engine.config.JobFiles;
import dev.gated.engine.config.TaskKind;
import dev.gated.engine.data.timeseries.Panel;
import dev.gated.engine.forecast.ErrorMetrics;
import dev.gated.engine.forecast.FoldPlan;
import dev.gated.engine.forecast.ForecastReport;
import dev.gated.engine.forecast.SeriesRange;
import dev.gated.engine.io.AtomicFiles;
import dev.gated.engine.model.SequenceModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * {@code gated backtest JOB}: rolling-origin evaluation of a forecasting job ({@link FoldPlan}). Each fold is an
 * ordinary training run in {@code <output.dir>/<output.name>-backtest/fold-<i>/} whose rows are the fold's (with
 * {@code refit: false} only fold 1 trains), then the model of each fold and every naive baseline forecast the fold's
 * rows. The folder gets {@code backtest.json} (per fold and the mean over folds, per forecaster),
 * {@code backtest.csv} (every fold's forecasts) and its resolved {@code job.yaml}. A fold already finished is not
 * trained again on {@code --resume}; one that was interrupted resumes from its checkpoint.
 */
public final class Backtest {
    public static final String JSON_FILE = "backtest.json";
    public static final String CSV_FILE = "backtest.csv";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Backtest() {
    }

    /** One fold's rows, model and report. */
    public record Fold(int fold, int trainedOn, List<SeriesRange> ranges, Path runDir, ForecastReport report) {
    }

    /**
     * @param mean per forecaster, the mean over folds of each metric
     */
    public record Result(Path dir, JobConfig config, Panel panel, List<Fold> folds,
                         Map<String, Map<String, Double>> mean, boolean finished, List<Path> files) {
    }

    /**
     * Runs the folds.
     *
     * @param resume    continue a backtest folder that exists (finished folds are kept)
     * @param overwrite delete an existing backtest folder first
     */
    public static Result run(Path jobFile, List<String> overrides, boolean resume, boolean overwrite,
                             TrainingListener listener, BooleanSupplier stopRequested) {
        Path baseDir = jobFile.toAbsolutePath().getParent();
        JobConfig config = JobFiles.load(jobFile, overrides).withPathsResolved(baseDir);
        if (config.task().kind() != TaskKind.FORECAST) {
            throw new IllegalArgumentException(jobFile + ": backtests are for forecasting jobs (task.kind forecast), "
                    + "found task.kind " + config.task().kind().name().toLowerCase(Locale.ROOT));
        }
        Path dir = config.output().dir().resolve(config.output().name() + "-backtest");
        if (overwrite) {
            RunFolder.delete(dir);
        } else if (RunFolder.inUse(dir) && !resume) {
            throw new IllegalStateException("the backtest folder " + dir + " already exists; pass --resume to continue "
                    + "it, --overwrite to replace it, or --set output.name=NEW_NAME");
        }
        BacktestConfig bc = config.forecast().backtest();
        FoldPlan plan = new FoldPlan(bc.folds(), bc.mode(), bc.foldSize().orElse(null), config.data().split().train(),
                config.data().split().validation());
        try {
            Files.createDirectories(dir);
            JobFiles.writeResolved(config, dir.resolve(RunFolder.JOB));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        int trained = bc.refit() ? bc.folds() : 1;
        for (int i = 1; i <= trained; i++) {
            Path fold = dir.resolve("fold-" + i);
            if (Files.isRegularFile(fold.resolve(RunFolder.SUMMARY))) {
                listener.onWarning("backtest fold " + i + " of " + trained + ": already trained (" + fold + ")");
                continue;
            }
            List<String> o = new ArrayList<>(overrides);
            o.add("output.dir=" + dir.toAbsolutePath());
            o.add("output.name=fold-" + i);
            int f = i;
            TrainingJob.Result r = TrainingJob.run(new TrainingJob.Options(jobFile, o, RunFolder.Resume.AUTO, false,
                    p -> plan.ranges(p, f)), listener, stopRequested);
            if (!r.finished()) {
                return new Result(dir, config, null, List.of(), Map.of(), false, List.of());
            }
        }
        List<Fold> folds = new ArrayList<>();
        Panel panel = null;
        StringBuilder csv = new StringBuilder();
        for (int i = 1; i <= bc.folds(); i++) {
            int model = bc.refit() ? i : 1;
            TrainedRun run = TrainedRun.open(dir.resolve("fold-" + model));
            int fold = i;
            JobData data = JobData.load(run.config(), run.runDir(), p -> plan.ranges(p, fold, model));
            panel = data.forecast().orElseThrow().panel();
            try (Backend backend = Backends.select(run.config().training().device(),
                    run.config().training().precision()).backend();
                 SequenceModel m = run.model(backend, run.weights(null))) {
                ForecastReport report = run.evaluation(m, data, "test").report().orElseThrow();
                folds.add(new Fold(i, model, data.forecast().get().ranges(), run.runDir(), report));
                String part = report.csv(panel, config.data().dateColumn().orElse(""));
                int nl = part.indexOf('\n');
                if (csv.length() == 0) {
                    csv.append("fold,").append(part, 0, nl + 1);
                }
                for (String line : part.substring(nl + 1).split("\n")) {
                    if (!line.isEmpty()) {
                        csv.append(i).append(',').append(line).append('\n');
                    }
                }
            }
        }
        Map<String, Map<String, Double>> mean = mean(folds);
        List<Path> files = new ArrayList<>();
        try {
            Path json = dir.resolve(JSON_FILE);
            AtomicFiles.write(json, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(toJson(bc, folds, mean)));
            Path csvFile = dir.resolve(CSV_FILE);
            AtomicFiles.write(csvFile, csv.toString().getBytes(StandardCharsets.UTF_8));
            files.add(json);
            files.add(csvFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the backtest results in " + dir + ": " + e.getMessage(), e);
        }
        return new Result(dir, config, panel, folds, mean, true, files);
    }

    /** Per forecaster, the mean over folds of each overall metric. */
    static Map<String, Map<String, Double>> mean(List<Fold> folds) {
        Map<String, Map<String, Double>> sums = new LinkedHashMap<>();
        for (Fold f : folds) {
            for (ForecastReport.Entry e : f.report().all()) {
                Map<String, Double> m = sums.computeIfAbsent(e.name(), k -> new LinkedHashMap<>());
                e.scores().overall().toMap("").forEach((k, v) -> m.merge(k, v / folds.size(), Double::sum));
            }
        }
        return sums;
    }

    private static ObjectNode toJson(BacktestConfig bc, List<Fold> folds, Map<String, Map<String, Double>> mean) {
        ObjectNode root = JSON.createObjectNode();
        root.put("folds", bc.folds());
        root.put("mode", bc.mode().key());
        root.put("refit", bc.refit());
        ArrayNode fs = root.putArray("per_fold");
        for (Fold f : folds) {
            ObjectNode n = fs.addObject();
            n.put("fold", f.fold());
            n.put("model_from_fold", f.trainedOn());
            SeriesRange r = f.ranges().get(0);
            n.put("train_rows", r.trainStart() + "-" + (r.trainEnd() - 1));
            n.put("validation_rows", r.trainEnd() + "-" + (r.validationEnd() - 1));
            n.put("forecast_rows", r.testStart() + "-" + (r.testEnd() - 1));
            n.put("origins", f.report().model().forecasts().origins().size());
            ObjectNode m = n.putObject("metrics");
            for (ForecastReport.Entry e : f.report().all()) {
                ObjectNode em = m.putObject(e.name());
                e.scores().overall().toMap("").forEach(em::put);
            }
            n.put("skill_rmse", f.report().skillRmse());
            n.put("skill_mase", f.report().skillMase());
            n.put("beats_baselines", f.report().beatsBaselines());
        }
        ObjectNode m = root.putObject("mean");
        mean.forEach((name, metrics) -> {
            ObjectNode em = m.putObject(name);
            metrics.forEach(em::put);
        });
        return root;
    }

    /** The console table: one row per fold and forecaster, then the means. */
    public static List<String> table(Result r) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%-8s %-16s %11s %11s %8s %8s", "fold", "forecaster", "MAE", "RMSE",
                "MASE", "sMAPE%"));
        for (Fold f : r.folds()) {
            for (ForecastReport.Entry e : f.report().all()) {
                ErrorMetrics m = e.scores().overall();
                lines.add(String.format(Locale.ROOT, "%-8s %-16s %11.4g %11.4g %8.3f %8.2f", f.fold(), e.name(),
                        m.mae(), m.rmse(), m.mase(), m.smape()));
            }
        }
        r.mean().forEach((name, m) -> lines.add(String.format(Locale.ROOT, "%-8s %-16s %11.4g %11.4g %8.3f %8.2f",
                "mean", name, m.getOrDefault("mae", Double.NaN), m.getOrDefault("rmse", Double.NaN),
                m.getOrDefault("mase", Double.NaN), m.getOrDefault("smape", Double.NaN))));
        return lines;
    }
}
