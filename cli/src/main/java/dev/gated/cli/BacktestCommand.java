package dev.gated.cli;

import dev.gated.cli.report.ForecastCharts;
import dev.gated.engine.train.Backtest;
import dev.gated.engine.train.TrainingListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gated backtest JOB}: rolling-origin evaluation of a forecasting job against the naive baselines. */
@Command(name = "backtest", mixinStandardHelpOptions = true, versionProvider = Gated.Version.class,
        description = {"Rolling-origin backtest of a forecasting job: k folds at the end of every series, each "
                + "trained only on the rows before its forecast rows (expanding or sliding window, refit per fold or "
                + "one model), the model and every naive baseline scored per fold and on average. Results go to "
                + "output.dir/<output.name>-backtest/: fold-<i>/ (ordinary run folders), backtest.json, "
                + "backtest.csv, backtest.png.", ""},
        footer = {"", "Examples:", "  gated backtest examples/forecast/co2-concentration.yaml",
                "  gated backtest job.yaml --folds 5 --mode sliding --no-refit --set training.epochs=20",
                "", "The folds come from forecast.backtest in the job file (folds, mode, refit, fold_size); the "
                        + "options here override it."})
final class BacktestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "JOB", description = "The forecasting job file.")
    Path job;

    @Mixin
    JobOptions jobOptions;

    @Option(names = "--folds", paramLabel = "K", description = "Same as --set forecast.backtest.folds=K.")
    Integer folds;

    @Option(names = "--mode", paramLabel = "expanding|sliding",
            description = "Same as --set forecast.backtest.mode=...: train on every earlier row, or on a window of "
                    + "as many rows as the first fold has.")
    String mode;

    @Option(names = "--refit", negatable = true, description = "Train a model per fold (--no-refit: one model, "
            + "trained on the first fold's rows). Same as --set forecast.backtest.refit=true|false.")
    Boolean refit;

    @Option(names = "--fold-size", paramLabel = "N",
            description = "Same as --set forecast.backtest.fold_size=N: forecast rows per fold and series.")
    Integer foldSize;

    @Option(names = "--resume", description = "Continue a backtest folder: finished folds are kept, an interrupted "
            + "one resumes from its checkpoint.")
    boolean resume;

    @Option(names = "--overwrite", description = "Delete an existing backtest folder of the same name first.")
    boolean overwrite;

    @Option(names = "--quiet", description = "Print only warnings, errors and the results.")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        List<String> overrides = new ArrayList<>(jobOptions.overrides());
        if (folds != null) {
            overrides.add("forecast.backtest.folds=" + folds);
        }
        if (mode != null) {
            overrides.add("forecast.backtest.mode=" + mode.toLowerCase(Locale.ROOT));
        }
        if (refit != null) {
            overrides.add("forecast.backtest.refit=" + refit);
        }
        if (foldSize != null) {
            overrides.add("forecast.backtest.fold_size=" + foldSize);
        }
        if (resume && overwrite) {
            throw new IllegalArgumentException("--resume and --overwrite exclude each other");
        }
        TrainingListener reporter = new ConsoleReporter(out, ConsoleReporter.detect(quiet));
        try (GracefulStop stop = GracefulStop.install(spec.commandLine().getErr())) {
            Backtest.Result r = Backtest.run(job, overrides, resume, overwrite, reporter, stop);
            if (!r.finished()) {
                out.printf("stopped; the folds trained so far are kept. Continue with: gated backtest %s --resume%n",
                        job);
                return Gated.INTERRUPTED;
            }
            reporter.onReport("backtest, " + r.folds().size() + " folds (" + r.config().forecast().backtest().mode().key() + (r.config().forecast().backtest().refit()
                    ? ", refit per fold" : ", one model") + "), model and naive baselines", Backtest.table(r));
            List<Path> files = new ArrayList<>(r.files());
            if (r.config().output().plots()) {
                files.add(ForecastCharts.backtest(r));
            }
            out.println("files:");
            files.forEach(f -> out.println("  " + f));
            out.flush();
        }
        return Gated.OK;
    }
}
