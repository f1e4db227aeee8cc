package dev.gated.engine.config;

import dev.gated.engine.model.EarlyStopping;
import dev.gated.engine.tune.Direction;
import dev.gated.engine.tune.StudyConfig;
import dev.gated.engine.tune.StudyConfig.Budget;
import dev.gated.engine.tune.StudyConfig.Objective;
import dev.gated.engine.tune.StudyConfig.PrunerConfig;
import dev.gated.engine.tune.StudyConfig.PrunerKind;
import dev.gated.engine.tune.StudyConfig.Reduce;
import dev.gated.engine.tune.StudyConfig.SamplerConfig;
import dev.gated.engine.tune.StudyConfig.SamplerKind;
import dev.gated.engine.util.Suggestions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a study file's tree into a {@link StudyConfig}; the search space is read by {@link SpaceReader}.
 *
 * <pre>
 * study:     {job: ../forecast/seattle-weather.yaml, name: NAME, dir: runs/tune, seed: 0}
 * objective: {metric: val_rmse, direction: minimize, reduce: best}
 * budget:    {trials: 40, time: 30m}
 * sampler:   {kind: tpe, startup_trials: 10, candidates: 24}
 * pruner:    {kind: asha, min_epochs: 1, reduction_factor: 3}      # or median: startup_trials, warmup_epochs
 * space:
 *   training.learning_rate: {loguniform: [1.0e-4, 1.0e-1]}
 *   model.layers: {int: [1, 3]}
 *   model.dropout.between: {uniform: [0.0, 0.5], when: "model.layers > 1"}
 * </pre>
 */
final class StudyReader {
    static final Path DEFAULT_DIR = Path.of("runs", "tune");
    static final int DEFAULT_TRIALS = 20;
    private static final Pattern DURATION = Pattern.compile("(?:(\\d+)h)?\\s*(?:(\\d+)m)?\\s*(?:(\\d+)s)?");
    private static final List<String> BACKTEST_METRICS = List.of("mse", "mae", "rmse", "mape", "smape", "mase",
            "coverage", "wql");

    private final List<Problem> problems;
    private final ReadContext ctx;
    private final Path file;
    private final String defaultName;

    StudyReader(List<Problem> problems, Path file, String defaultName) {
        this.problems = problems;
        this.ctx = new ReadContext(problems, StudyFiles.SCHEMA);
        this.file = file;
        this.defaultName = defaultName;
    }

    StudyConfig read(Node root) {
        if (!(root instanceof Node.MapNode map)) {
            problems.add(new Problem(root.at(), null, "expected a mapping with the sections "
                    + String.join(", ", StudyFiles.TOP_LEVEL) + ", found " + root.describe()));
            return null;
        }
        for (Node.Field f : map.fields().values()) {
            if (!StudyFiles.TOP_LEVEL.contains(f.key())) {
                problems.add(new Problem(f.keyAt(), null, Schema.unknownKey(f.key(), "the study file",
                        StudyFiles.TOP_LEVEL)));
            }
        }
        int before = problems.size();
        SectionReader study = SectionReader.section(ctx, map, "study", true);
        Optional<Path> jobPath = study.path("job", study.present());
        Path job = jobPath.map(p -> file.toAbsolutePath().getParent().resolve(p).normalize()).orElse(null);
        String name = study.optionalString("name").orElse(defaultName);
        if (!JobReader.validName(name)) {
            problems.add(new Problem(study.present() && study.field("name") != null ? study.field("name").value().at()
                    : root.at(), "study.name", "expected a study name (not empty, no '/' or '\\', not '.' or '..'), "
                    + "found '" + name + "'"));
        }
        Path dir = study.path("dir", false).orElse(DEFAULT_DIR);
        long seed = study.optionalLong("seed", Long.MIN_VALUE, Long.MAX_VALUE).orElse(0L);
        study.reportUnknownKeys();

        // The base job: read once here, so that its problems are reported against the study's job key.
        JobConfig base = job == null ? null : baseJob(job, study);
        SpaceReader.Result space = new SpaceReader(ctx, map.fields().get("space"), root.at(), job, base != null)
                .read();
        Objective objective = objective(SectionReader.section(ctx, map, "objective", false), base);
        SamplerConfig sampler = sampler(SectionReader.section(ctx, map, "sampler", false));
        Budget budget = budget(SectionReader.section(ctx, map, "budget", false),
                sampler != null && sampler.kind() == SamplerKind.GRID);
        PrunerConfig pruner = pruner(SectionReader.section(ctx, map, "pruner", false), objective);
        if (sampler != null && sampler.kind() == SamplerKind.GRID && space.space() != null) {
            space.requireFinite(ctx);
        }
        if (problems.size() > before || space.space() == null || objective == null || sampler == null
                || budget == null || pruner == null) {
            return null;
        }
        return new StudyConfig(file.toAbsolutePath(), name, job, dir.resolve(name), space.space(), objective, budget,
                sampler, pruner, seed);
    }

    private JobConfig baseJob(Path job, SectionReader study) {
        try {
            return JobFiles.load(job);
        } catch (JobConfigException e) {
            problems.add(new Problem(study.field("job").value().at(), "study.job", "the base job " + job
                    + " has problems:\n    " + String.join("\n    ", e.problems())));
            return null;
        }
    }

