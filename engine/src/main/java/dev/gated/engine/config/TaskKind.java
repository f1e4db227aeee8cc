package dev.gated.engine.config;

import java.util.List;

/**
 * {@code task.kind}, written in lower case in a job file, and the data each task reads:
 * {@code forecast} (data.kind {@code csv}), {@code classify} ({@code sequences}, {@code words}, or {@code npy} with integer labels),
 * {@code regression} ({@code npy} with value targets), {@code language_model} ({@code text}) and
 * {@code translate} ({@code parallel}; its settings are the {@code translation} section, {@link TranslationConfig}).
 */
public enum TaskKind {
    FORECAST(DataKind.CSV), CLASSIFY(DataKind.SEQUENCES, DataKind.NPY, DataKind.WORDS), LANGUAGE_MODEL(DataKind.TEXT),
    REGRESSION(DataKind.NPY), TRANSLATE(DataKind.PARALLEL);

    private final List<DataKind> dataKinds;

    TaskKind(DataKind... dataKinds) {
        this.dataKinds = List.of(dataKinds);
    }

    /** The data kinds this task reads. */
    public List<DataKind> dataKinds() {
        return dataKinds;
    }

    public boolean accepts(DataKind kind) {
        return dataKinds.contains(kind);
    }
}
