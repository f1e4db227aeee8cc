package dev.gated.engine.config;

/**
 * {@code task.kind}: {@code forecast}, {@code classify}, {@code language_model} (needs {@code data.kind: text}) or
 * {@code regression}. In a job file each constant is written in lower case.
 */
public enum TaskKind {
    FORECAST, CLASSIFY, LANGUAGE_MODEL, REGRESSION
}
