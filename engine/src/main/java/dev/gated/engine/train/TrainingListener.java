package dev.gated.engine.train;

import java.nio.file.Path;
import java.util.Map;

/**
 * What the training loop reports while it runs: progress bars, log lines and JSON event logs are listeners.
 * Every method has an empty default; calls come from the training thread, in order.
 */
public interface TrainingListener {
    /** Once, before the first step (also when resuming; then {@code startStep} is above 0). */
    default void onStart(Start start) {
    }

    /** After every optimizer step. */
    default void onStep(Step step) {
    }

    /** After each epoch's validation. */
    default void onEpoch(Epoch epoch) {
    }

    /** After a checkpoint was written ({@code kind}: step, last or best). */
    default void onCheckpoint(Path file, String kind, long step) {
    }

    /** Something the user should know that does not stop the run. */
    default void onWarning(String message) {
    }

    /** A table to show a person before the end (forecasting: the model against the naive baselines). */
    default void onReport(String title, java.util.List<String> lines) {
    }

    /** Once, after the last epoch and the final evaluation. */
    default void onEnd(End end) {
    }

    /**
     * Every event to {@code first}, then to {@code second}. Kept beside the events so that a new one is forwarded
     * here too, rather than lost to its empty default in a hand-written wrapper.
     */
    static TrainingListener both(TrainingListener first, TrainingListener second) {
        return new TrainingListener() {
            @Override
            public void onStart(Start start) {
                first.onStart(start);
                second.onStart(start);
            }

            @Override
            public void onStep(Step step) {
                first.onStep(step);
                second.onStep(step);
            }

            @Override
            public void onEpoch(Epoch epoch) {
                first.onEpoch(epoch);
                second.onEpoch(epoch);
            }

            @Override
            public void onCheckpoint(Path file, String kind, long step) {
                first.onCheckpoint(file, kind, step);
                second.onCheckpoint(file, kind, step);
            }

            @Override
            public void onWarning(String message) {
                first.onWarning(message);
                second.onWarning(message);
            }

            @Override
            public void onReport(String title, java.util.List<String> lines) {
                first.onReport(title, lines);
                second.onReport(title, lines);
            }

            @Override
            public void onEnd(End end) {
                first.onEnd(end);
                second.onEnd(end);
            }
        };
    }

    /**
     * @param runDir          the run folder
     * @param backend         the backend's description, e.g. "cpu (pure Java, 2 threads)"
     * @param backendReason   why that backend was chosen
     * @param parameters      trainable scalars in the model
     * @param trainExamples   examples in the training split (with training.tbptt: the streams of its text)
     * @param stepsPerEpoch   optimizer steps per epoch
     * @param epochs          epochs in the whole run
     * @param startStep       steps already done (0 unless resuming)
     * @param resumedFrom     the checkpoint resumed from, or null
     */
    record Start(Path runDir, String backend, String backendReason, long parameters, int trainExamples,
                 long stepsPerEpoch, int epochs, long startStep, Path resumedFrom) {
        public long totalSteps() {
            return stepsPerEpoch * epochs;
        }
    }

    /**
     * @param epoch          1-based epoch
     * @param step           1-based optimizer step in the whole run
     * @param batchInEpoch   1-based batch within the epoch
     * @param loss           the batch's training loss
     * @param samplesPerSecond training throughput since this process started training
     * @param elapsedSeconds seconds since this process started training
     * @param etaSeconds     estimated seconds to the end of training
     * @param gradNorm       the global gradient norm before clipping (NaN when not known)
     * @param learningRate   the learning rate of this step (NaN when not known)
     */
    record Step(int epoch, long step, long batchInEpoch, double loss, double samplesPerSecond,
                double elapsedSeconds, double etaSeconds, double gradNorm, double learningRate) {
        /** A step without gradient norm and learning rate. */
        public Step(int epoch, long step, long batchInEpoch, double loss, double samplesPerSecond,
                    double elapsedSeconds, double etaSeconds) {
            this(epoch, step, batchInEpoch, loss, samplesPerSecond, elapsedSeconds, etaSeconds, Double.NaN,
                    Double.NaN);
        }
    }

    /**
     * @param epoch    1-based epoch just finished
     * @param step     optimizer steps done
     * @param metrics  train_loss, val_loss and the task's validation metrics (e.g. val_mae, val_accuracy), in
     *                 the order they are written to metrics.csv
     * @param improved whether the monitored validation loss improved (a new {@code best} checkpoint)
     * @param seconds  wall time of the epoch
     */
    record Epoch(int epoch, long step, Map<String, Double> metrics, boolean improved, double seconds) {
    }

    /**
     * @param runDir   the run folder
     * @param steps    optimizer steps done in the whole run
     * @param seconds  training wall time of this process
     * @param summary  final metrics (best validation loss, test metrics, baselines), in display order
     * @param files    files written to the run folder that a user will want to open (plots, weights, metrics)
     */
    record End(Path runDir, long steps, double seconds, Map<String, Double> summary, java.util.List<Path> files) {
    }
}
