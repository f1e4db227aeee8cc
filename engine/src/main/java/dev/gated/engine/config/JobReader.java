package dev.gated.engine.config;

import dev.gated.engine.forecast.Scaling;
import dev.gated.engine.forecast.Strategy;
import dev.gated.engine.model.LrSchedule;
import dev.gated.engine.util.Suggestions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Turns a located tree into a {@link JobConfig}, collecting every problem rather than stopping at the first. */
final class JobReader {
    private final List<Problem> problems;
    private final ReadContext ctx;
    private final String defaultName;

    JobReader(List<Problem> problems, String defaultName) {
        this(problems, defaultName, null);
    }

    /** @param baseDir the job file's folder, to check the files it names; null: not checked (a recorded job) */
    JobReader(List<Problem> problems, String defaultName, Path baseDir) {
        this.problems = problems;
        this.ctx = new ReadContext(problems, Schema.SECTIONS, baseDir);
        this.defaultName = defaultName;
    }

    /** The config, or {@code null} when a problem was found (and added). */
    JobConfig read(Node root) {
        if (!(root instanceof Node.MapNode map)) {
            problems.add(new Problem(root.at(), null, "expected a mapping with the sections "
                    + String.join(", ", Schema.topLevel()) + ", found " + root.describe()));
            return null;
        }
        for (Node.Field f : map.fields().values()) {
            if (!Schema.topLevel().contains(f.key())) {
                problems.add(new Problem(f.keyAt(), null, Schema.unknownKey(f.key(), "the job file",
                        Schema.topLevel())));
            }
        }
        SectionReader data = section(map, "data", true);
        SectionReader model = section(map, "model", false);
        SectionReader task = section(map, "task", true);
        SectionReader training = section(map, "training", false);
        SectionReader output = section(map, "output", false);
        SectionReader forecast = section(map, "forecast", false);
        SectionReader translation = section(map, "translation", false);

        DataConfig d = new DataReader(ctx).read(data);
        ModelConfig m = new ModelReader(ctx).read(model);
        // A missing or misspelt kind is already a reported problem; TaskConfig itself requires one.
        TaskKind taskKind = task.present() ? task.enumValue("kind", TaskKind.class, null) : null;
        TaskConfig t = taskKind != null ? new TaskConfig(taskKind) : null;
        TrainingConfig tr = new TrainingReader(ctx).read(training);
        OutputConfig o = readOutput(output);
        ForecastConfig fc = new ForecastReader(ctx).read(forecast);
        TranslationConfig tc = new TranslationReader(ctx).read(translation,
                d == null ? Optional.empty() : d.maxLength());
        for (SectionReader s : List.of(data, model, task, training, output, forecast, translation)) {
            s.reportUnknownKeys();
        }
        WordsReader.checkJob(ctx, model, training, d, m, tr);
        TranslationReader.checkJob(ctx, model, training, t, m, tr);
        TbpttReader.checkJob(ctx, training, model, t, d, m, tr);
        if (fc != null && d != null && t != null) {
            fc = checkForecast(map, data, forecast, d, t.kind(), fc);
        }
        if (t != null && t.kind() != TaskKind.TRANSLATE && map.fields().get("translation") != null) {
            problems.add(new Problem(map.fields().get("translation").keyAt(), "translation", "the translation "
                    + "section applies only to task.kind translate, found task.kind " + key(t.kind())));
        }
        if (tr != null && t != null && t.kind() == TaskKind.FORECAST && training.field("epochs") == null
                && tr.steps().isEmpty()) {
            tr = tr.withSteps(TrainingConfig.DEFAULT_FORECAST_STEPS);
        }
        if (d != null && t != null && t.kind() != null && !t.kind().accepts(d.kind())) {
            Node.Field f = task.field("kind");
            problems.add(new Problem(f.value().at(), "task.kind", "task " + key(t.kind()) + " needs data.kind "
                    + t.kind().dataKinds().stream().map(JobReader::key).collect(java.util.stream.Collectors.joining(" or "))
                    + ", found data.kind " + key(d.kind())));
        }
        if (tr != null && t != null && t.kind() != null) {
            boolean validation = d == null || d.split().validation() > 0;
            tr.earlyStopping().ifPresent(es -> checkMetric(training, "early_stopping", es.metric(), t.kind(),
                    validation));
            if (tr.lrSchedule() instanceof LrSchedule.ReduceOnPlateau r) {
                checkMetric(training, "lr_schedule", r.metric(), t.kind(), validation);
            }
        }
        if (tr != null && d != null && tr.bucketing().isPresent() && d.kind() != DataKind.SEQUENCES
                && d.kind() != DataKind.NPY && d.kind() != DataKind.WORDS && d.kind() != DataKind.PARALLEL) {
            problems.add(new Problem(training.field("bucketing").value().at(), "training.bucketing", "bucketing "
                    + "groups sequences of similar length; data.kind " + key(d.kind()) + " makes windows that all "
                    + "have the same length, so there is no padding to save (use data.kind sequences, npy, words or "
                    + "parallel)"));
        }
        if (tr != null && tr.bucketing().isPresent() && !tr.shuffle()) {
            problems.add(new Problem(training.field("bucketing").value().at(), "training.bucketing", "bucketing "
                    + "shuffles the examples and the batches every epoch (seeded), which training.shuffle: false "
                    + "forbids; remove one of them"));
        }
        if (t != null && t.kind() == TaskKind.LANGUAGE_MODEL && m != null && m.bidirectional()) {
            problems.add(new Problem(model.field("bidirectional").value().at(), "model.bidirectional",
                    "a language model predicts the next character from the past only; expected false, found true"));
        }
        if (!problems.isEmpty()) {
            return null;
        }
        if (tc == null) {
            return null; // not reached: a problem was reported
        }
        return new JobConfig(d, m, t, tr, o, fc,
                t.kind() == TaskKind.TRANSLATE ? Optional.of(tc) : Optional.empty());
    }

