package dev.gated.engine.config;

import java.util.Objects;
import java.util.Optional;

/**
 * A training job, as read from a job file by {@link JobFiles#load}: immutable, validated, every default filled in.
 *
 * <p>A job file is YAML ({@code .yaml}, {@code .yml}) or JSON ({@code .json}) with five sections: {@code data},
 * {@code model}, {@code task}, {@code training}, {@code output}; keys are snake_case; {@code data} and {@code task}
 * are required. Every key, its type and its default are listed in the README ("Job files") and, section by
 * section, on {@link DataConfig}, {@link ModelConfig}, {@link TaskConfig}, {@link TrainingConfig} and
 * {@link OutputConfig}. Two more sections belong to one task each and may be left out: {@code forecast}
 * ({@link ForecastConfig}) and {@code translation} ({@link TranslationConfig}).
 *
 * @param translation present exactly when the task is {@code translate} (its defaults when the file has no
 *                    {@code translation} section: a translate job built without one gets
 *                    {@link TranslationConfig#defaults} for its {@code data.max_length})
 */
public record JobConfig(DataConfig data, ModelConfig model, TaskConfig task, TrainingConfig training,
                        OutputConfig output, ForecastConfig forecast, Optional<TranslationConfig> translation) {
    public JobConfig {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(training, "training");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(forecast, "forecast");
        Objects.requireNonNull(translation, "translation");
        boolean translate = task.kind() == TaskKind.TRANSLATE;
        if (translate && translation.isEmpty()) {
            translation = Optional.of(TranslationConfig.defaults(data.maxLength()));
        } else if (!translate && translation.isPresent()) {
            throw new IllegalArgumentException("translation: only a translate job has translation settings, found "
                    + "task " + JobReader.key(task.kind()));
        }
    }

    /** A job with these forecast settings and, for a translate job, the default translation settings. */
    public JobConfig(DataConfig data, ModelConfig model, TaskConfig task, TrainingConfig training,
                     OutputConfig output, ForecastConfig forecast) {
        this(data, model, task, training, output, forecast, Optional.empty());
    }

    /** A job with the default forecast settings (the only ones a job of another task has). */
    public JobConfig(DataConfig data, ModelConfig model, TaskConfig task, TrainingConfig training,
                     OutputConfig output) {
        this(data, model, task, training, output, ForecastConfig.DEFAULT);
    }

    /** This job with another training section. */
    public JobConfig withTraining(TrainingConfig t) {
        return new JobConfig(data, model, task, t, output, forecast, translation);
    }

    /**
     * This config with {@code data.path}, {@code data.tokenizer.huggingface}, {@code model.init_from} and {@code model.embedding.pretrained} resolved against {@code baseDir} (the job
     * file's folder) and made absolute, as a run folder records them: the run then no longer depends on where the
     * job file was.
     */
    public JobConfig withPathsResolved(java.nio.file.Path baseDir) {
        DataConfig data2 = data.withPath(baseDir.resolve(data.path()).toAbsolutePath().normalize())
                .withTokenizerResolved(baseDir);
        ModelConfig m = model;
        ModelConfig model2 = new ModelConfig(m.cell(), m.layers(), m.hidden(), m.bidirectional(), m.head(),
                m.initFrom().map(f -> baseDir.resolve(f).toAbsolutePath().normalize()), m.init(), m.dropout(), m.stacking(),
                m.embedding().map(e -> e.resolved(baseDir)));
        return new JobConfig(data2, model2, task, training, output, forecast, translation);
    }
}
