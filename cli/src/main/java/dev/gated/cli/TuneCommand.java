package dev.gated.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gated.cli.report.TuningPlots;
import dev.gated.engine.config.StudyFiles;
import dev.gated.engine.tune.ParamImportance;
import dev.gated.engine.tune.Samplers;
import dev.gated.engine.tune.StudyConfig;
import dev.gated.engine.tune.StudyJournal;
import dev.gated.engine.tune.StudyResults;
import dev.gated.engine.tune.StudyState;
import dev.gated.engine.tune.StudyWorker;
import dev.gated.engine.tune.TrialState;
import dev.gated.engine.tune.TrialView;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gated tune STUDY}: hyperparameter search over a job's keys (docs/TUNING.md). */
@Command(name = "tune", mixinStandardHelpOptions = true, versionProvider = Gated.Version.class,
        description = {"Search a job's hyperparameters as a study file describes (search space, objective, sampler, "
                + "pruner, budget). Trials are ordinary runs in <study folder>/trials/; the study's journal makes it "
                + "resumable (run the same command again after an interruption or a kill -9) and lets several "
                + "processes, containers or pods share it. At the end: leaderboard.csv, study.json, best.yaml (the "
                + "best trial as a job file: gated train best.yaml reproduces it) and plots.", ""},
        footer = {"", "Examples:", "  gated tune examples/tune/seattle-weather.yaml",
                "  gated tune study.yaml --workers 2          # two processes on this machine",
                "  gated tune study.yaml --show               # the leaderboard so far",
                "  gated tune study.yaml --kubernetes --workers 8   # write an Indexed Job manifest",
                "", "Exit codes: 0 done, 2 study-file or usage error, 3 data error, 75 stopped by SIGTERM/SIGINT "
                        + "(trials running were checkpointed; run again to continue)."})
