package dev.gated.cli.report.html;

import dev.gated.engine.config.JobFiles;
import dev.gated.engine.config.TaskKind;
import dev.gated.engine.io.AtomicFiles;
import dev.gated.engine.train.RunFolder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code report.html}: one self-contained page about a run, made from the files in its folder (nothing is
 * recomputed but the charts): the summary, the job file, the environment, the training curves, the learning rate,
 * the training health, {@code gated doctor}'s findings and the task's own page. A section whose file is missing
 * says what is missing; a section that fails says why, and the rest of the page is still written.
 */
public final class RunReport {
    public static final String FILE = RunFolder.REPORT;

    private RunReport() {
    }

    /**
     * Writes the report of {@code runDir} to {@code output} (atomically: a reader never sees half a page).
     *
     * @throws IllegalArgumentException when {@code runDir} is not a run folder
     */
    public static Path write(Path runDir, Path output) throws IOException {
        String page = html(runDir);
        Path target = output.toAbsolutePath();
        Files.createDirectories(target.getParent());
        AtomicFiles.write(target, page.getBytes(StandardCharsets.UTF_8));
        return output;
    }

    /** The page of {@code runDir}. */
    public static String html(Path runDir) {
        if (!Files.isDirectory(runDir)) {
            throw new IllegalArgumentException("RUN: " + runDir + " is not a folder; expected a run folder such as "
                    + "runs/NAME");
        }
        RunFiles run = new RunFiles(runDir);
        if (!run.has(RunFolder.JOB) && !run.has(dev.gated.engine.train.MetricsLog.JSONL)) {
            throw new IllegalArgumentException("RUN: " + runDir + " is not a run folder: it has neither "
                    + RunFolder.JOB + " nor " + dev.gated.engine.train.MetricsLog.JSONL);
        }
        List<Section> sections = new ArrayList<>();
        sections.add(safe("summary", "Summary", run, RunSections::summary));
        Optional<TaskKind> task = Optional.empty();
        if (run.has(RunFolder.JOB)) {
            try {
                task = Optional.of(JobFiles.loadRecorded(run.path(RunFolder.JOB)).task().kind());
            } catch (RuntimeException e) {
                sections.add(new Section("task", "Task", Html.missing(RunFolder.JOB + " could not be read, so the "
                        + "task's own page is left out: " + e.getMessage())));
            }
        } else {
            sections.add(new Section("task", "Task", Html.missing("No " + RunFolder.JOB + " in the run folder, so "
                    + "the task is not known and its own page is left out.")));
        }
        for (TaskPage page : taskPages(task)) {
            sections.addAll(safeAll(page.id(), page.title(), run, page.build()));
        }
        sections.add(safe("curves", "Training and validation curves", run, TrainingSections::curves));
        sections.add(safe("learning-rate", "Learning rate", run, TrainingSections::learningRate));
        sections.add(safe("health", "Training health", run, TrainingSections::health));
        sections.add(safe("doctor", "Diagnosis", run, TrainingSections::doctor));
        sections.add(safe("job", "Job file", run, RunSections::job));
        sections.add(safe("environment", "Environment", run, RunSections::environment));
        String name = runDir.toAbsolutePath().normalize().getFileName().toString();
        String subtitle = task.map(t -> "task: " + t.name().toLowerCase(java.util.Locale.ROOT)).orElse("task unknown")
                + " · run folder " + runDir.toAbsolutePath().normalize() + " · report made "
                + Instant.now().truncatedTo(ChronoUnit.SECONDS);
        return ReportPage.render("Gated run report: " + name, subtitle, sections);
    }

    private record TaskPage(String id, String title, Function<RunFiles, List<Section>> build) {
    }

    private static List<TaskPage> taskPages(Optional<TaskKind> task) {
        if (task.isEmpty()) {
            return List.of();
        }
        return switch (task.get()) {
            case FORECAST -> List.of(new TaskPage("forecast", "Forecast", ForecastPage::sections));
            case CLASSIFY -> List.of(new TaskPage("classification", "Classification", ClassificationPage::sections));
            case REGRESSION -> List.of(new TaskPage("regression", "Regression", RegressionPage::sections));
            case LANGUAGE_MODEL -> List.of(new TaskPage("samples", "Generated text", LanguageModelPage::sections));
            case TRANSLATE -> List.of(new TaskPage("translation", "Translation", TranslationPage::sections));
        };
    }

    private static Section safe(String id, String title, RunFiles run, Function<RunFiles, Section> build) {
        return safeAll(id, title, run, r -> List.of(build.apply(r))).get(0);
    }

    /** The sections {@code build} makes, or one that says why it could not be made. */
    private static List<Section> safeAll(String id, String title, RunFiles run,
                                         Function<RunFiles, List<Section>> build) {
        try {
            return build.apply(run);
        } catch (RuntimeException e) {
            return List.of(new Section(id, title, Html.missing("This section could not be made: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()))));
        }
    }
}