    /**
     * The forecast section against the rest: only for task forecast; {@code data.standardize} as the older spelling
     * of {@code forecast.scaling} (true: global, false: none) for csv data; a recursive forecast's inputs.
     */
    private ForecastConfig checkForecast(Node.MapNode root, SectionReader data, SectionReader forecast, DataConfig d,
                                         TaskKind task, ForecastConfig fc) {
        if (task != TaskKind.FORECAST) {
            if (root.fields().get("forecast") != null) {
                problems.add(new Problem(root.fields().get("forecast").keyAt(), "forecast", "the forecast section "
                        + "applies only to task.kind forecast, found task.kind " + key(task)));
            }
            return fc;
        }
        Node.Field standardize = data.field("standardize");
        if (standardize != null) {
            Node.Field scaling = forecast.field("scaling");
            if (scaling != null) {
                problems.add(new Problem(standardize.keyAt(), "data.standardize", "for data.kind csv the scaling is "
                        + "forecast.scaling (found too, at line " + scaling.keyAt().line() + "); data.standardize: true "
                        + "is forecast.scaling: global and false is none: keep one of them"));
            } else {
                // DataReader read (and reported) the value; reading it again here would report a bad one twice.
                boolean off = standardize.value() instanceof Node.ScalarNode sc && Boolean.FALSE.equals(sc.value());
                fc = fc.withScaling(off ? Scaling.NONE : Scaling.GLOBAL);
            }
        }
        if (fc.strategy() == Strategy.RECURSIVE) {
            for (String in : d.inputColumns()) {
                if (!d.targetColumns().contains(in)) {
                    problems.add(new Problem(forecast.field("strategy").value().at(), "forecast.strategy", "a "
                            + "recursive forecast feeds its forecasts back as the next inputs, so every input must be "
                            + "a target or known in advance; input column '" + in + "' is neither (move it to "
                            + "data.known_columns if its future values are known, drop it, or use strategy direct)"));
                }
            }
        }
        return fc;
    }

    /** The epoch-row metrics a task produces: train_loss, and with a validation split val_loss and the task's. */
    static List<String> epochMetrics(TaskKind task) {
        List<String> m = new ArrayList<>(List.of("train_loss", "val_loss"));
        switch (task) {
            case FORECAST -> m.addAll(List.of("val_mse", "val_mae", "val_rmse", "val_mape", "val_smape", "val_mase",
                    "val_coverage", "val_wql"));
            case REGRESSION -> m.addAll(List.of("val_mse", "val_mae", "val_rmse"));
            case CLASSIFY -> m.addAll(List.of("val_accuracy", "val_macro_f1"));
            case LANGUAGE_MODEL -> m.addAll(List.of("val_perplexity", "val_accuracy"));
            // Teacher-forced next-token scores of the validation targets, as for a language model.
            case TRANSLATE -> m.add("val_perplexity");
        }
        return m;
    }

    private void checkMetric(SectionReader training, String key, String metric, TaskKind task, boolean validation) {
        Node.Field section = training.field(key);
        Location at = section.value().at();
        if (section.value() instanceof Node.MapNode m && m.fields().get("metric") != null) {
            at = m.fields().get("metric").value().at();
        }
        String path = "training." + key + ".metric";
        List<String> allowed = epochMetrics(task);
        if (!allowed.contains(metric)) {
            problems.add(new Problem(at, path, "task " + key(task) + " has no metric '" + metric + "'"
                    + Suggestions.closest(metric, allowed).map(c -> "; did you mean '" + c + "'?")
                    .orElse("; expected one of " + String.join(", ", allowed))));
        } else if (metric.startsWith("val_") && !validation) {
            problems.add(new Problem(at, path, "'" + metric + "' needs a validation split, but data.split gives "
                    + "validation 0; monitor train_loss or give the validation part a fraction above 0"));
        }
    }

    private OutputConfig readOutput(SectionReader s) {
        Path dir = s.path("dir", false).orElse(OutputConfig.DEFAULT_DIR);
        Optional<String> name = s.optionalString("name");
        if (name.isPresent() && !validName(name.get())) {
            problems.add(new Problem(s.field("name").value().at(), "output.name",
                    "expected a run name (not empty, no '/' or '\\', not '.' or '..'), found '" + name.get() + "'"));
        }
        boolean plots = s.bool("plots", OutputConfig.DEFAULT_PLOTS);
        return new OutputConfig(dir, name.orElse(defaultName), plots);
    }

    static boolean validName(String name) {
        return !name.isBlank() && name.indexOf('/') < 0 && name.indexOf('\\') < 0 && !name.equals(".")
                && !name.equals("..");
    }

    private SectionReader section(Node.MapNode root, String name, boolean required) {
        return SectionReader.section(ctx, root, name, required);
    }

    static String key(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT);
    }
}
