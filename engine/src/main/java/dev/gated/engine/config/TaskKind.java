package dev.gated.engine.config;

import java.util.Locale;

/**
 * {@code task.kind}: {@code forecast}, {@code classify}, {@code language_model} (needs {@code data.kind: text}) or
 * {@code regression}. In a job file each constant is written in lower case ({@link #key()}).
 */
public enum TaskKind {
    FORECAST, CLASSIFY, LANGUAGE_MODEL, REGRESSION;

    /** The spelling in a job file: the constant's name in lower case. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
