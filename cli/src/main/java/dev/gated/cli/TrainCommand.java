package dev.gated.cli;

import dev.gated.cli.report.HealthPlots;
import dev.gated.cli.report.Plots;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gated train JOB}: runs a job file and leaves a run folder with metrics, checkpoints, weights and plots. */
@Command(name = "train", mixinStandardHelpOptions = true, versionProvider = Gated.Version.class,
        description = {"Train the model a job file describes. Results go to output.dir/output.name (default "
                + "runs/<job file name>): job.yaml (resolved settings), metrics.jsonl/.csv, checkpoints/, "
                + "model.safetensors (PyTorch names), predictions.csv, summary.json and PNG plots.", ""},
        footer = {"", "Examples:", "  gated train examples/forecast/co2.yaml",
                "  gated train job.yaml --set training.epochs=5 --set model.hidden=32",
                "  gated train job.yaml --resume       # continue after an interruption (bit-exact on the CPU)"})
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "JOB", description = "The job file (.yaml, .yml or .json).")
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

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        RunFolder.Resume mode = resume == null ? RunFolder.Resume.NEVER : switch (resume) {
            case "yes" -> RunFolder.Resume.REQUIRED;
            case "auto" -> RunFolder.Resume.AUTO;
            default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--resume: expected no value or 'auto', found '" + resume + "'");
        };
        ConsoleReporter reporter = new ConsoleReporter(out, ConsoleReporter.detect(quiet));
        TrainingJob.Options options = new TrainingJob.Options(job, jobOptions.overrides(), mode, overwrite);

        // Ctrl-C / SIGTERM: finish the current step, write a checkpoint, then let the JVM exit.
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                done.await(25, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "gated-graceful-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        TrainingJob.Result result;
        try {
            result = TrainingJob.run(options, reporter, stop::get);
            if (!result.finished()) {
                out.printf("stopped at step %d; a checkpoint was written. Continue with: gated train %s --resume%n",
                        result.steps(), job);
                out.flush();
                return Gated.INTERRUPTED;
            }
        } finally {
            // Lets a waiting shutdown hook return: the checkpoint is on disk by now.
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already exiting: the hook has run or is running
            }
        }
        List<Path> files = new ArrayList<>(plots(result));
        files.addAll(result.files());
        reporter.onEnd(new TrainingListener.End(result.runDir(), result.steps(), result.seconds(), result.summary(),
                files));
        return Gated.OK;
    }

    /** The run's PNG plots: training curves, and predicted vs. actual or the confusion matrix. */
    static List<Path> plots(TrainingJob.Result r) throws IOException {
        List<Path> files = new ArrayList<>();
        if (!r.config().output().plots() || r.epochRows().isEmpty()) {
            return files;
        }
        files.add(Plots.trainingCurves(r.epochRows(), r.runDir().resolve("training.png")));
        if (r.forecast().isPresent()) {
            TrainingJob.Forecast f = r.forecast().get();
            int o = f.targetColumns().size();
            for (int j = 0; j < o; j++) {
                int n = f.actual().length / o;
                double[] a = new double[n];
                double[] p = new double[n];
                for (int k = 0; k < n; k++) {
                    a[k] = f.actual()[k * o + j];
                    p[k] = f.predicted()[k * o + j];
                }
                String col = f.targetColumns().get(j);
                files.add(Plots.predictedVsActual("test split: " + col + ", predicted vs. actual", f.dates(), a, p,
                        col, r.runDir().resolve(o == 1 ? "forecast.png" : "forecast-" + safe(col) + ".png")));
            }
        }
        if (r.confusion().isPresent()) {
            files.add(Plots.confusionMatrix(r.confusion().get(), r.classes(), r.runDir().resolve("confusion.png")));
        }
        List<Map<String, Double>> health = MetricsLog.read(r.runDir().resolve(RunFolder.HEALTH_JSONL));
        if (!health.isEmpty()) {
            files.add(HealthPlots.health(health, r.runDir().resolve("health.png")));
        }
        return files;
    }

    private static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
