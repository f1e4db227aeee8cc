package dev.gated.engine.train;

import dev.gated.engine.checkpoint.Checkpoint;
import dev.gated.engine.checkpoint.CheckpointStore;
import dev.gated.engine.checkpoint.TrainingState;
import dev.gated.engine.backend.CounterRng;
import dev.gated.engine.data.Bucketing;
import dev.gated.engine.data.parallel.EncodedPair;
import dev.gated.engine.data.parallel.PairBatch;
import dev.gated.engine.data.parallel.PairBatches;
import dev.gated.engine.model.EarlyStopping;
import dev.gated.engine.model.LrSchedule;
import dev.gated.engine.model.Optimizer;
import dev.gated.engine.model.seq2seq.Seq2SeqModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The training loop of a translation job: epochs of (bucketed) sentence-pair batches, scheduled sampling, gradient
 * clipping, the learning-rate schedule, the validation loss per epoch, early stopping, and checkpoints (last, best,
 * every N steps, and on a stop request) from which a resumed run continues exactly: batches are a function of
 * (seed, epoch) and the sampling draws of (seed, step), so nothing random needs saving.
 */
final class TranslationTrainer {
    private static final String EPOCH_LOSS_SUM = "epoch_loss_sum";
    private static final String EPOCH_TOKENS = "epoch_tokens";
    private static final String EPOCH_GRAD_NORM_SUM = "epoch_grad_norm_sum";
    private static final String BEST_LOSS = "best_loss";
    private static final String BEST_EPOCH = "best_epoch";

    /**
     * @param teacherForcingStart the probability of reading the reference token at the first step
     * @param teacherForcingEnd   ... at the last step (linear in between)
     */
    record Settings(int epochs, int batchSize, long seed, Optional<Double> clipGradNorm,
                    Optional<Long> checkpointEverySteps, String config, double baseLr, LrSchedule schedule,
                    Optional<EarlyStopping> earlyStopping, Optional<Bucketing> bucketing, double teacherForcingStart,
                    double teacherForcingEnd) {
    }

    /** Where the loop stands; what a checkpoint restores. */
    static final class Position {
        long step;
        int epoch;
        long batchInEpoch;
        double epochLossSum;
        long epochTokens;
        double epochGradNormSum;
        double bestLoss = Double.POSITIVE_INFINITY;
        int bestEpoch;
        int badEpochs;
        int stoppedEpoch;
    }

    enum Outcome { FINISHED, INTERRUPTED }

    private final Seq2SeqModel model;
    private final Optimizer optimizer;
    private final List<EncodedPair> train;
    private final List<PairBatch> validation;
    private final Settings settings;
    private final CheckpointStore store;
    private final MetricsLog metrics;
    private final TrainingListener listener;
    private final BooleanSupplier stopRequested;

    TranslationTrainer(Seq2SeqModel model, Optimizer optimizer, List<EncodedPair> train, List<EncodedPair> validation,
                       Settings settings, CheckpointStore store, MetricsLog metrics, TrainingListener listener,
                       BooleanSupplier stopRequested) {
        if (settings.schedule() instanceof LrSchedule.ReduceOnPlateau) {
            throw new IllegalArgumentException("training.lr_schedule: reduce_on_plateau is not supported by "
                    + "translation jobs yet; use step, exponential, cosine or one_cycle");
        }
        this.model = model;
        this.optimizer = optimizer;
        this.train = train;
        this.validation = PairBatches.inOrder(validation, settings.batchSize());
        this.settings = settings;
        this.store = store;
        this.metrics = metrics;
        this.listener = listener;
        this.stopRequested = stopRequested;
        Trainer.checkSchedule(settings.schedule(), stepsPerEpoch() * settings.epochs(), settings.epochs(),
                stepsPerEpoch());
    }

    long stepsPerEpoch() {
        return (train.size() + settings.batchSize() - 1) / settings.batchSize();
    }

