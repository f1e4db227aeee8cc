package dev.gated.cli;

import dev.gated.cli.report.AttentionPlots;
import dev.gated.cli.report.ForecastCharts;
import dev.gated.cli.report.HealthPlots;
import dev.gated.cli.report.Plots;
import dev.gated.cli.report.html.RunReport;
import dev.gated.engine.config.TaskKind;
import dev.gated.engine.train.MetricsLog;
import dev.gated.engine.train.RunFolder;
import dev.gated.engine.train.TrainingJob;
import dev.gated.engine.train.TrainingListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gated train JOB}: runs a job file and leaves a run folder with metrics, checkpoints, weights and plots. */
@Command(name = "train", mixinStandardHelpOptions = true, versionProvider = Gated.Version.class,
        description = {"Train the model a job file describes. Results go to output.dir/output.name (default "
                + "runs/<job file name>): job.yaml (resolved settings), metrics.jsonl/.csv, checkpoints/, "
                + "model.safetensors (PyTorch names), predictions.csv, summary.json, environment.json, report.html "
                + "(the run report, see gated report) and PNG plots (a translation run: "
                + "translations.tsv, attention.json and attention-N.png heat maps).", ""},
        footer = {"", "Examples:", "  gated train examples/forecast/co2-concentration.yaml",
                "  gated train job.yaml --set training.epochs=5 --set model.hidden=32",
                "  gated train job.yaml --resume       # continue after an interruption (bit-exact on the CPU)",
                "  GATED_JOB=/job/job.yaml GATED_SET_TRAINING__EPOCHS=3 gated train --resume=auto --log-format json",
                "", "Environment: GATED_JOB (the job file when JOB is not given), GATED_RUNS (output.dir), "
                        + "GATED_DEVICE (training.device), GATED_SET_<SECTION>__<KEY>=VALUE (like --set "
                        + "section.key=VALUE; lower-cased, '__' separates the parts), GATED_LOG_FORMAT. The "
                        + "command line wins over the environment, which wins over the job file.",
                "", "Exit codes: 0 done, 1 internal error, 2 usage or job-file error, 3 data error, 4 diverged, "
                        + "75 stopped by SIGTERM/SIGINT after writing a checkpoint (run again to resume)."})
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "JOB", arity = "0..1",
            description = "The job file (.yaml, .yml or .json); default: the file GATED_JOB names.")
    Path job;

    @Mixin
    JobOptions jobOptions;

    @Option(names = "--resume", arity = "0..1", fallbackValue = "yes", paramLabel = "auto",
            description = "Continue the run from its newest valid checkpoint. --resume=auto: continue if there is "
                    + "a checkpoint, start afresh otherwise.")
    String resume;

    @Option(names = "--overwrite", description = "Delete an existing run folder of the same name first.")
    boolean overwrite;

    @Option(names = "--quiet", description = "Print only warnings, errors and the final summary.")
    boolean quiet;

    @Option(names = "--log-format", paramLabel = "text|json",
            description = "text: progress for people (a bar on a terminal, else a line every 10 s); json: one JSON "
                    + "object per line and event (start, epoch, checkpoint, warning, end) for log collectors. "
                    + "Default: GATED_LOG_FORMAT, else text.")
    String logFormat;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        JobEnvironment env = JobEnvironment.fromSystem();
        RunFolder.Resume mode = resume == null ? RunFolder.Resume.NEVER : switch (resume) {
            case "yes" -> RunFolder.Resume.REQUIRED;
            case "auto" -> RunFolder.Resume.AUTO;
            default -> throw new ParameterException(spec.commandLine(),
                    "--resume: expected no value or 'auto', found '" + resume + "'");
        };
        boolean json = json(env);
        Path jobFile = job != null ? job : env.job().orElseThrow(() -> new ParameterException(spec.commandLine(),
                "missing the job file: give JOB or set " + JobEnvironment.JOB));
        JsonLinesReporter jsonLog = json ? new JsonLinesReporter(out) : null;
        TrainingListener reporter = json ? jsonLog : new ConsoleReporter(out, ConsoleReporter.detect(quiet));
        TrainingListener listener = RunEnvironment.recording(reporter);
        try {
            List<String> overrides = new ArrayList<>(env.overrides());
            overrides.addAll(jobOptions.overrides());
            TrainingJob.Options options = new TrainingJob.Options(jobFile, overrides, mode, overwrite);
            // SIGTERM / Ctrl-C: finish the current step, write a checkpoint, return INTERRUPTED (see GracefulStop).
            // Installed until the end, so a signal after the last step lets the run finish its files and exit 0.
            try (GracefulStop stop = GracefulStop.install(spec.commandLine().getErr())) {
                TrainingJob.Result result = TrainingJob.run(options, listener, stop);
                if (!result.finished()) {
                    if (json) {
                        jsonLog.onStopped(result.steps(), stop.signalName());
                    } else {
                        out.printf("stopped at step %d; a checkpoint was written. Continue with: gated train %s "
                                + "--resume%n", result.steps(), jobFile);
                        out.flush();
                    }
                    return Gated.INTERRUPTED;
                }
                List<Path> files = new ArrayList<>(plots(result));
                files.addAll(result.files());
                report(result.runDir(), reporter).ifPresent(files::add);
                reporter.onEnd(new TrainingListener.End(result.runDir(), result.steps(), result.seconds(),
                        result.summary(), files));
                return Gated.OK;
            }
        } catch (RuntimeException | IOException e) {
            if (json) {
                // Log collectors see the failure too; the message also goes to stderr as usual.
                jsonLog.onFailed(ExitCodes.of(e), Gated.describe(e));
            }
            throw e;
        }
    }

    private boolean json(JobEnvironment env) {
        String f = logFormat != null ? logFormat : env.logFormat().orElse("text");
        return switch (f.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "text" -> false;
            case "json" -> true;
            default -> throw new ParameterException(spec.commandLine(), "--log-format: expected text or json, found '"
                    + f + "'" + (logFormat == null ? " (from " + JobEnvironment.LOG_FORMAT + ")" : ""));
        };
    }

    /**
     * Writes the run's {@code report.html}. The run has finished and its files are written: a report that cannot
     * be made is a warning, never a failed run.
     */
    static java.util.Optional<Path> report(Path runDir, TrainingListener listener) {
        try {
            return java.util.Optional.of(RunReport.write(runDir, runDir.resolve(RunReport.FILE)));
        } catch (IOException | RuntimeException e) {
            listener.onWarning(RunReport.FILE + " not written (the run itself is complete; try gated report "
                    + runDir + "): " + Gated.describe(e));
            return java.util.Optional.empty();
        }
    }

    /**
     * The run's PNG plots: training curves, and predicted vs. actual, the confusion matrix or (translation) the
     * attention heat maps of the test sentences in attention.json.
     */
    static List<Path> plots(TrainingJob.Result r) throws IOException {
        List<Path> files = new ArrayList<>();
        if (!r.config().output().plots() || r.epochRows().isEmpty()) {
            return files;
        }
        files.add(Plots.trainingCurves(r.epochRows(), r.runDir().resolve("training.png")));
        if (r.forecast().isPresent()) {
            files.addAll(ForecastCharts.test(r.forecast().get().panel(), r.forecast().get().report(), r.runDir()));
        }
        if (r.confusion().isPresent()) {
            files.add(Plots.confusionMatrix(r.confusion().get(), r.classes(), r.runDir().resolve("confusion.png")));
        }
        if (r.config().task().kind() == TaskKind.TRANSLATE) {
            files.addAll(AttentionPlots.fromJson(r.runDir().resolve(RunFolder.ATTENTION), r.runDir()));
        }
        List<Map<String, Double>> health = MetricsLog.read(r.runDir().resolve(RunFolder.HEALTH_JSONL));
        if (!health.isEmpty()) {
            files.add(HealthPlots.health(health, r.runDir().resolve("health.png")));
        }
        return files;
    }
}
