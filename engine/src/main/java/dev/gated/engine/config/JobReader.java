package dev.gated.engine.config;

import dev.gated.engine.util.Suggestions;

import dev.gated.engine.backend.DeviceMode;
import dev.gated.engine.backend.Precision;

import dev.gated.engine.data.timeseries.NanPolicy;

import dev.gated.engine.data.Bucketing;
import dev.gated.engine.forecast.Scaling;
import dev.gated.engine.forecast.Strategy;
import dev.gated.engine.data.Curriculum;
import dev.gated.engine.model.Dropout;
import dev.gated.engine.model.Stacking;
import dev.gated.engine.model.EarlyStopping;
import dev.gated.engine.model.Init;
import dev.gated.engine.model.LrSchedule;

import dev.gated.engine.rnn.CellType;

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
        this.problems = problems;
        this.ctx = new ReadContext(problems);
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

        DataConfig d = new DataReader(ctx).read(data);
        ModelConfig m = readModel(model);
        // A missing or misspelt kind is already a reported problem; TaskConfig itself requires one.
        TaskKind taskKind = task.present() ? task.enumValue("kind", TaskKind.class, null) : null;
        TaskConfig t = taskKind != null ? new TaskConfig(taskKind) : null;
        TrainingConfig tr = readTraining(training);
        OutputConfig o = readOutput(output);
        ForecastConfig fc = new ForecastReader(ctx).read(forecast);
        for (SectionReader s : List.of(data, model, task, training, output, forecast)) {
            s.reportUnknownKeys();
        }
        if (fc != null && d != null && t != null) {
            fc = checkForecast(map, data, forecast, d, t.kind(), fc);
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
                && d.kind() != DataKind.NPY) {
            problems.add(new Problem(training.field("bucketing").value().at(), "training.bucketing", "bucketing "
                    + "groups sequences of similar length; data.kind " + key(d.kind()) + " makes windows that all "
                    + "have the same length, so there is no padding to save (use data.kind sequences or npy)"));
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
        return new JobConfig(d, m, t, tr, o, fc);
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
                fc = fc.withScaling(d.standardize() ? Scaling.GLOBAL : Scaling.NONE);
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

    private ModelConfig readModel(SectionReader s) {
        CellType cell = s.enumValue("cell", CellType.class, ModelConfig.DEFAULT_CELL);
        int layers = s.intValue("layers", ModelConfig.DEFAULT_LAYERS, 1);
        int hidden = s.intValue("hidden", ModelConfig.DEFAULT_HIDDEN, 1);
        boolean bidirectional = s.bool("bidirectional", ModelConfig.DEFAULT_BIDIRECTIONAL);
        HeadType head = s.enumValue("head", HeadType.class, ModelConfig.DEFAULT_HEAD);
        Optional<Path> initFrom = s.path("init_from", false);
        if (initFrom.isPresent() && !initFrom.get().toString().endsWith(".safetensors")) {
            Node.Field f = s.field("init_from");
            problems.add(new Problem(f.value().at(), "model.init_from",
                    "expected a path to a .safetensors file, found " + f.value().describe()));
        }
        Init init = readInit(s.sub("init"), cell);
        Dropout dropout = readDropout(s.sub("dropout"), layers);
        boolean residual = s.bool("residual", false);
        boolean layerNorm = s.bool("layer_norm", false);
        if (residual && layers < 2) {
            problems.add(new Problem(s.field("residual").value().at(), "model.residual", "residual connections join "
                    + "stacked layers (layer k+1's output += its input), so they need layers >= 2, found layers "
                    + layers + " (the first layer's input has the data's width, not the hidden width, and gets none)"));
        }
        if (cell == null || head == null || init == null) {
            return null;
        }
        return new ModelConfig(cell, layers, hidden, bidirectional, head, initFrom, init, dropout,
                new Stacking(residual, layerNorm));
    }

    private Init readInit(SectionReader s, CellType cell) {
        if (!s.present()) {
            return Init.DEFAULT;
        }
        Init.Scheme weights = s.enumValue("weights", Init.Scheme.class, Init.Scheme.PYTORCH_DEFAULT);
        String recurrent = s.choice("recurrent", List.of("same", "orthogonal"), "same");
        Optional<Double> forgetBias = s.optionalNumber("forget_bias", v -> true, "");
        if (forgetBias.isPresent() && cell != null && cell != CellType.LSTM) {
            problems.add(new Problem(s.field("forget_bias").keyAt(), "model.init.forget_bias",
                    "forget_bias applies only to cell lstm (a GRU has no forget gate), found cell " + key(cell)));
        }
        Init.Scheme head = s.enumValue("head", Init.Scheme.class, Init.Scheme.PYTORCH_DEFAULT);
        s.reportUnknownKeys();
        if (weights == null || head == null || recurrent == null) {
            return null;
        }
        return new Init(weights, recurrent.equals("orthogonal"), forgetBias, head);
    }

    private Dropout readDropout(SectionReader s, int layers) {
        if (!s.present()) {
            return Dropout.NONE;
        }
        double input = s.number("input", 0, v -> v >= 0 && v < 1, "in [0, 1)");
        double output = s.number("output", 0, v -> v >= 0 && v < 1, "in [0, 1)");
        double between = s.number("between", 0, v -> v >= 0 && v < 1, "in [0, 1)");
        if (between > 0 && layers < 2) {
            problems.add(new Problem(s.field("between").value().at(), "model.dropout.between", "dropout between "
                    + "stacked layers needs layers >= 2, found layers " + layers + " (use output for dropout before "
                    + "the head)"));
        }
        s.reportUnknownKeys();
        return new Dropout(input, output, between);
    }

    private TrainingConfig readTraining(SectionReader s) {
        OptimizerKind optimizer = s.enumValue("optimizer", OptimizerKind.class, TrainingConfig.DEFAULT_OPTIMIZER);
        double lr = s.number("learning_rate", TrainingConfig.DEFAULT_LEARNING_RATE, v -> v > 0, "> 0");
        double momentum = s.number("momentum", TrainingConfig.DEFAULT_MOMENTUM, v -> v >= 0 && v < 1, "in [0, 1)");
        if (momentum != 0 && optimizer != null && optimizer != OptimizerKind.SGD
                && optimizer != OptimizerKind.RMSPROP) {
            problems.add(new Problem(s.field("momentum").value().at(), "training.momentum",
                    "momentum applies only to optimizers sgd and rmsprop, found optimizer " + key(optimizer)
                            + " (remove momentum or set it to 0)"));
        }
        OptimizerOptions optimizerOptions = optimizer == null ? null : readOptimizerOptions(s, optimizer, momentum);
        double weightDecay = s.number("weight_decay", TrainingConfig.DEFAULT_WEIGHT_DECAY, v -> v >= 0, ">= 0");
        int batchSize = s.intValue("batch_size", TrainingConfig.DEFAULT_BATCH_SIZE, 1);
        int epochs = s.intValue("epochs", TrainingConfig.DEFAULT_EPOCHS, 1);
        Optional<Long> steps = s.optionalLong("steps", 1, Long.MAX_VALUE);
        if (steps.isPresent() && s.field("epochs") != null) {
            problems.add(new Problem(s.field("steps").keyAt(), "training.steps", "give the run's length as "
                    + "training.epochs or as training.steps (optimizer steps, rounded up to whole epochs), not both"));
        }
        boolean shuffle = s.bool("shuffle", TrainingConfig.DEFAULT_SHUFFLE);
        long seed = s.optionalLong("seed", Long.MIN_VALUE, Long.MAX_VALUE).orElse(TrainingConfig.DEFAULT_SEED);
        Optional<Double> clip = s.optionalNumber("clip_grad_norm", v -> v > 0, "> 0");
        DeviceMode device = s.enumValue("device", DeviceMode.class, TrainingConfig.DEFAULT_DEVICE);
        Precision precision = s.enumValue("precision", Precision.class, Precision.FP32);
        Optional<Long> checkpointEvery = s.optionalLong("checkpoint_every_steps", 1, Long.MAX_VALUE);
        int keep = s.intValue("keep_checkpoints", TrainingConfig.DEFAULT_KEEP_CHECKPOINTS, 1);
        Optional<Double> clipValue = s.optionalNumber("clip_grad_value", v -> v > 0, "> 0");
        double l1 = s.number("l1", 0, v -> v >= 0, ">= 0");
        double l2 = s.number("l2", 0, v -> v >= 0, ">= 0");
        boolean penalizeBiases = s.bool("penalize_biases", false);
        double noise = s.number("input_noise", 0, v -> v >= 0, ">= 0 (the standard deviation)");
        LrSchedule schedule = readSchedule(s);
        Optional<EarlyStopping> stopping = readEarlyStopping(s.sub("early_stopping"));
        HealthConfig health = readHealth(s);
        Optional<Bucketing> bucketing = readBucketing(s);
        // With steps, the epochs are known only with the data; the curriculum is checked then.
        Optional<Curriculum> curriculum = readCurriculum(s.sub("curriculum"), steps.isPresent() ? Integer.MAX_VALUE
                : epochs);
        if (optimizer == null || device == null || schedule == null || stopping == null || optimizerOptions == null
                || health == null || bucketing == null || curriculum == null || precision == null) {
            return null;
        }
        return new TrainingConfig(optimizer, lr, momentum, weightDecay, batchSize, epochs, shuffle, seed, clip,
                device, checkpointEvery, keep, clipValue, l1, l2, penalizeBiases, noise, schedule, stopping,
                optimizerOptions, health, bucketing, curriculum, precision, steps);
    }

    /** The optimizers each optimizer-specific key of {@code training} applies to. */
    static final java.util.Map<String, List<OptimizerKind>> OPTIMIZER_KEYS = java.util.Map.of(
            "nesterov", List.of(OptimizerKind.SGD),
            "betas", List.of(OptimizerKind.ADAM, OptimizerKind.ADAMW),
            "eps", List.of(OptimizerKind.ADAM, OptimizerKind.ADAMW, OptimizerKind.RMSPROP, OptimizerKind.ADAGRAD),
            "alpha", List.of(OptimizerKind.RMSPROP),
            "centered", List.of(OptimizerKind.RMSPROP),
            "lr_decay", List.of(OptimizerKind.ADAGRAD),
            "initial_accumulator_value", List.of(OptimizerKind.ADAGRAD));

    /** nesterov, betas, eps, alpha, centered, lr_decay, initial_accumulator_value; null after a problem. */
    private OptimizerOptions readOptimizerOptions(SectionReader s, OptimizerKind optimizer, double momentum) {
        int before = problems.size();
        for (String key : Schema.SECTIONS.get("training")) {
            List<OptimizerKind> kinds = OPTIMIZER_KEYS.get(key);
            Node.Field f = s.field(key);
            if (kinds != null && f != null && !kinds.contains(optimizer)) {
                problems.add(new Problem(f.keyAt(), "training." + key, "'" + key + "' applies only to optimizer"
                        + (kinds.size() > 1 ? "s " : " ") + String.join(", ", kinds.stream().map(JobReader::key)
                        .toList()) + ", found optimizer " + key(optimizer)));
            }
        }
        if (problems.size() > before) {
            return null;
        }
        OptimizerOptions d = OptimizerOptions.defaults(optimizer);
        boolean nesterov = s.bool("nesterov", false);
        if (nesterov && momentum == 0) {
            problems.add(new Problem(s.field("nesterov").value().at(), "training.nesterov",
                    "nesterov needs momentum > 0 (set training.momentum, e.g. 0.9)"));
        }
        double[] betas = betas(s);
        double eps = s.number("eps", d.eps(), v -> v > 0, "> 0");
        double alpha = s.number("alpha", d.alpha(), v -> v >= 0 && v < 1, "in [0, 1)");
        boolean centered = s.bool("centered", false);
        double lrDecay = s.number("lr_decay", 0, v -> v >= 0, ">= 0");
        double initial = s.number("initial_accumulator_value", 0, v -> v >= 0, ">= 0");
        if (problems.size() > before || betas == null) {
            return null;
        }
        return new OptimizerOptions(nesterov, betas[0], betas[1], eps, alpha, centered, lrDecay, initial);
    }

    /** {@code betas: [beta1, beta2]}, each in [0, 1); null after a problem. */
    private double[] betas(SectionReader s) {
        Node.Field f = s.field("betas");
        if (f == null) {
            return new double[] {OptimizerOptions.DEFAULT_BETA1, OptimizerOptions.DEFAULT_BETA2};
        }
        if (!(f.value() instanceof Node.ListNode list) || list.items().size() != 2) {
            problems.add(new Problem(f.value().at(), "training.betas", "expected a list of 2 numbers [beta1, beta2]"
                    + ", found " + (f.value() instanceof Node.ListNode l ? "a list of " + l.items().size()
                    : f.value().describe())));
            return null;
        }
        double[] out = new double[2];
        for (int i = 0; i < 2; i++) {
            Node item = list.items().get(i);
            boolean ok = item instanceof Node.ScalarNode sc && sc.value() instanceof Number n
                    && n.doubleValue() >= 0 && n.doubleValue() < 1;
            if (!ok) {
                problems.add(new Problem(item.at(), "training.betas[" + i + "]", "expected a number in [0, 1), found "
                        + item.describe()));
                return null;
            }
            out[i] = ((Number) ((Node.ScalarNode) item).value()).doubleValue();
        }
        return out;
    }

    /** {@code training.health} and the non-finite action with its settings; null after a problem. */
    private HealthConfig readHealth(SectionReader training) {
        int before = problems.size();
        SectionReader h = training.sub("health");
        int every = h.intValue("every_steps", HealthConfig.DEFAULT_EVERY_STEPS, 0);
        int sequences = h.intValue("sequences", HealthConfig.DEFAULT_SEQUENCES, 1);
        h.reportUnknownKeys();
        String action = training.choice("on_nonfinite", HealthConfig.OnNonFinite.KEYS, "stop");
        double factor = training.number("rollback_lr_factor", HealthConfig.DEFAULT_ROLLBACK_LR_FACTOR,
                v -> v > 0 && v < 1, "in (0, 1) (the learning rate is multiplied by it after a rollback)");
        int maxRollbacks = training.intValue("max_rollbacks", HealthConfig.DEFAULT_MAX_ROLLBACKS, 1);
        if (action != null && !action.equals("rollback")) {
            // Settings that would silently do nothing are mistakes.
            for (String key : List.of("rollback_lr_factor", "max_rollbacks")) {
                Node.Field f = training.field(key);
                if (f != null) {
                    problems.add(new Problem(f.keyAt(), "training." + key, "'" + key + "' applies only to "
                            + "on_nonfinite: rollback, found on_nonfinite: " + action));
                }
            }
        }
        if (problems.size() > before || action == null || h.givenNotMapping()) {
            return null;
        }
        return new HealthConfig(every, sequences,
                HealthConfig.OnNonFinite.valueOf(action.toUpperCase(java.util.Locale.ROOT)), factor, maxRollbacks);
    }

    /** {@code bucketing: true | false | {buckets: N}}; null after reporting a problem. */
    private Optional<Bucketing> readBucketing(SectionReader training) {
        Node.Field f = training.field("bucketing");
        if (f == null) {
            return Optional.empty();
        }
        if (f.value() instanceof Node.ScalarNode sc && sc.value() instanceof Boolean b) {
            return b ? Optional.of(new Bucketing(Bucketing.DEFAULT_BUCKETS)) : Optional.empty();
        }
        if (!(f.value() instanceof Node.MapNode)) {
            problems.add(new Problem(f.value().at(), "training.bucketing", "expected true, false or a mapping with "
                    + "the key buckets (an integer >= 1), found " + f.value().describe()));
            return null;
        }
        SectionReader s = training.sub("bucketing");
        int before = problems.size();
        int buckets = s.intValue("buckets", Bucketing.DEFAULT_BUCKETS, 1);
        s.reportUnknownKeys();
        return problems.size() > before ? null : Optional.of(new Bucketing(buckets));
    }

    private Optional<Curriculum> readCurriculum(SectionReader s, int epochs) {
        if (!s.present()) {
            return s.givenNotMapping() ? null : Optional.empty();
        }
        int before = problems.size();
        Optional<Long> start = s.optionalLong("start_length", 1, Integer.MAX_VALUE);
        if (s.field("start_length") == null) {
            s.missingKey("start_length", "an integer >= 1, the steps kept in the first epoch");
        }
        Optional<Long> grow = s.optionalLong("epochs", 1, Integer.MAX_VALUE);
        if (s.field("epochs") == null) {
            s.missingKey("epochs", "an integer >= 1, the epochs over which the length grows to full");
        }
        if (grow.isPresent() && grow.get() >= epochs) {
            problems.add(new Problem(s.field("epochs").value().at(), "training.curriculum.epochs", "the curriculum "
                    + "must end before the run does, so that at least the last epoch trains at full length: "
                    + "expected fewer than training.epochs (" + epochs + "), found " + grow.get()));
        }
        s.reportUnknownKeys();
        if (problems.size() > before || start.isEmpty() || grow.isEmpty()) {
            return null;
        }
        return Optional.of(new Curriculum(start.get().intValue(), grow.get().intValue()));
    }

    /** Keys each schedule kind takes (besides kind). */
    private static final java.util.Map<String, List<String>> SCHEDULE_KEYS = java.util.Map.of(
            "constant", List.of(),
            "step", List.of("step_size", "gamma"),
            "exponential", List.of("gamma"),
            "cosine", List.of("warmup_steps", "min_lr"),
            "one_cycle", List.of("max_lr", "pct_start", "div_factor", "final_div_factor"),
            "reduce_on_plateau", List.of("metric", "mode", "factor", "patience", "threshold", "cooldown", "min_lr"));

    /** {@code lr_schedule: cosine} (defaults) or a mapping with {@code kind}; null after a problem. */
    private LrSchedule readSchedule(SectionReader training) {
        Node.Field f = training.field("lr_schedule");
        if (f == null) {
            return new LrSchedule.Constant();
        }
        SectionReader s;
        String kind;
        if (f.value() instanceof Node.ScalarNode sc && sc.value() instanceof String text) {
            s = new SectionReader(ctx, "training.lr_schedule", new Node.MapNode(sc.at()), sc.at(), true);
            kind = ctx.checkChoice(text, sc.at(), "training.lr_schedule", LrSchedule.KINDS);
        } else {
            s = training.sub("lr_schedule");
            if (!s.present()) {
                return null;
            }
            kind = s.choice("kind", LrSchedule.KINDS, null);
        }
        s.reportUnknownKeys();
        if (kind == null) {
            return null;
        }
        int before = problems.size();
        List<String> own = SCHEDULE_KEYS.get(kind);
        for (String key : Schema.SECTIONS.get("training.lr_schedule")) {
            Node.Field k = s.field(key);
            if (k != null && !key.equals("kind") && !own.contains(key)) {
                problems.add(new Problem(k.keyAt(), "training.lr_schedule." + key, "'" + key + "' does not apply "
                        + "to lr_schedule kind " + kind + (own.isEmpty() ? ", which takes no settings"
                        : "; its settings are " + String.join(", ", own))));
            }
        }
        LrSchedule schedule = switch (kind) {
            case "constant" -> new LrSchedule.Constant();
            case "step" -> new LrSchedule.Step(s.optionalLong("step_size", 1, Integer.MAX_VALUE)
                    .map(Long::intValue).orElseGet(() -> {
                        if (s.field("step_size") == null) {
                            s.missingKey("step_size", "an integer >= 1, epochs between reductions");
                        }
                        return 1;
                    }), s.number("gamma", 0.1, v -> v > 0 && v <= 1, "in (0, 1]"));
            case "exponential" -> new LrSchedule.Exponential(s.optionalNumber("gamma", v -> v > 0 && v <= 1,
                    "in (0, 1]").orElseGet(() -> {
                        if (s.field("gamma") == null) {
                            s.missingKey("gamma", "a number in (0, 1], the factor per epoch");
                        }
                        return 1.0;
                    }));
            case "cosine" -> new LrSchedule.Cosine(s.optionalLong("warmup_steps", 0, Long.MAX_VALUE).orElse(0L),
                    s.number("min_lr", 0, v -> v >= 0, ">= 0"));
            case "one_cycle" -> new LrSchedule.OneCycle(s.optionalNumber("max_lr", v -> v > 0, "> 0"),
                    s.number("pct_start", 0.3, v -> v > 0 && v < 1, "in (0, 1)"),
                    s.number("div_factor", 25, v -> v > 0, "> 0"),
                    s.number("final_div_factor", 1e4, v -> v > 0, "> 0"));
            default -> {
                String metric = s.optionalString("metric").orElse("val_loss");
                String mode = s.choice("mode", List.of("min", "max"), EarlyStopping.maxByDefault(metric)
                        ? "max" : "min");
                yield new LrSchedule.ReduceOnPlateau(metric, "max".equals(mode),
                        s.number("factor", 0.1, v -> v > 0 && v < 1, "in (0, 1)"),
                        s.intValue("patience", 10, 0), s.number("threshold", 1e-4, v -> v >= 0, ">= 0"),
                        s.intValue("cooldown", 0, 0), s.number("min_lr", 0, v -> v >= 0, ">= 0"));
            }
        };
        return problems.size() > before ? null : schedule;
    }

    /** Empty when not given; null after a problem. */
    private Optional<EarlyStopping> readEarlyStopping(SectionReader s) {
        if (!s.present()) {
            return s.givenNotMapping() ? null : Optional.empty();
        }
        int before = problems.size();
        String metric = s.optionalString("metric").orElse("val_loss");
        String mode = s.choice("mode", List.of("min", "max"), EarlyStopping.maxByDefault(metric) ? "max" : "min");
        Optional<Long> patience = s.optionalLong("patience", 1, Integer.MAX_VALUE);
        if (s.field("patience") == null) {
            s.missingKey("patience", "an integer >= 1, epochs without improvement before stopping");
        }
        double minDelta = s.number("min_delta", 0, v -> v >= 0, ">= 0");
        boolean restore = s.bool("restore_best", true);
        s.reportUnknownKeys();
        if (problems.size() > before || patience.isEmpty()) {
            return null;
        }
        return Optional.of(new EarlyStopping(metric, "max".equals(mode), patience.get().intValue(), minDelta,
                restore));
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
        Node.Field f = root.fields().get(name);
        if (f == null) {
            if (required) {
                problems.add(new Problem(root.at(), name, "missing required section '" + name + "'"));
                return new SectionReader(ctx, name, null, root.at(), false);
            }
            return new SectionReader(ctx, name, new Node.MapNode(root.at()), root.at(), true);
        }
        Node v = f.value();
        if (v instanceof Node.MapNode m) {
            return new SectionReader(ctx, name, m, v.at(), true);
        }
        if (v instanceof Node.ScalarNode sc && sc.isNull()) {
            if (required) {
                problems.add(new Problem(f.keyAt(), name, "section '" + name + "' is empty; expected a mapping with "
                        + "its required keys"));
                return new SectionReader(ctx, name, null, f.keyAt(), false);
            }
            return new SectionReader(ctx, name, new Node.MapNode(v.at()), v.at(), true);
        }
        problems.add(new Problem(v.at(), name, "expected a mapping, found " + v.describe()));
        return new SectionReader(ctx, name, null, v.at(), false);
    }


    static String key(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT);
    }
}