    /** The teacher-forcing probability at a step: linear from start to end over the run. */
    double teacherForcing(long step) {
        long total = stepsPerEpoch() * settings.epochs();
        double f = total <= 1 ? 0 : (double) step / (total - 1);
        return settings.teacherForcingStart() + (settings.teacherForcingEnd() - settings.teacherForcingStart())
                * Math.min(1, f);
    }

    Outcome run(Position pos) {
        long perEpoch = stepsPerEpoch();
        long totalSteps = perEpoch * settings.epochs();
        long startStep = pos.step;
        long startNanos = System.nanoTime();
        long samples = 0;
        while (pos.epoch < settings.epochs() && pos.stoppedEpoch == 0) {
            long epochStart = System.nanoTime();
            List<PairBatch> batches = PairBatches.epoch(train, settings.batchSize(),
                    settings.bucketing().orElse(null), settings.seed(), pos.epoch);
            while (pos.batchInEpoch < perEpoch) {
                PairBatch batch = batches.get((int) pos.batchInEpoch);
                double tf = teacherForcing(pos.step);
                double loss = model.forwardBackward(batch, tf, CounterRng.mix(settings.seed() ^ pos.step));
                double norm = settings.clipGradNorm().isPresent()
                        ? model.clipGradientNorm(settings.clipGradNorm().get()) : model.gradientNorm();
                if (!Double.isFinite(loss) || !Double.isFinite(norm)) {
                    String tensor = model.firstNonFiniteGradient();
                    throw new TrainingDivergedException(String.format(Locale.ROOT, "training diverged at step %d "
                                    + "(epoch %d, batch %d): the loss is %s; %s. Try a lower training.learning_rate "
                                    + "(now %s) or set training.clip_grad_norm (e.g. 1.0)", pos.step + 1,
                            pos.epoch + 1, pos.batchInEpoch + 1, loss, tensor == null ? "every gradient is finite"
                                    : "the first non-finite gradient is " + tensor, optimizer.learningRate()));
                }
                optimizer.setLearningRate(settings.schedule().lr(settings.baseLr(), pos.step, pos.epoch, totalSteps));
                optimizer.step();
                long tokens = tokens(batch);
                pos.epochLossSum += loss * tokens;
                pos.epochTokens += tokens;
                pos.epochGradNormSum += norm;
                pos.step++;
                pos.batchInEpoch++;
                samples += batch.batchSize();
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
            endEpoch(pos, (System.nanoTime() - epochStart) / 1e9);
        }
        return Outcome.FINISHED;
    }

    /** Target tokens a batch's loss averages over (its words and an eos per sentence). */
    static long tokens(PairBatch batch) {
        long n = 0;
        for (int len : batch.targetLengths()) {
            n += len;
        }
        return n;
    }

    /** The teacher-forced mean token loss over batches (weighted by their tokens). */
    static double loss(Seq2SeqModel model, List<PairBatch> batches) {
        double sum = 0;
        long tokens = 0;
        for (PairBatch b : batches) {
            long n = tokens(b);
            sum += model.loss(b) * n;
            tokens += n;
        }
        return tokens == 0 ? Double.NaN : sum / tokens;
    }

    private void endEpoch(Position pos, double seconds) {
        Map<String, Double> row = new LinkedHashMap<>();
        row.put("epoch", (double) (pos.epoch + 1));
        row.put("step", (double) pos.step);
        double trainLoss = pos.epochLossSum / Math.max(1, pos.epochTokens);
        row.put("train_loss", trainLoss);
        double monitored = trainLoss;
        if (!validation.isEmpty()) {
            double val = loss(model, validation);
            row.put("val_loss", val);
            row.put("val_perplexity", Math.exp(val));
            monitored = val;
        }
        row.put("teacher_forcing", teacherForcing(Math.max(0, pos.step - 1)));
        row.put("lr", optimizer.learningRate());
        row.put("grad_norm", pos.epochGradNormSum / Math.max(1, pos.batchInEpoch));
        row.put("seconds", seconds);
        if (settings.earlyStopping().isPresent()) {
            monitored = row.getOrDefault(settings.earlyStopping().get().metric(), Double.NaN);
        }
        final double value = monitored;
        boolean improved = settings.earlyStopping()
                .map(e -> e.improves(value, pos.bestEpoch == 0 ? e.worst() : pos.bestLoss))
                .orElse(value < pos.bestLoss);
        if (improved) {
            pos.bestLoss = monitored;
            pos.bestEpoch = pos.epoch + 1;
        }
        metrics.append(row);
        pos.epoch++;
        pos.batchInEpoch = 0;
        pos.epochLossSum = 0;
        pos.epochTokens = 0;
        pos.epochGradNormSum = 0;
        if (settings.earlyStopping().isPresent()) {
            EarlyStopping e = settings.earlyStopping().get();
            pos.badEpochs = improved ? 0 : pos.badEpochs + 1;
            if (pos.badEpochs >= e.patience() && pos.epoch < settings.epochs()) {
                pos.stoppedEpoch = pos.epoch;
                listener.onWarning(String.format(Locale.ROOT, "early stopping after epoch %d: %s has not improved "
                                + "for %d epochs (best %.6g at epoch %d); the test uses epoch %d's weights",
                        pos.epoch, e.metric(), pos.badEpochs, pos.bestLoss,
                        pos.bestEpoch, pos.bestEpoch));
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

    private void save(Position pos, CheckpointStore.Kind kind, Map<String, String> extra) {
        Map<String, String> m = new LinkedHashMap<>(extra);
        m.put(EPOCH_LOSS_SUM, Double.toString(pos.epochLossSum));
        m.put(EPOCH_TOKENS, Long.toString(pos.epochTokens));
        m.put(EPOCH_GRAD_NORM_SUM, Double.toString(pos.epochGradNormSum));
        m.put(BEST_LOSS, Double.toString(pos.bestLoss));
        m.put(BEST_EPOCH, Integer.toString(pos.bestEpoch));
        m.putAll(new EarlyStopping.State(pos.badEpochs, pos.stoppedEpoch).toMetadata());
        TrainingState state = new TrainingState(pos.step, pos.epoch, pos.batchInEpoch, new long[] {settings.seed()},
                optimizer.settings().kind().key(), optimizer.steps(), optimizer.learningRate());
        Checkpoint c = new Checkpoint(ModelFiles.snapshot(model), optimizer.exportState(), state, settings.config(),
                m);
        try {
            CheckpointStore.Saved saved = store.save(c, kind);
            saved.warnings().forEach(listener::onWarning);
            listener.onCheckpoint(saved.file(), kind.name().toLowerCase(Locale.ROOT), pos.step);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /** The weights, the optimizer and the loop position from a checkpoint. */
    static Position restore(Checkpoint c, Seq2SeqModel model, Optimizer optimizer, String source) {
        ModelFiles.load(model, c.modelTensors(), source);
        optimizer.importState(c.optimizerTensors(), c.state().optimizerStep());
        optimizer.setLearningRate(c.state().learningRate());
        Position p = new Position();
        p.step = c.state().step();
        p.epoch = c.state().epoch();
        p.batchInEpoch = c.state().batchInEpoch();
        Map<String, String> m = c.metrics();
        p.epochLossSum = Double.parseDouble(m.getOrDefault(EPOCH_LOSS_SUM, "0"));
        p.epochTokens = Long.parseLong(m.getOrDefault(EPOCH_TOKENS, "0"));
        p.epochGradNormSum = Double.parseDouble(m.getOrDefault(EPOCH_GRAD_NORM_SUM, "0"));
        p.bestLoss = Double.parseDouble(m.getOrDefault(BEST_LOSS, "Infinity"));
        p.bestEpoch = Integer.parseInt(m.getOrDefault(BEST_EPOCH, "0"));
        EarlyStopping.State.fromMetadata(m).ifPresent(s -> {
            p.badEpochs = s.badEpochs();
            p.stoppedEpoch = s.stoppedEpoch();
        });
        return p;
    }
}
