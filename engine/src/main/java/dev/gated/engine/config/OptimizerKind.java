package dev.gated.engine.config;

import java.util.Locale;

/**
 * {@code training.optimizer}: {@code sgd}, {@code adam} (default) or {@code adamw}. In a job file each constant is
 * written in lower case ({@link #key()}).
 */
public enum OptimizerKind {
    SGD, ADAM, ADAMW;

    /** The spelling in a job file: the constant's name in lower case. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
