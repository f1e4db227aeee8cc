package dev.gated.engine.checkpoint;

import java.util.Arrays;

/**
 * Where a run stands, as far as resuming it needs to know beyond tensors.
 *
 * @param step          optimizer steps done so far in the run (the step the checkpoint was taken after), {@code >= 0}
 * @param epoch         the current epoch, {@code >= 0}
 * @param batchInEpoch  batches of {@code epoch} already consumed, {@code >= 0}; resuming continues with the next one
 * @param rngState      the random generator state (e.g. seeds or counters), copied in and out; may be empty
 * @param optimizer     the optimizer's name, e.g. {@code "sgd"} or {@code "adam"}; non-blank
 * @param optimizerStep the optimizer's own step count (e.g. Adam's bias-correction {@code t}), {@code >= 0}
 * @param learningRate  the learning rate in effect, finite and {@code >= 0}
 */
public record TrainingState(long step, int epoch, long batchInEpoch, long[] rngState, String optimizer,
                            long optimizerStep, double learningRate) {
    public TrainingState {
        requireNonNegative("step", step);
        requireNonNegative("epoch", epoch);
        requireNonNegative("batchInEpoch", batchInEpoch);
        requireNonNegative("optimizerStep", optimizerStep);
        if (rngState == null) {
            throw new IllegalArgumentException("rngState: required, got null (use an empty array for none)");
        }
        rngState = rngState.clone();
        if (optimizer == null || optimizer.isBlank()) {
            throw new IllegalArgumentException("optimizer: expected a non-blank name, got "
                    + (optimizer == null ? "null" : "\"" + optimizer + "\""));
        }
        if (!Double.isFinite(learningRate) || learningRate < 0) {
            throw new IllegalArgumentException("learningRate: expected a finite number >= 0, got " + learningRate);
        }
    }

    private static void requireNonNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + ": expected >= 0, got " + value);
        }
    }

    /** A copy of the random generator state. */
    @Override
    public long[] rngState() {
        return rngState.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainingState s && step == s.step && epoch == s.epoch && batchInEpoch == s.batchInEpoch
                && Arrays.equals(rngState, s.rngState) && optimizer.equals(s.optimizer)
                && optimizerStep == s.optimizerStep
                && Double.doubleToLongBits(learningRate) == Double.doubleToLongBits(s.learningRate);
    }

    @Override
    public int hashCode() {
        int h = Long.hashCode(step);
        h = 31 * h + epoch;
        h = 31 * h + Long.hashCode(batchInEpoch);
        h = 31 * h + Arrays.hashCode(rngState);
        h = 31 * h + optimizer.hashCode();
        h = 31 * h + Long.hashCode(optimizerStep);
        return 31 * h + Double.hashCode(learningRate);
    }

    @Override
    public String toString() {
        return "TrainingState[step=" + step + ", epoch=" + epoch + ", batchInEpoch=" + batchInEpoch + ", rngState="
                + Arrays.toString(rngState) + ", optimizer=" + optimizer + ", optimizerStep=" + optimizerStep
                + ", learningRate=" + learningRate + "]";
    }
}
