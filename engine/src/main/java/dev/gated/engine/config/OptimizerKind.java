package dev.gated.engine.config;

/**
 * {@code training.optimizer}: {@code sgd}, {@code adam} (default) or {@code adamw}. In a job file each constant is
 * written in lower case.
 */
public enum OptimizerKind {
    SGD, ADAM, ADAMW
}
