package dev.gated.engine.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Early stopping on one metric of the epoch rows ({@code training.early_stopping}), with Keras' and Lightning's
 * rule: an epoch improves on the best value when it beats it by more than {@code minDelta}
 * ({@code value < best - minDelta} in min mode, {@code value > best + minDelta} in max mode); training stops after
 * {@code patience} epochs in a row without improvement. The trainer keeps the {@code best} checkpoint by the same
 * rule, so restoring the best weights is loading that checkpoint.
 *
 * @param metric      a column of the epoch rows, e.g. val_loss, val_mae, val_accuracy
 * @param max         true when larger is better
 * @param patience    epochs without improvement before stopping, >= 1
 * @param minDelta    the smallest change that counts as an improvement, >= 0
 * @param restoreBest true: the run's final weights are the best epoch's; false: the last epoch's
 */
public record EarlyStopping(String metric, boolean max, int patience, double minDelta, boolean restoreBest) {
    public EarlyStopping {
        if (metric == null || metric.isBlank()) {
            throw new IllegalArgumentException("metric: expected a metric name, got " + metric);
        }
        if (patience < 1) {
            throw new IllegalArgumentException("patience: expected an integer >= 1, got " + patience);
        }
        if (!(minDelta >= 0) || !Double.isFinite(minDelta)) {
            throw new IllegalArgumentException("min_delta: expected a finite number >= 0, got " + minDelta);
        }
    }

    /** Whether larger values of {@code metric} are better when no mode is given. */
    public static boolean maxByDefault(String metric) {
        return metric.endsWith("accuracy") || metric.endsWith("f1");
    }

    public boolean improves(double value, double best) {
        if (Double.isNaN(value)) {
            return false;
        }
        return max ? value > best + minDelta : value < best - minDelta;
    }

    public double worst() {
        return max ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }

    /** The count of epochs without improvement and the epoch it stopped at (0 while running). */
    public record State(int badEpochs, int stoppedEpoch) {
        public Map<String, String> toMetadata() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("early_stopping_bad_epochs", Integer.toString(badEpochs));
            m.put("early_stopping_stopped_epoch", Integer.toString(stoppedEpoch));
            return m;
        }

        public static Optional<State> fromMetadata(Map<String, String> m) {
            if (!m.containsKey("early_stopping_bad_epochs")) {
                return Optional.empty();
            }
            return Optional.of(new State(Integer.parseInt(m.get("early_stopping_bad_epochs")),
                    Integer.parseInt(m.get("early_stopping_stopped_epoch"))));
        }
    }
}
