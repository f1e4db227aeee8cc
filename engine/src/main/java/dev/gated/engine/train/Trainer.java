package dev.gated.engine.train;

import dev.gated.engine.checkpoint.Checkpoint;
import dev.gated.engine.checkpoint.CheckpointStore;
import dev.gated.engine.config.HealthConfig;
import dev.gated.engine.config.TbpttConfig;
import dev.gated.engine.data.Bucketing;
import dev.gated.engine.data.Curriculum;
import dev.gated.engine.data.Dataset;
import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.health.HealthProbe;
import dev.gated.engine.io.HostTensor;
import dev.gated.engine.model.EarlyStopping;
import dev.gated.engine.model.LrSchedule;
import dev.gated.engine.model.Optimizer;
import dev.gated.engine.model.Penalties;
import dev.gated.engine.model.SequenceModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The training loop: epochs of shuffled mini-batches, gradient clipping, optimizer steps, validation after each
 * epoch, metrics, and checkpoints ({@code step-N} every {@code checkpoint_every_steps}, {@code last} after each
 * epoch, {@code best} when the validation loss improves).
 *
 * <p>One step: input noise (host), forward-backward (with dropout keyed by the step), L1/L2 penalty gradients,
 * the global gradient norm (logged before clipping), clipping by norm then by value, the learning rate of the
 * schedule for this step, the optimizer step. After each epoch: validation, the metrics row (with the mean and
 * largest pre-clipping gradient norm), reduce-on-plateau, early stopping, checkpoints; {@code best} is chosen by
 * the monitored metric (early stopping's, else the validation loss, else the training loss).
 *
 * <p>With {@code training.bucketing} the epoch's batches come from {@link Bucketing}, with {@code training.curriculum}
 * each training batch is cut to the epoch's {@link Curriculum} length (validation never is); the epoch row then has
 * {@code padding}/{@code padding_saved} and {@code curriculum_length}.
 *
 * <p>Exact resumption: the epoch order (bucketed or not) and the curriculum length are functions of the seed and
 * the epoch ({@link Shuffle#epochOrder}, {@link Bucketing#epochBatches}), noise
 * and dropout masks are functions of the seed and the step, schedules are functions of the step and epoch (or, for
 * reduce-on-plateau and early stopping, state saved in the checkpoint), and
 * a checkpoint holds the weights, the optimizer state, the step, the epoch and the batch within it, so a run
 * resumed from any checkpoint performs the same operations on the same values as an uninterrupted one; on the
 * CPU backend (deterministic for any thread count) it ends with bit-identical weights.
 *
 * <p>With {@code training.tbptt} ({@link TbpttTraining}) an epoch's steps are the chunks of the training text's
 * streams in order instead of shuffled batches, validation runs statefully, and checkpoints carry the streams'
 * state, so a run resumed in the middle of the text continues it exactly.
 *
 * <p>Health rows ({@link HealthProbe}) every {@code training.health.every_steps} steps only read the model. A
 * non-finite loss or gradient norm stops the run, skips the batch's update, or rolls back to the last good
 * checkpoint (held in memory; the run's start before the first one) with a lower learning rate: the factor and the
 * counts are part of every later checkpoint, so a resumed run repeats the same decisions.
 */
final class Trainer {
    private final SequenceModel model;
    private final Optimizer optimizer;
    private final JobData data;
    private final Evaluator evaluator;
    private final Settings settings;
    private final CheckpointStore store;
    private final MetricsLog metrics;
    private final TrainingListener listener;
    private final BooleanSupplier stopRequested;
    private final Penalties penalties;
    private final MetricsLog health;
    private final HealthProbe probe;
    /** on_nonfinite rollback: the newest checkpoint written (or the start), to go back to. */
    private Checkpoint lastGood;
    /** Steps of each training example, when bucketing or the curriculum needs them (else null). */
    private int[] trainLengths;
    /** This epoch's padding fractions, bucketed and as plain shuffled batches would have had (bucketing only). */
    private double epochPadding;
    private double epochPaddingPlain;
    /** training.tbptt: the streams and their state, or null. */
    private final TbpttTraining tbptt;

    /** The loop's settings, from the job's training section. */
    record Settings(int epochs, int batchSize, boolean shuffle, long seed, Optional<Double> clipGradNorm,
                    Optional<Long> checkpointEverySteps, String config, Optional<Double> clipGradValue,
                    double inputNoise, double baseLr, LrSchedule schedule, Optional<EarlyStopping> earlyStopping,
                    HealthConfig health, Optional<Bucketing> bucketing, Optional<Curriculum> curriculum,
                    Optional<TbpttConfig> tbptt) {
        /** The metric that picks the best epoch. */
        String monitored(boolean validation) {
            return earlyStopping.map(EarlyStopping::metric).orElse(validation ? "val_loss" : "train_loss");
        }
    }

    /** Where the loop stands; restored from a checkpoint when resuming. */
    static final class Position {
        long step;
        int epoch;
        long batchInEpoch;
        double epochLossSum;
        long epochExamples;
        /** The best value of the monitored metric so far. */
        double bestLoss = Double.POSITIVE_INFINITY;
        int bestEpoch;
        double epochGradNormSum;
        double epochGradNormMax;
        /** Early stopping: epochs in a row without improvement, and the 1-based epoch it stopped after (0: not). */
        int badEpochs;
        int stoppedEpoch;
        /** Reduce-on-plateau's state, when that is the schedule. */
        LrSchedule.PlateauState plateau;
        /** training.tbptt: the state restored from a checkpoint, not yet loaded into the streams (else null). */
        Map<String, HostTensor> carried;

        /** on_nonfinite: batches skipped in the run and in this epoch, rollbacks, the learning-rate factor. */
        long skipped;
        long epochSkipped;
        int rollbacks;
        double lrFactor = 1;

        void copyFrom(Position o) {
            step = o.step;
            epoch = o.epoch;
            batchInEpoch = o.batchInEpoch;
            epochLossSum = o.epochLossSum;
            epochExamples = o.epochExamples;
            bestLoss = o.bestLoss;
            bestEpoch = o.bestEpoch;
            epochGradNormSum = o.epochGradNormSum;
            epochGradNormMax = o.epochGradNormMax;
            badEpochs = o.badEpochs;
            stoppedEpoch = o.stoppedEpoch;
            plateau = o.plateau;
            skipped = o.skipped;
            epochSkipped = o.epochSkipped;
            rollbacks = o.rollbacks;
            lrFactor = o.lrFactor;
            carried = o.carried;
        }
    }

    /** How the loop ended. */
    enum Outcome { FINISHED, INTERRUPTED }

    Trainer(SequenceModel model, Optimizer optimizer, JobData data, Settings settings, CheckpointStore store,
            MetricsLog metrics, TrainingListener listener, BooleanSupplier stopRequested, Penalties penalties,
            MetricsLog health) {
        this.model = model;
        this.optimizer = optimizer;
        this.data = data;
        this.evaluator = new Evaluator(data, settings.tbptt(), settings.batchSize());
        this.settings = settings;
        this.store = store;
        this.metrics = metrics;
        this.listener = listener;
        this.stopRequested = stopRequested;
        this.penalties = penalties;
        this.health = health;
        this.probe = new HealthProbe(model, settings.health().sequences());
        this.tbptt = settings.tbptt().map(c -> new TbpttTraining(model, data.train(), settings.batchSize(), c))
                .orElse(null);
        checkSchedule(settings.schedule(), stepsPerEpoch() * settings.epochs(), settings.epochs(), stepsPerEpoch());
    }

    /** Schedules whose horizon is the run's length: checked once the data (so the step count) is known. */
    static void checkSchedule(LrSchedule schedule, long totalSteps, int epochs, long perEpoch) {
        String run = totalSteps + " optimizer steps (" + epochs + " epochs x " + perEpoch + " steps per epoch)";
        if (schedule instanceof LrSchedule.Cosine c && c.warmupSteps() >= totalSteps) {
            throw new IllegalArgumentException("training.lr_schedule.warmup_steps: " + c.warmupSteps()
                    + " warmup steps, but the run has only " + run + "; use fewer warmup steps or more epochs");
        }
        if (schedule instanceof LrSchedule.OneCycle c && !(c.pctStart() * totalSteps > 1 && totalSteps >= 3)) {
            throw new IllegalArgumentException("training.lr_schedule: one_cycle needs pct_start * total steps > 1 "
                    + "and at least 3 steps; the run has " + run + " and pct_start " + c.pctStart());
        }
    }

    /** Sequences an epoch trains on: the training examples, or with tbptt the streams of the training text. */
    int trainExamples() {
        return tbptt != null ? tbptt.streams() : data.train().size();
    }

    long stepsPerEpoch() {
        return tbptt != null ? tbptt.stepsPerEpoch() : (data.train().size() + settings.batchSize() - 1) / settings.batchSize();
    }

    /** Runs from {@code pos} to the last epoch, or until a stop is requested (then a checkpoint is written). */
    Outcome run(Position pos) {
        Dataset train = data.train();
        int n = train.size();
        int bs = settings.batchSize();
        long perEpoch = stepsPerEpoch();
        long totalSteps = perEpoch * settings.epochs();
        long startStep = pos.step;
        long startNanos = System.nanoTime();
        long samples = 0;
        if (pos.plateau == null && settings.schedule() instanceof LrSchedule.ReduceOnPlateau r) {
            pos.plateau = r.initial(settings.baseLr());
        }
        HealthConfig hc = settings.health();
        // Before the start checkpoint below, so that a rollback to it gets the resumed streams' state back.
        loadCarried(pos);
        if (hc.onNonFinite() == HealthConfig.OnNonFinite.ROLLBACK && lastGood == null) {
            lastGood = checkpoint(pos, Map.of());
        }
        epochs:
        while (pos.epoch < settings.epochs() && pos.stoppedEpoch == 0) {
            long epochStart = System.nanoTime();
            List<int[]> batches = tbptt == null ? epochBatches(pos.epoch) : List.of();
            loadCarried(pos); // after a rollback
            int maxLength = settings.curriculum().map(c -> c.maxLength(pos.epoch, fullLength()))
                    .orElse(Integer.MAX_VALUE);
            while (pos.batchInEpoch < perEpoch) {
                TbpttTraining.Pass pass = tbptt != null ? tbptt.step(pos.batchInEpoch, pos.step)
                        : step(train.batch(batches.get((int) pos.batchInEpoch)), maxLength, pos.step);
                SequenceBatch batch = pass.batch();
                double loss = pass.loss();
                penalties.addGradient();
                boolean healthStep = hc.enabled() && (pos.step + 1) % hc.everySteps() == 0;
                // Gate gradient norms before clipping, like grad_norm.
                Map<String, Double> healthRow = healthStep ? probe.gradientNorms() : null;
                double norm = settings.clipGradNorm().isPresent()
                        ? model.clipGradientNorm(settings.clipGradNorm().get()) : model.gradientNorm();
                boolean finite = Double.isFinite(loss) && Double.isFinite(norm);
                if (!finite) {
                    switch (hc.onNonFinite()) {
                        case STOP -> throw diverged(pos, loss, "");
                        case ROLLBACK -> {
                            if (pos.rollbacks >= hc.maxRollbacks()) {
                                throw diverged(pos, loss, String.format(Locale.ROOT, " after %d rollbacks (%s)",
                                        pos.rollbacks, "training.max_rollbacks"));
                            }
                            rollback(pos, loss);
                            continue epochs;
                        }
                        case SKIP -> {
                            pos.skipped++;
                            pos.epochSkipped++;
                            listener.onWarning(String.format(Locale.ROOT, "skipped batch %d of epoch %d (step %d): "
                                            + "%s; the update was dropped (%d skipped so far)", pos.batchInEpoch + 1,
                                    pos.epoch + 1, pos.step + 1, nonFinite(loss), pos.skipped));
                        }
                    }
                } else {
                    settings.clipGradValue().ifPresent(model::clipGradientValue);
                    optimizer.setLearningRate(pos.lrFactor * (pos.plateau != null ? pos.plateau.lr()
                            : settings.schedule().lr(settings.baseLr(), pos.step, pos.epoch, totalSteps)));
                    Map<String, double[]> before = healthStep ? probe.snapshot() : null;
                    optimizer.step();
                    if (healthStep) {
                        healthRow.putAll(probe.updateRatios(before));
                        healthRow.putAll(probe.saturation(batch));
                    }
                    pos.epochGradNormSum += norm;
                    pos.epochGradNormMax = Math.max(pos.epochGradNormMax, norm);
                    pos.epochLossSum += loss * batch.batchSize();
                    pos.epochExamples += batch.batchSize();
                }
                pos.step++;
                pos.batchInEpoch++;
                samples += batch.batchSize();
                if (healthStep && finite) {
                    Map<String, Double> row = new LinkedHashMap<>();
                    row.put("epoch", (double) (pos.epoch + 1));
                    row.put("step", (double) pos.step);
                    row.put("loss", loss);
                    row.put("grad_norm", norm);
                    row.put("lr", optimizer.learningRate());
                    row.putAll(healthRow);
                    health.append(row);
                }
                double elapsed = (System.nanoTime() - startNanos) / 1e9;
                double eta = elapsed / (pos.step - startStep) * (totalSteps - pos.step);
                listener.onStep(new TrainingListener.Step(pos.epoch + 1, pos.step, pos.batchInEpoch, loss,
                        samples / Math.max(elapsed, 1e-9), elapsed, eta, norm, optimizer.learningRate()));
                boolean periodic = settings.checkpointEverySteps().map(k -> pos.step % k == 0).orElse(false);
                if (periodic) {
                    save(pos, CheckpointStore.Kind.STEP, Map.of());
                }
                if (stopRequested.getAsBoolean()) {
                    if (!periodic) {
                        save(pos, CheckpointStore.Kind.STEP, Map.of());
                    }
                    return Outcome.INTERRUPTED;
                }
            }
            endEpoch(pos, (System.nanoTime() - epochStart) / 1e9, samples / Math.max(1e-9,
                    (System.nanoTime() - startNanos) / 1e9), maxLength);
        }
        return Outcome.FINISHED;
    }

    /** training.tbptt: the state a checkpoint restored into {@code pos}, into the streams. */
    private void loadCarried(Position pos) {
        if (tbptt != null && pos.carried != null) {
            tbptt.restore(pos.carried, "the checkpoint of step " + pos.step);
            pos.carried = null;
        }
    }

    /** An ordinary step: the batch cut to the curriculum's length, with input noise, through forward-backward. */
    private TbpttTraining.Pass step(SequenceBatch batch, int maxLength, long step) {
        if (maxLength < Integer.MAX_VALUE) {
            batch = Curriculum.truncate(batch, maxLength);
        }
        if (settings.inputNoise() > 0) {
            batch = InputNoise.apply(batch, settings.inputNoise(), settings.seed(), step);
        }
        return new TbpttTraining.Pass(batch, model.forwardBackward(batch, step));
    }

    /** Back to the last good checkpoint with the learning rate multiplied by the factor; health rows trimmed. */
    private void rollback(Position pos, double loss) {
        long failed = pos.step + 1;
        String what = nonFinite(loss);
        int rollbacks = pos.rollbacks + 1;
        double factor = pos.lrFactor * settings.health().rollbackLrFactor();
        Position back = restore(lastGood, model, optimizer, "the last good checkpoint");
        back.rollbacks = rollbacks;
        back.lrFactor = factor;
        pos.copyFrom(back);
        try {
            health.truncateAfter(pos.step);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot trim the health rows: " + e.getMessage(), e);
        }
        listener.onWarning(String.format(Locale.ROOT, "step %d: %s; rolled back to step %d (epoch %d, batch %d) with "
                        + "the learning rate multiplied by %s (rollback %d of at most %d)", failed, what, pos.step,
                pos.epoch + 1, pos.batchInEpoch, factor, rollbacks, settings.health().maxRollbacks()));
    }

    private String nonFinite(double loss) {
        String tensor = model.firstNonFiniteGradient();
        return (Double.isFinite(loss) ? "the loss is finite (" + loss + ")" : "the loss is " + loss) + "; "
                + (tensor == null ? "every gradient is finite" : "the first non-finite gradient is " + tensor);
    }

    /**
     * The batches of an epoch: consecutive runs of {@link Shuffle#epochOrder}, or with bucketing
     * {@link Bucketing#epochBatches}; both functions of (seed, epoch) only, so a resume replays them.
     */
    List<int[]> epochBatches(int epoch) {
        int n = data.train().size();
        int bs = settings.batchSize();
        int[] order = Shuffle.epochOrder(n, settings.seed(), epoch, settings.shuffle());
        List<int[]> plain = new ArrayList<>();
        for (int from = 0; from < n; from += bs) {
            plain.add(Arrays.copyOfRange(order, from, Math.min(n, from + bs)));
        }
        if (settings.bucketing().isEmpty()) {
            return plain;
        }
        List<int[]> bucketed = settings.bucketing().get().epochBatches(lengths(), bs, settings.seed(), epoch);
        epochPadding = Bucketing.paddingFraction(lengths(), bucketed);
        epochPaddingPlain = Bucketing.paddingFraction(lengths(), plain);
        return bucketed;
    }

    private int[] lengths() {
        if (trainLengths == null) {
            Dataset train = data.train();
            trainLengths = new int[train.size()];
            for (int i = 0; i < trainLengths.length; i++) {
                trainLengths[i] = train.length(i);
            }
        }
        return trainLengths;
    }

    /** The longest training sequence: the curriculum's full length. */
    private int fullLength() {
        return Arrays.stream(lengths()).max().orElse(1);
    }

    private void endEpoch(Position pos, double seconds, double samplesPerSecond, int maxLength) {
        Map<String, Double> row = new LinkedHashMap<>();
        row.put("epoch", (double) (pos.epoch + 1));
        row.put("step", (double) pos.step);
        double trainLoss = pos.epochLossSum / Math.max(1, pos.epochExamples);
        row.put("train_loss", trainLoss);
        double monitored = trainLoss;
        if (data.validation().isPresent()) {
            Map<String, Double> val = evaluator.evaluate(model, data.validation().get(), "val_").metrics();
            val.forEach((k, v) -> {
                // Per-class figures belong in the final report, not in a column per class per epoch.
                if (!k.contains("_precision_") && !k.contains("_recall_")) {
                    row.put(k, v);
                }
            });
            monitored = val.get("val_loss");
        }
        // The rate of the epoch's last step, before reduce-on-plateau changes it for the next epoch.
        row.put("lr", optimizer.learningRate());
        row.put("grad_norm", pos.epochGradNormSum / Math.max(1, pos.batchInEpoch - pos.epochSkipped));
        row.put("grad_norm_max", pos.epochGradNormMax);
        if (settings.health().onNonFinite() == HealthConfig.OnNonFinite.SKIP) {
            row.put(TrainerCheckpoints.SKIPPED, (double) pos.epochSkipped);
        }
        row.put("seconds", seconds);
        row.put("samples_per_s", samplesPerSecond);
        if (settings.bucketing().isPresent()) {
            // Padded steps / all steps of the epoch's batches, and how much of that bucketing saved.
            row.put("padding", epochPadding);
            row.put("padding_saved", epochPaddingPlain - epochPadding);
        }
        if (settings.curriculum().isPresent()) {
            row.put("curriculum_length", (double) Math.min(maxLength, fullLength()));
        }
        String metric = settings.monitored(data.validation().isPresent());
        if (settings.earlyStopping().isPresent()) {
            monitored = row.getOrDefault(metric, Double.NaN);
        }
        boolean improved = settings.earlyStopping().map(e -> e.improves(row.getOrDefault(metric, Double.NaN),
                        pos.bestEpoch == 0 ? e.worst() : pos.bestLoss))
                .orElse(monitored < pos.bestLoss);
        if (improved) {
            pos.bestLoss = monitored;
            pos.bestEpoch = pos.epoch + 1;
        }
        metrics.append(row);
        pos.epoch++;
        pos.batchInEpoch = 0;
        pos.epochLossSum = 0;
        pos.epochExamples = 0;
        pos.epochGradNormSum = 0;
        pos.epochGradNormMax = 0;
        pos.epochSkipped = 0;
        if (pos.plateau != null) {
            LrSchedule.ReduceOnPlateau r = (LrSchedule.ReduceOnPlateau) settings.schedule();
            double before = pos.plateau.lr();
            pos.plateau = r.step(pos.plateau, row.getOrDefault(r.metric(), Double.NaN));
            optimizer.setLearningRate(pos.plateau.lr());
            if (pos.plateau.lr() < before) {
                listener.onWarning(String.format(Locale.ROOT, "reduce_on_plateau: %s has not improved for more "
                        + "than %d epochs; learning rate %.4g -> %.4g", r.metric(), r.patience(), before,
                        pos.plateau.lr()));
            }
        }
        if (settings.earlyStopping().isPresent()) {
            EarlyStopping e = settings.earlyStopping().get();
            pos.badEpochs = improved ? 0 : pos.badEpochs + 1;
            if (pos.badEpochs >= e.patience() && pos.epoch < settings.epochs()) {
                pos.stoppedEpoch = pos.epoch;
                listener.onWarning(String.format(Locale.ROOT, "early stopping after epoch %d: %s has not improved "
                                + "by more than %s for %d epochs (best %.6g at epoch %d)%s", pos.epoch, metric,
                        e.minDelta(), pos.badEpochs, pos.bestLoss, pos.bestEpoch,
                        e.restoreBest() ? "; the run's weights are epoch " + pos.bestEpoch + "'s" : ""));
            }
        }
        Map<String, String> m = new LinkedHashMap<>();
        row.forEach((k, v) -> m.put(k, Double.toString(v)));
        save(pos, CheckpointStore.Kind.LAST, m);
        if (improved) {
            save(pos, CheckpointStore.Kind.BEST, m);
        }
        listener.onEpoch(new TrainingListener.Epoch(pos.epoch, pos.step, row, improved, seconds));
    }

    private TrainingDivergedException diverged(Position pos, double loss, String after) {
        return new TrainingDivergedException(String.format(Locale.ROOT, "training diverged at step %d (epoch %d, "
                        + "batch %d)%s: %s. Try a lower training.learning_rate (now %s), set "
                        + "training.clip_grad_norm (e.g. 1.0), or check the data for extreme values",
                pos.step + 1, pos.epoch + 1, pos.batchInEpoch + 1, after, nonFinite(loss),
                optimizer.learningRate()));
    }

    private void save(Position pos, CheckpointStore.Kind kind, Map<String, String> extra) {
        Checkpoint c = checkpoint(pos, extra);
        try {
            CheckpointStore.Saved saved = store.save(c, kind);
            saved.warnings().forEach(listener::onWarning);
            listener.onCheckpoint(saved.file(), kind.name().toLowerCase(Locale.ROOT), pos.step);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        if (settings.health().onNonFinite() == HealthConfig.OnNonFinite.ROLLBACK) {
            lastGood = c;
        }
    }

    private Checkpoint checkpoint(Position pos, Map<String, String> extra) {
        return TrainerCheckpoints.of(pos, extra, model, optimizer, settings, tbptt);
    }

    /** Restores the loop position, the weights and the optimizer from a checkpoint. */
    static Position restore(Checkpoint c, SequenceModel model, Optimizer optimizer, String source) {
        return TrainerCheckpoints.restore(c, model, optimizer, source);
    }
}
