package dev.gated.engine.config;

/**
 * {@code training.optimizer}: {@code sgd}, {@code adam} (default), {@code adamw}, {@code rmsprop} or
 * {@code adagrad}. In a job file each constant is written in lower case.
 */
public enum OptimizerKind {
    SGD, ADAM, ADAMW, RMSPROP, ADAGRAD
}
