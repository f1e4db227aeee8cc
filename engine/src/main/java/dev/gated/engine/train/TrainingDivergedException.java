package dev.gated.engine.train;

/** The loss or a gradient became NaN or infinite; the message names the step and the first non-finite tensor. */
public final class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}