    private Objective objective(SectionReader s, JobConfig base) {
        String metric = s.optionalString("metric").orElse("val_loss");
        if (base != null) {
            checkMetric(s, metric, base);
        }
        boolean maxByDefault = EarlyStopping.maxByDefault(metric);
        String direction = s.choice("direction", List.of("minimize", "maximize"),
                maxByDefault ? "maximize" : "minimize");
        Reduce reduce = s.enumValue("reduce", Reduce.class, Reduce.BEST);
        s.reportUnknownKeys();
        return direction == null || reduce == null ? null : new Objective(metric,
                direction.equals("maximize") ? Direction.MAXIMIZE : Direction.MINIMIZE, reduce);
    }

    private void checkMetric(SectionReader s, String metric, JobConfig base) {
        Location at = s.field("metric") == null ? s.at() : s.field("metric").value().at();
        TaskKind task = base.task().kind();
        if (metric.startsWith(Objective.BACKTEST_PREFIX)) {
            String m = metric.substring(Objective.BACKTEST_PREFIX.length());
            if (task != TaskKind.FORECAST) {
                problems.add(new Problem(at, "objective.metric", "backtest metrics need a forecasting job (task.kind "
                        + "forecast); the base job's task is " + JobReader.key(task)));
            } else if (!BACKTEST_METRICS.contains(m)) {
                problems.add(new Problem(at, "objective.metric", "no backtest metric '" + m + "'; expected "
                        + Objective.BACKTEST_PREFIX + "followed by one of " + String.join(", ", BACKTEST_METRICS)));
            }
            return;
        }
        List<String> allowed = JobReader.epochMetrics(task).stream().filter(x -> x.startsWith("val_")).toList();
        if (!allowed.contains(metric)) {
            problems.add(new Problem(at, "objective.metric", "the base job's task " + JobReader.key(task)
                    + " has no validation metric '" + metric + "'" + Suggestions.closest(metric, allowed)
                    .map(c -> "; did you mean '" + c + "'?").orElse("; expected one of " + String.join(", ", allowed)
                            + (task == TaskKind.FORECAST ? " or backtest_<metric>" : ""))));
        } else if (base.data().split().validation() <= 0) {
            problems.add(new Problem(at, "objective.metric", "'" + metric + "' needs a validation split, but the base "
                    + "job's data.split gives validation 0"));
        }
    }

    private SamplerConfig sampler(SectionReader s) {
        SamplerKind kind = s.enumValue("kind", SamplerKind.class, SamplerKind.TPE);
        int startup = s.intValue("startup_trials", SamplerConfig.DEFAULT_STARTUP_TRIALS, 1);
        int candidates = s.intValue("candidates", SamplerConfig.DEFAULT_CANDIDATES, 1);
        s.reportUnknownKeys();
        return kind == null ? null : new SamplerConfig(kind, startup, candidates);
    }

    private Budget budget(SectionReader s, boolean grid) {
        // Grid search runs the whole grid unless told otherwise (the runner caps the count at the grid's size).
        int trials = s.intValue("trials", grid ? Integer.MAX_VALUE : DEFAULT_TRIALS, 1);
        Optional<Duration> time = Optional.empty();
        Node.Field f = s.field("time");
        if (f != null) {
            time = duration(f);
        }
        s.reportUnknownKeys();
        return new Budget(trials, time);
    }

    /** {@code 90} (seconds), {@code 90s}, {@code 30m}, {@code 2h}, {@code 1h30m}. */
    private Optional<Duration> duration(Node.Field f) {
        if (f.value() instanceof Node.ScalarNode sc) {
            if (sc.value() instanceof Long l && l > 0) {
                return Optional.of(Duration.ofSeconds(l));
            }
            if (sc.value() instanceof String text) {
                Matcher m = DURATION.matcher(text.strip());
                if (m.matches() && !text.isBlank()) {
                    long sec = 3600 * num(m.group(1)) + 60 * num(m.group(2)) + num(m.group(3));
                    if (sec > 0) {
                        return Optional.of(Duration.ofSeconds(sec));
                    }
                }
            }
        }
        problems.add(new Problem(f.value().at(), "budget.time", "expected a wall time like 90s, 30m, 2h or 1h30m "
                + "(or a number of seconds), found " + f.value().describe()));
        return Optional.empty();
    }

    private static long num(String s) {
        return s == null ? 0 : Long.parseLong(s);
    }

    private PrunerConfig pruner(SectionReader s, Objective objective) {
        PrunerKind kind = s.enumValue("kind", PrunerKind.class, PrunerKind.NONE);
        int minEpochs = s.intValue("min_epochs", 1, 1);
        int factor = s.intValue("reduction_factor", 3, 2);
        int startup = s.intValue("startup_trials", 5, 0);
        int warmup = s.intValue("warmup_epochs", 0, 0);
        s.reportUnknownKeys();
        if (kind != null && kind != PrunerKind.NONE && objective != null && objective.backtest()) {
            problems.add(new Problem(s.field("kind").value().at(), "pruner.kind", "pruning decides on a validation "
                    + "metric after each epoch, but the objective " + objective.metric() + " is known only after "
                    + "every backtest fold has trained; use kind none, or a validation metric"));
            return null;
        }
        return kind == null ? null : new PrunerConfig(kind, minEpochs, factor, startup, warmup);
    }
}
