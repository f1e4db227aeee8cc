package dev.gated.engine.config;

import dev.gated.engine.backend.DeviceMode;
import dev.gated.engine.backend.Precision;
import dev.gated.engine.data.Bucketing;
import dev.gated.engine.data.Curriculum;
import dev.gated.engine.model.EarlyStopping;
import dev.gated.engine.model.LrSchedule;

import java.util.List;
import java.util.Optional;

/**
 * Reads the {@code training} section (optimizer and its options, length, regularisation, health, bucketing,
 * curriculum, early stopping, truncated BPTT) into a {@link TrainingConfig}; the schedule has its own
 * {@link ScheduleReader}, truncated BPTT its {@link TbpttReader}.
 */
final class TrainingReader {
    private final ReadContext ctx;

    TrainingReader(ReadContext ctx) {
        this.ctx = ctx;
    }

    TrainingConfig read(SectionReader s) {
        OptimizerKind optimizer = s.enumValue("optimizer", OptimizerKind.class, TrainingConfig.DEFAULT_OPTIMIZER);
        double lr = s.number("learning_rate", TrainingConfig.DEFAULT_LEARNING_RATE, v -> v > 0, "> 0");
        double momentum = s.number("momentum", TrainingConfig.DEFAULT_MOMENTUM, v -> v >= 0 && v < 1, "in [0, 1)");
        if (momentum != 0 && optimizer != null && optimizer != OptimizerKind.SGD
                && optimizer != OptimizerKind.RMSPROP) {
            ctx.add(new Problem(s.field("momentum").value().at(), "training.momentum",
                    "momentum applies only to optimizers sgd and rmsprop, found optimizer " + JobReader.key(optimizer)
                            + " (remove momentum or set it to 0)"));
        }
        OptimizerOptions optimizerOptions = optimizer == null ? null : readOptimizerOptions(s, optimizer, momentum);
        double weightDecay = s.number("weight_decay", TrainingConfig.DEFAULT_WEIGHT_DECAY, v -> v >= 0, ">= 0");
        int batchSize = s.intValue("batch_size", TrainingConfig.DEFAULT_BATCH_SIZE, 1);
        int epochs = s.intValue("epochs", TrainingConfig.DEFAULT_EPOCHS, 1);
        Optional<Long> steps = s.optionalLong("steps", 1, Long.MAX_VALUE);
        if (steps.isPresent() && s.field("epochs") != null) {
            ctx.add(new Problem(s.field("steps").keyAt(), "training.steps", "give the run's length as "
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
        LrSchedule schedule = new ScheduleReader(ctx).read(s);
        Optional<EarlyStopping> stopping = readEarlyStopping(s.sub("early_stopping"));
        HealthConfig health = readHealth(s);
        Optional<Bucketing> bucketing = readBucketing(s);
        // With steps, the epochs are known only with the data; the curriculum is checked then.
        Optional<Curriculum> curriculum = readCurriculum(s.sub("curriculum"), steps.isPresent() ? Integer.MAX_VALUE
                : epochs);
        Optional<TbpttConfig> tbptt = new TbpttReader(ctx).read(s);
        if (optimizer == null || device == null || schedule == null || stopping == null || optimizerOptions == null
                || health == null || bucketing == null || curriculum == null || precision == null || tbptt == null) {
            return null;
        }
        return new TrainingConfig(optimizer, lr, momentum, weightDecay, batchSize, epochs, shuffle, seed, clip,
                device, checkpointEvery, keep, clipValue, l1, l2, penalizeBiases, noise, schedule, stopping,
                optimizerOptions, health, bucketing, curriculum, precision, steps, tbptt);
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
        int before = ctx.problemCount();
        for (String key : Schema.SECTIONS.get("training")) {
            List<OptimizerKind> kinds = OPTIMIZER_KEYS.get(key);
            Node.Field f = s.field(key);
            if (kinds != null && f != null && !kinds.contains(optimizer)) {
                ctx.add(new Problem(f.keyAt(), "training." + key, "'" + key + "' applies only to optimizer"
                        + (kinds.size() > 1 ? "s " : " ") + String.join(", ", kinds.stream().map(JobReader::key)
                        .toList()) + ", found optimizer " + JobReader.key(optimizer)));
            }
        }
        if (ctx.problemCount() > before) {
            return null;
        }
        OptimizerOptions d = OptimizerOptions.defaults(optimizer);
        boolean nesterov = s.bool("nesterov", false);
        if (nesterov && momentum == 0) {
            ctx.add(new Problem(s.field("nesterov").value().at(), "training.nesterov",
                    "nesterov needs momentum > 0 (set training.momentum, e.g. 0.9)"));
        }
        double[] betas = betas(s);
        double eps = s.number("eps", d.eps(), v -> v > 0, "> 0");
        double alpha = s.number("alpha", d.alpha(), v -> v >= 0 && v < 1, "in [0, 1)");
        boolean centered = s.bool("centered", false);
        double lrDecay = s.number("lr_decay", 0, v -> v >= 0, ">= 0");
        double initial = s.number("initial_accumulator_value", 0, v -> v >= 0, ">= 0");
        if (ctx.problemCount() > before || betas == null) {
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
            ctx.add(new Problem(f.value().at(), "training.betas", "expected a list of 2 numbers [beta1, beta2]"
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
                ctx.add(new Problem(item.at(), "training.betas[" + i + "]", "expected a number in [0, 1), found "
                        + item.describe()));
                return null;
            }
            out[i] = ((Number) ((Node.ScalarNode) item).value()).doubleValue();
        }
        return out;
    }

    /** {@code training.health} and the non-finite action with its settings; null after a problem. */
    private HealthConfig readHealth(SectionReader training) {
        int before = ctx.problemCount();
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
                    ctx.add(new Problem(f.keyAt(), "training." + key, "'" + key + "' applies only to "
                            + "on_nonfinite: rollback, found on_nonfinite: " + action));
                }
            }
        }
        if (ctx.problemCount() > before || action == null || h.givenNotMapping()) {
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
            ctx.add(new Problem(f.value().at(), "training.bucketing", "expected true, false or a mapping with "
                    + "the key buckets (an integer >= 1), found " + f.value().describe()));
            return null;
        }
        SectionReader s = training.sub("bucketing");
        int before = ctx.problemCount();
        int buckets = s.intValue("buckets", Bucketing.DEFAULT_BUCKETS, 1);
        s.reportUnknownKeys();
        return ctx.problemCount() > before ? null : Optional.of(new Bucketing(buckets));
    }

    private Optional<Curriculum> readCurriculum(SectionReader s, int epochs) {
        if (!s.present()) {
            return s.givenNotMapping() ? null : Optional.empty();
        }
        int before = ctx.problemCount();
        Optional<Long> start = s.optionalLong("start_length", 1, Integer.MAX_VALUE);
        if (s.field("start_length") == null) {
            s.missingKey("start_length", "an integer >= 1, the steps kept in the first epoch");
        }
        Optional<Long> grow = s.optionalLong("epochs", 1, Integer.MAX_VALUE);
        if (s.field("epochs") == null) {
            s.missingKey("epochs", "an integer >= 1, the epochs over which the length grows to full");
        }
        if (grow.isPresent() && grow.get() >= epochs) {
            ctx.add(new Problem(s.field("epochs").value().at(), "training.curriculum.epochs", "the curriculum "
                    + "must end before the run does, so that at least the last epoch trains at full length: "
                    + "expected fewer than training.epochs (" + epochs + "), found " + grow.get()));
        }
        s.reportUnknownKeys();
        if (ctx.problemCount() > before || start.isEmpty() || grow.isEmpty()) {
            return null;
        }
        return Optional.of(new Curriculum(start.get().intValue(), grow.get().intValue()));
    }


    /** Empty when not given; null after a problem. */
    private Optional<EarlyStopping> readEarlyStopping(SectionReader s) {
        if (!s.present()) {
            return s.givenNotMapping() ? null : Optional.empty();
        }
        int before = ctx.problemCount();
        String metric = s.optionalString("metric").orElse("val_loss");
        String mode = s.choice("mode", List.of("min", "max"), EarlyStopping.maxByDefault(metric) ? "max" : "min");
        Optional<Long> patience = s.optionalLong("patience", 1, Integer.MAX_VALUE);
        if (s.field("patience") == null) {
            s.missingKey("patience", "an integer >= 1, epochs without improvement before stopping");
        }
        double minDelta = s.number("min_delta", 0, v -> v >= 0, ">= 0");
        boolean restore = s.bool("restore_best", true);
        s.reportUnknownKeys();
        if (ctx.problemCount() > before || patience.isEmpty()) {
            return null;
        }
        return Optional.of(new EarlyStopping(metric, "max".equals(mode), patience.get().intValue(), minDelta,
                restore));
    }
}
