package dev.gated.engine.config;

import java.util.Objects;

/**
 * A training job, as read from a job file by {@link JobFiles#load}: immutable, validated, every default filled in.
 *
 * <p>A job file is YAML ({@code .yaml}, {@code .yml}) or JSON ({@code .json}) with five sections; keys are
 * snake_case. {@code data} and {@code task} are required, the others may be left out. Every key and its default:
 * <pre>{@code
 * data:
 *   kind: csv                # required: csv | npy | text | sequences
 *   path: data/series.csv    # required
 *   input_columns: [a, b]    # csv only, required for csv
 *   target_columns: [b]      # csv only, required for csv
 *   date_column: date        # csv only, optional
 *   window: 24               # >= 1
 *   horizon: 1               # >= 1
 *   stride: 1                # >= 1
 *   split: [0.7, 0.15, 0.15] # train, validation, test; sum to 1
 *   max_length: 200          # sequences only, optional, >= 1
 *   nan_policy: error        # error | drop | interpolate
 * model:
 *   cell: lstm               # lstm | gru
 *   layers: 1                # >= 1
 *   hidden: 64               # >= 1
 *   bidirectional: false
 *   dropout: 0.0             # in [0, 1)
 *   head: linear             # linear
 *   init_from: w.safetensors # optional
 * task:
 *   kind: forecast           # required: forecast | classify | language_model | regression
 * training:
 *   optimizer: adam          # sgd | adam | adamw
 *   learning_rate: 0.001     # > 0
 *   momentum: 0.0            # in [0, 1); sgd only
 *   weight_decay: 0.0        # >= 0
 *   batch_size: 32           # >= 1
 *   epochs: 10               # >= 1
 *   shuffle: true
 *   seed: 42
 *   clip_grad_norm: 1.0      # optional, > 0
 *   device: auto             # auto | cpu | gpu
 *   checkpoint_every_steps: 500 # optional, >= 1
 * output:
 *   dir: runs
 *   name: series             # default: the job file's name without its extension
 * }</pre>
 * The sections are documented key by key on {@link DataConfig}, {@link ModelConfig}, {@link TaskConfig},
 * {@link TrainingConfig} and {@link OutputConfig}.
 */
public record JobConfig(DataConfig data, ModelConfig model, TaskConfig task, TrainingConfig training,
                        OutputConfig output) {
    public JobConfig {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(training, "training");
        Objects.requireNonNull(output, "output");
    }
}