final class TuneCommand implements Callable<Integer> {
    private static final int TABLE_ROWS = 10;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "STUDY", description = "The study file (.yaml, .yml or .json).")
    Path studyFile;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "1",
            description = "Worker processes on this machine (default 1: in this process). Each gets cores/N CPU "
                    + "threads. With --kubernetes: the Job's worker pods.")
    int workers;

    @Option(names = "--show", description = "Print the leaderboard of the study so far (and write its files); run "
            + "no trials.")
    boolean show;

    @Option(names = "--worker", description = "Run as one worker only: claim and train trials until none is "
            + "left, without writing the study's results (for containers and pods; see --kubernetes).")
    boolean worker;

    @Option(names = "--kubernetes", description = "Write a Kubernetes Indexed Job manifest that runs --workers "
            + "workers of the shipped image on a shared volume, instead of running trials.")
    boolean kubernetes;

    @Option(names = "--image", paramLabel = "IMAGE", description = "--kubernetes: the container image (default "
            + "gated:cpu, or gated:cuda when the job's training.device is gpu).")
    String image;

    @Option(names = "--output", paramLabel = "FILE", description = "--kubernetes: where to write the manifest "
            + "(default <study folder>/kubernetes.yaml).")
    Path output;

    @Option(names = "--cpus", paramLabel = "N", description = "--kubernetes: CPU request and limit of each worker "
            + "pod, and its GATED_CPU_THREADS (default " + KubernetesManifest.DEFAULT_CPUS + ").")
    Integer cpus;

    @Option(names = "--memory", paramLabel = "QUANTITY", description = "--kubernetes: memory request and limit of "
            + "each worker pod, e.g. 4Gi or 512Mi (default " + KubernetesManifest.DEFAULT_MEMORY + ").")
    String memory;

    @Option(names = "--parent-pid", hidden = true, description = "Stop when this process ends.")
    Long parentPid;

    @Option(names = "--deadline", hidden = true, description = "Start no trial after this instant (ISO-8601).")
    Instant deadline;

    @Option(names = "--worker-name", hidden = true, description = "The worker's name in the journal.")
    String workerName;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        if (workers < 1) {
            throw new ParameterException(spec.commandLine(), "--workers: expected an integer >= 1, got " + workers);
        }
        if (!kubernetes && (image != null || output != null || cpus != null || memory != null)) {
            throw new ParameterException(spec.commandLine(), "--image, --output, --cpus and --memory go with "
                    + "--kubernetes");
        }
        StudyConfig study = StudyFiles.load(studyFile);
        if (show) {
            if (!Files.exists(study.dir().resolve(StudyJournal.FILE))) {
                throw new IllegalArgumentException("no study in " + study.dir() + " yet: run gated tune " + studyFile);
            }
            finish(study, out);
            return Gated.OK;
        }
        if (kubernetes) {
            Path file = output != null ? output : study.dir().resolve("kubernetes.yaml");
            KubernetesManifest.write(study, studyFile, workers, image,
                    cpus != null ? cpus : KubernetesManifest.DEFAULT_CPUS,
                    memory != null ? memory : KubernetesManifest.DEFAULT_MEMORY, file);
            out.println("wrote " + file + ": a volume, a helper pod and an Indexed Job of " + workers + " workers; "
                    + "the steps to copy the study file, its job and data onto the volume, start the workers and "
                    + "read the results are at its top (see docs/TUNING.md)");
            return Gated.OK;
        }
        Instant until = deadline != null ? deadline
                : study.budget().time().map(t -> Instant.now().plus(t)).orElse(null);
        try (GracefulStop stop = GracefulStop.install(spec.commandLine().getErr())) {
            AtomicBoolean parentGone = new AtomicBoolean();
            if (parentPid != null) {
                ProcessHandle.of(parentPid).ifPresentOrElse(
                        p -> p.onExit().thenRun(() -> parentGone.set(true)), () -> parentGone.set(true));
            }
            if (worker) {
                return runWorker(study, until, () -> stop.getAsBoolean() || parentGone.get(), out);
            }
            out.printf("study %s: %s, sampler %s, pruner %s, objective %s %s; folder %s%n", study.name(),
                    study.job().getFileName(), key(study.sampler().kind()), key(study.pruner().kind()),
                    study.objective().direction().name().toLowerCase(java.util.Locale.ROOT),
                    study.objective().metric(), study.dir());
            int limit = StudyWorker.trialLimit(study, Samplers.create(study.sampler(), study.space(),
                    study.objective().direction(), study.seed()));
            StudyProgress progress = new StudyProgress(study, out, limit);
            int code = workers == 1 ? inProcess(study, until, stop, progress)
                    : inProcesses(study, until, stop, progress, out);
            progress.poll();
            if (code != Gated.OK) {
                return code;
            }
            finish(study, out);
            return Gated.OK;
        }
    }

    private static String key(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT);
    }

    private int runWorker(StudyConfig study, Instant until, java.util.function.BooleanSupplier stop,
                          PrintWriter out) {
        String name = (workerName != null ? workerName : "worker") + "@" + host() + ":" + ProcessHandle.current().pid();
        StudyProgress progress = new StudyProgress(study, out, Integer.MAX_VALUE);
        int ended = new StudyWorker(study, name, Optional.ofNullable(until), stop, events(progress)).run();
        out.println(name + ": " + ended + " trials ended; no trial left to claim" + (stop.getAsBoolean()
                ? " (stopped)" : ""));
        out.flush();
        return stop.getAsBoolean() ? Gated.INTERRUPTED : Gated.OK;
    }

    private static StudyWorker.Events events(StudyProgress progress) {
        return new StudyWorker.Events() {
            @Override
            public void onClaim(int trial, Map<String, Object> params, boolean resumed) {
                progress.poll();
            }

            @Override
            public void onEpoch(int trial, int epoch, double value) {
                progress.pollIfDue();
            }

            @Override
            public void onEnd(int trial, TrialState state, double value, String reason) {
                progress.poll();
            }
        };
    }

    private int inProcess(StudyConfig study, Instant until, GracefulStop stop, StudyProgress progress) {
        String name = "main@" + host() + ":" + ProcessHandle.current().pid();
        new StudyWorker(study, name, Optional.ofNullable(until), stop, events(progress)).run();
        return stop.getAsBoolean() ? Gated.INTERRUPTED : Gated.OK;
    }

    private int inProcesses(StudyConfig study, Instant until, GracefulStop stop, StudyProgress progress,
                            PrintWriter out) throws IOException, InterruptedException {
        int threads = WorkerProcesses.threadsPerWorker(workers, Runtime.getRuntime().availableProcessors());
        out.printf("%d worker processes, %d CPU threads each; their output: %s%n", workers, threads,
                study.dir().resolve("workers"));
        out.flush();
        try (WorkerProcesses pool = new WorkerProcesses(studyFile, study.dir(), workers, threads, until)) {
            boolean stopped = false;
            while (pool.anyAlive()) {
                if (stop.getAsBoolean() && !stopped) {
                    pool.stop();
                    stopped = true;
                }
                progress.poll();
                Thread.sleep(1000);
            }
            List<Integer> codes = pool.waitFor();
            if (stopped || codes.contains(Gated.INTERRUPTED)) {
                return Gated.INTERRUPTED;
            }
            for (int i = 0; i < codes.size(); i++) {
                if (codes.get(i) != Gated.OK) {
                    spec.commandLine().getErr().println("worker " + (i + 1) + " exited with " + codes.get(i) + "; see "
                            + pool.logs().get(i));
                    return codes.get(i);
                }
            }
            return Gated.OK;
        }
    }

    /** Leaderboard, results files and plots. */
    private void finish(StudyConfig study, PrintWriter out) throws IOException {
        StudyState state = StudyState.replay(new StudyJournal(study.dir()).read());
        List<Path> files = new ArrayList<>(StudyResults.write(study, state));
        files.addAll(plots(study, state, out));
        out.println();
        StudyResults.table(state, study.objective(), TABLE_ROWS).forEach(out::println);
        state.best(study.objective().direction()).ifPresentOrElse(
                t -> {
                    out.printf("%nbest: trial %d, %s %.5g; retrain it with: gated train %s%n", t.number(),
                            study.objective().metric(), t.view().value(), study.dir().resolve(StudyResults.BEST));
                    againstBaselines(StudyWorker.trialDir(study, t.number())).ifPresent(out::println);
                },
                () -> out.printf("%nno trial completed, so there is no best.yaml%n"));
        out.println("files:");
        files.forEach(f -> out.println("  " + f));
        out.flush();
    }

    /**
     * A forecaster is useful only if it beats the naive forecasts, and a tuned objective can hide that it does not:
     * the best trial's own test-split comparison (its forecast.json), when it has one.
     */
    static Optional<String> againstBaselines(Path trialDir) {
        Path file = trialDir.resolve("forecast.json");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        JsonNode f;
        try {
            f = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            return Optional.of("(the best trial's comparison with the naive baselines could not be read: " + file
                    + ": " + e.getMessage() + ")");
        }
        String baseline = f.path("best_baseline_rmse").asText();
        String verdict = f.path("beats_baselines").asBoolean()
                ? "it beats every naive baseline"
                : "it LOSES to " + String.join(", ", texts(f.path("losing_to"))) + "; try: "
                        + String.join("; ", texts(f.path("try")));
        return Optional.of(String.format(Locale.ROOT, "on the %s split, the best trial's RMSE is %.4g against %.4g "
                        + "for %s, the best naive baseline (skill %.3f): %s", f.path("split").asText(),
                f.path("forecasters").path("model").path("overall").path("rmse").asDouble(),
                f.path("forecasters").path(baseline).path("overall").path("rmse").asDouble(), baseline,
                f.path("skill_rmse").asDouble(), verdict));
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** history.png, parameters.png, importance.png; a plot its data cannot make is skipped with the reason. */
    private static List<Path> plots(StudyConfig study, StudyState state, PrintWriter out) throws IOException {
        List<Path> files = new ArrayList<>();
        List<TrialView> views = state.views();
        String metric = study.objective().metric();
        Path dir = study.dir();
        List<PlotTask> tasks = List.of(
                () -> TuningPlots.history(views, study.objective().direction(), metric, dir.resolve("history.png")),
                () -> TuningPlots.parameters(study.space(), views, metric, dir.resolve("parameters.png")),
                () -> TuningPlots.importance(ParamImportance.of(study.space(), views, study.objective().direction()),
                        metric, dir.resolve("importance.png")));
        for (PlotTask t : tasks) {
            try {
                files.add(t.draw());
            } catch (IllegalArgumentException e) {
                out.println("(plot skipped: " + e.getMessage() + ")");
            }
        }
        return files;
    }

    private interface PlotTask {
        Path draw() throws IOException;
    }

    private static String host() {
        String h = System.getenv("HOSTNAME");
        if (h != null && !h.isBlank()) {
            return h;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
