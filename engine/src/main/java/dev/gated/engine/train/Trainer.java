package dev.gated.engine.train;

import dev.gated.engine.checkpoint.Checkpoint;
import dev.gated.engine.checkpoint.CheckpointStore;
import dev.gated.engine.checkpoint.TrainingState;
import dev.gated.engine.data.Dataset;
import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.model.Optimizer;
import dev.gated.engine.model.SequenceModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The training loop: epochs of shuffled mini-batches, gradient clipping, optimizer steps, validation after each
 * epoch, metrics, and checkpoints ({@code step-N} every {@code checkpoint_every_steps}, {@code last} after each
 * epoch, {@code best} when the validation loss improves).
 *
 * <p>Exact resumption: the epoch order is a function of the seed and the epoch ({@link Shuffle#epochOrder}), and
 * a checkpoint holds the weights, the optimizer state, the step, the epoch and the batch within it, so a run
 * resumed from any checkpoint performs the same operations on the same values as an uninterrupted one; on the
 * CPU backend (deterministic for any thread count) it ends with bit-identical weights.
 */
final class Trainer {
    /** Checkpoint metrics that carry the loop's own state across a resume. */
    static final String EPOCH_LOSS_SUM = "epoch_loss_sum";
    static final String EPOCH_EXAMPLES = "epoch_examples";
    static final String BEST_LOSS = "best_loss";
    static final String BEST_EPOCH = "best_epoch";

    private final SequenceModel model;
    private final Optimizer optimizer;
    private final JobData data;
    private final Evaluator evaluator;
    private final Settings settings;
    private final CheckpointStore store;
    private final MetricsLog metrics;
    private final TrainingListener listener;
    private final BooleanSupplier stopRequested;

    /** The loop's settings, from the job's training section. */
    record Settings(int epochs, int batchSize, boolean shuffle, long seed, Optional<Double> clipGradNorm,
                    Optional<Long> checkpointEverySteps, String config) {
    }

    /** Where the loop stands; restored from a checkpoint when resuming. */
    static final class Position {
        long step;
        int epoch;
        long batchInEpoch;
        double epochLossSum;
        long epochExamples;
        double bestLoss = Double.POSITIVE_INFINITY;
        int bestEpoch;
    }

    /** How the loop ended. */
    enum Outcome { FINISHED, INTERRUPTED }

    Trainer(SequenceModel model, Optimizer optimizer, JobData data, Settings settings, CheckpointStore store,
            MetricsLog metrics, TrainingListener listener, BooleanSupplier stopRequested) {
        this.model = model;
        this.optimizer = optimizer;
        this.data = data;
        this.evaluator = new Evaluator(data);
        this.settings = settings;
        this.store = store;
        this.metrics = metrics;
        this.listener = listener;
        this.stopRequested = stopRequested;
    }

    long stepsPerEpoch() {
        return (data.train().size() + settings.batchSize() - 1) / settings.batchSize();
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
        while (pos.epoch < settings.epochs()) {
            long epochStart = System.nanoTime();
            int[] order = Shuffle.epochOrder(n, settings.seed(), pos.epoch, settings.shuffle());
            while (pos.batchInEpoch < perEpoch) {
                int from = (int) (pos.batchInEpoch * bs);
                SequenceBatch batch = train.batch(Arrays.copyOfRange(order, from, Math.min(n, from + bs)));
                double loss = model.forwardBackward(batch);
                double norm = settings.clipGradNorm().isPresent()
                        ? model.clipGradientNorm(settings.clipGradNorm().get()) : model.gradientNorm();
                if (!Double.isFinite(loss) || !Double.isFinite(norm)) {
                    throw diverged(pos, loss);
                }
                optimizer.step();
                pos.step++;
                pos.batchInEpoch++;
                pos.epochLossSum += loss * batch.batchSize();
                pos.epochExamples += batch.batchSize();
                samples += batch.batchSize();
                double elapsed = (System.nanoTime() - startNanos) / 1e9;
                double eta = elapsed / (pos.step - startStep) * (totalSteps - pos.step);
                listener.onStep(new TrainingListener.Step(pos.epoch + 1, pos.step, pos.batchInEpoch, loss,
                        samples / Math.max(elapsed, 1e-9), elapsed, eta));
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
                    (System.nanoTime() - startNanos) / 1e9));
        }
        return Outcome.FINISHED;
    }

    private void endEpoch(Position pos, double seconds, double samplesPerSecond) {
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
        row.put("lr", optimizer.learningRate());
        row.put("seconds", seconds);
        row.put("samples_per_s", samplesPerSecond);
        boolean improved = monitored < pos.bestLoss;
        if (improved) {
            pos.bestLoss = monitored;
            pos.bestEpoch = pos.epoch + 1;
        }
        metrics.append(row);
        pos.epoch++;
        pos.batchInEpoch = 0;
        pos.epochLossSum = 0;
        pos.epochExamples = 0;
        Map<String, String> m = new LinkedHashMap<>();
        row.forEach((k, v) -> m.put(k, Double.toString(v)));
        save(pos, CheckpointStore.Kind.LAST, m);
        if (improved) {
            save(pos, CheckpointStore.Kind.BEST, m);
        }
        listener.onEpoch(new TrainingListener.Epoch(pos.epoch, pos.step, row, improved, seconds));
    }

    private TrainingDivergedException diverged(Position pos, double loss) {
        String tensor = model.firstNonFiniteGradient();
        return new TrainingDivergedException(String.format(Locale.ROOT, "training diverged at step %d (epoch %d, "
                        + "batch %d): %s; %s. Try a lower training.learning_rate (now %s), set "
                        + "training.clip_grad_norm (e.g. 1.0), or check the data for extreme values",
                pos.step + 1, pos.epoch + 1, pos.batchInEpoch + 1,
                Double.isFinite(loss) ? "the loss is finite (" + loss + ")" : "the loss is " + loss,
                tensor == null ? "every gradient is finite" : "the first non-finite gradient is " + tensor,
                optimizer.learningRate()));
    }

    private void save(Position pos, CheckpointStore.Kind kind, Map<String, String> extra) {
        Map<String, String> m = new LinkedHashMap<>(extra);
        m.put(EPOCH_LOSS_SUM, Double.toString(pos.epochLossSum));
        m.put(EPOCH_EXAMPLES, Long.toString(pos.epochExamples));
        m.put(BEST_LOSS, Double.toString(pos.bestLoss));
        m.put(BEST_EPOCH, Integer.toString(pos.bestEpoch));
        TrainingState state = new TrainingState(pos.step, pos.epoch, pos.batchInEpoch, new long[] {settings.seed()},
                optimizer.settings().kind().key(), optimizer.steps(), optimizer.learningRate());
        Checkpoint c = new Checkpoint(ModelFiles.snapshot(model), optimizer.exportState(), state, settings.config(), m);
        try {
            CheckpointStore.Saved saved = store.save(c, kind);
            saved.warnings().forEach(listener::onWarning);
            listener.onCheckpoint(saved.file(), kind.name().toLowerCase(Locale.ROOT), pos.step);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /** Restores the loop position, the weights and the optimizer from a checkpoint. */
    static Position restore(Checkpoint c, SequenceModel model, Optimizer optimizer, String source) {
        ModelFiles.load(model, c.modelTensors(), source);
        optimizer.importState(c.optimizerTensors(), c.state().optimizerStep());
        optimizer.setLearningRate(c.state().learningRate());
        Position pos = new Position();
        pos.step = c.state().step();
        pos.epoch = c.state().epoch();
        pos.batchInEpoch = c.state().batchInEpoch();
        Map<String, String> m = c.metrics();
        pos.epochLossSum = Double.parseDouble(m.getOrDefault(EPOCH_LOSS_SUM, "0"));
        pos.epochExamples = Long.parseLong(m.getOrDefault(EPOCH_EXAMPLES, "0"));
        pos.bestLoss = Double.parseDouble(m.getOrDefault(BEST_LOSS, "Infinity"));
        pos.bestEpoch = Integer.parseInt(m.getOrDefault(BEST_EPOCH, "0"));
        return pos;
    }
}
