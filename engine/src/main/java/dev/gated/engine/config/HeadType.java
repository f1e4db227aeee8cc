package dev.gated.engine.config;

import java.util.Locale;

/**
 * {@code model.head}: the layer after the RNN; only {@code linear} (an {@code nn.Linear}) for now. In a job file
 * each constant is written in lower case ({@link #key()}).
 */
public enum HeadType {
    LINEAR;

    /** The spelling in a job file: the constant's name in lower case. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
