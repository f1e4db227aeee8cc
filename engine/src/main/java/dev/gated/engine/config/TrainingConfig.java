package dev.gated.engine.config;

import dev.gated.engine.backend.DeviceMode;
import dev.gated.engine.backend.Precision;
import dev.gated.engine.data.Bucketing;
import dev.gated.engine.data.Curriculum;
import dev.gated.engine.model.EarlyStopping;
import dev.gated.engine.model.LrSchedule;

import java.util.Objects;
import java.util.Optional;

/**
 * The {@code training} section of a job file (the whole section may be left out).
 *
 * <table>
 * <caption>training keys</caption>
 * <tr><th>key</th><th>type</th><th>default</th></tr>
 * <tr><td>{@code optimizer}</td><td>{@code sgd | adam | adamw | rmsprop | adagrad}</td><td>{@code adam}</td></tr>
 * <tr><td>{@code learning_rate}</td><td>number &gt; 0</td><td>0.001</td></tr>
 * <tr><td>{@code momentum}</td><td>number in [0, 1); other than 0 only with {@code sgd} or {@code rmsprop}</td>
 *     <td>0.0</td></tr>
 * <tr><td>{@code weight_decay}</td><td>number &ge; 0</td><td>0.0</td></tr>
 * <tr><td>{@code nesterov}, {@code betas}, {@code eps}, {@code alpha}, {@code centered}, {@code lr_decay},
 *     {@code initial_accumulator_value}</td><td>see {@link OptimizerOptions}</td><td>torch.optim's</td></tr>
 * <tr><td>{@code batch_size}</td><td>integer &ge; 1</td><td>32</td></tr>
 * <tr><td>{@code epochs}</td><td>integer &ge; 1</td><td>10</td></tr>
 * <tr><td>{@code shuffle}</td><td>boolean</td><td>{@code true}</td></tr>
 * <tr><td>{@code seed}</td><td>integer</td><td>42</td></tr>
 * <tr><td>{@code clip_grad_norm}</td><td>number &gt; 0, maximum global gradient norm</td><td>none (no clipping)</td></tr>
 * <tr><td>{@code device}</td><td>{@code auto | cpu | gpu}</td><td>{@code auto}</td></tr>
 * <tr><td>{@code precision}</td><td>{@code fp32 | tf32} (see {@link Precision}); the CPU computes fp32 either way</td>
 *     <td>{@code fp32}</td></tr>
 * <tr><td>{@code checkpoint_every_steps}</td><td>integer &ge; 1</td><td>none (checkpoints each epoch only)</td></tr>
 * <tr><td>{@code keep_checkpoints}</td><td>integer &ge; 1, step checkpoints kept (oldest removed first)</td>
 *     <td>3</td></tr>
 * <tr><td>{@code clip_grad_value}</td><td>number &gt; 0, gradients clamped to [-v, v]</td><td>none</td></tr>
 * <tr><td>{@code l1}, {@code l2}</td><td>numbers &ge; 0, penalties on the weights</td><td>0.0</td></tr>
 * <tr><td>{@code penalize_biases}</td><td>boolean, penalties on biases too</td><td>{@code false}</td></tr>
 * <tr><td>{@code input_noise}</td><td>number &ge; 0, sigma of Gaussian noise on training inputs</td><td>0.0</td></tr>
 * <tr><td>{@code lr_schedule}</td><td>mapping, see {@link LrSchedule}</td><td>constant</td></tr>
 * <tr><td>{@code early_stopping}</td><td>mapping, see {@link EarlyStopping}</td><td>none</td></tr>
 * <tr><td>{@code health}, {@code on_nonfinite}, {@code rollback_lr_factor}, {@code max_rollbacks}</td>
 *     <td>see {@link HealthConfig}</td><td>{@link HealthConfig#DEFAULT}</td></tr>
 * <tr><td>{@code bucketing}</td><td>{@code true}, or mapping {@code buckets}: integer &ge; 1 (see {@link Bucketing});
 *     sequences and npy data only</td><td>none</td></tr>
 * <tr><td>{@code curriculum}</td><td>mapping {@code start_length}, {@code epochs} (see {@link Curriculum})</td>
 *     <td>none</td></tr>
 * <tr><td>{@code tbptt}</td><td>mapping {@code forward}: K1 &ge; 1, {@code backward}: K2 in [1, K1] (default K1)
 *     (see {@link TbpttConfig}); language models on text only</td><td>none (windows of data.window)</td></tr>
 * </table>
 */
public record TrainingConfig(OptimizerKind optimizer, double learningRate, double momentum, double weightDecay,
                             int batchSize, int epochs, boolean shuffle, long seed, Optional<Double> clipGradNorm,
                             DeviceMode device, Optional<Long> checkpointEverySteps, int keepCheckpoints,
                             Optional<Double> clipGradValue, double l1, double l2, boolean penalizeBiases,
                             double inputNoise, LrSchedule lrSchedule, Optional<EarlyStopping> earlyStopping,
                             OptimizerOptions optimizerOptions, HealthConfig health,
                             Optional<Bucketing> bucketing, Optional<Curriculum> curriculum, Precision precision,
                             Optional<Long> steps, Optional<TbpttConfig> tbptt) {
    public static final OptimizerKind DEFAULT_OPTIMIZER = OptimizerKind.ADAM;
    public static final double DEFAULT_LEARNING_RATE = 1e-3;
    public static final double DEFAULT_MOMENTUM = 0.0;
    public static final double DEFAULT_WEIGHT_DECAY = 0.0;
    public static final int DEFAULT_BATCH_SIZE = 32;
    public static final int DEFAULT_EPOCHS = 10;
    public static final boolean DEFAULT_SHUFFLE = true;
    public static final long DEFAULT_SEED = 42;
    public static final DeviceMode DEFAULT_DEVICE = DeviceMode.AUTO;
    public static final int DEFAULT_KEEP_CHECKPOINTS = 3;
    /**
     * Forecasting jobs that give neither {@code epochs} nor {@code steps} train for about this many optimizer steps:
     * a series of 150 rows and one of 1500 both get trained enough, in a bounded time (see docs/FORECASTING.md).
     */
    public static final long DEFAULT_FORECAST_STEPS = 1500;

    public TrainingConfig {
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(clipGradNorm, "clipGradNorm");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(checkpointEverySteps, "checkpointEverySteps");
        Objects.requireNonNull(clipGradValue, "clipGradValue");
        Objects.requireNonNull(lrSchedule, "lrSchedule");
        Objects.requireNonNull(earlyStopping, "earlyStopping");
        Objects.requireNonNull(optimizerOptions, "optimizerOptions");
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(bucketing, "bucketing");
        Objects.requireNonNull(curriculum, "curriculum");
        Objects.requireNonNull(precision, "precision");
        Objects.requireNonNull(steps, "steps");
        Objects.requireNonNull(tbptt, "tbptt");
    }

    /** As the canonical constructor, without truncated BPTT. */
    public TrainingConfig(OptimizerKind optimizer, double learningRate, double momentum, double weightDecay,
                          int batchSize, int epochs, boolean shuffle, long seed, Optional<Double> clipGradNorm,
                          DeviceMode device, Optional<Long> checkpointEverySteps, int keepCheckpoints,
                          Optional<Double> clipGradValue, double l1, double l2, boolean penalizeBiases,
                          double inputNoise, LrSchedule lrSchedule, Optional<EarlyStopping> earlyStopping,
                          OptimizerOptions optimizerOptions, HealthConfig health, Optional<Bucketing> bucketing,
                          Optional<Curriculum> curriculum, Precision precision, Optional<Long> steps) {
        this(optimizer, learningRate, momentum, weightDecay, batchSize, epochs, shuffle, seed, clipGradNorm, device,
                checkpointEverySteps, keepCheckpoints, clipGradValue, l1, l2, penalizeBiases, inputNoise, lrSchedule,
                earlyStopping, optimizerOptions, health, bucketing, curriculum, precision, steps, Optional.empty());
    }

    /** As the canonical constructor, with the run's length in epochs only. */
    public TrainingConfig(OptimizerKind optimizer, double learningRate, double momentum, double weightDecay,
                          int batchSize, int epochs, boolean shuffle, long seed, Optional<Double> clipGradNorm,
                          DeviceMode device, Optional<Long> checkpointEverySteps, int keepCheckpoints,
                          Optional<Double> clipGradValue, double l1, double l2, boolean penalizeBiases,
                          double inputNoise, LrSchedule lrSchedule, Optional<EarlyStopping> earlyStopping,
                          OptimizerOptions optimizerOptions, HealthConfig health, Optional<Bucketing> bucketing,
                          Optional<Curriculum> curriculum, Precision precision) {
        this(optimizer, learningRate, momentum, weightDecay, batchSize, epochs, shuffle, seed, clipGradNorm, device,
                checkpointEverySteps, keepCheckpoints, clipGradValue, l1, l2, penalizeBiases, inputNoise, lrSchedule,
                earlyStopping, optimizerOptions, health, bucketing, curriculum, precision, Optional.empty());
    }

    /**
     * The run's length once the training set's size is known: {@code steps} becomes the fewest whole epochs of
     * {@code stepsPerEpoch} steps that make at least that many steps (this config when it gives epochs).
     */
    public TrainingConfig withEpochsFor(long stepsPerEpoch) {
        if (steps.isEmpty()) {
            return this;
        }
        int e = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (steps.get() + stepsPerEpoch - 1) / stepsPerEpoch));
        return new TrainingConfig(optimizer, learningRate, momentum, weightDecay, batchSize, e, shuffle, seed,
                clipGradNorm, device, checkpointEverySteps, keepCheckpoints, clipGradValue, l1, l2, penalizeBiases,
                inputNoise, lrSchedule, earlyStopping, optimizerOptions, health, bucketing, curriculum, precision,
                Optional.empty(), tbptt);
    }

    /** This config with {@code steps} set (and epochs left to {@link #withEpochsFor}). */
    TrainingConfig withSteps(long n) {
        return new TrainingConfig(optimizer, learningRate, momentum, weightDecay, batchSize, epochs, shuffle, seed,
                clipGradNorm, device, checkpointEverySteps, keepCheckpoints, clipGradValue, l1, l2, penalizeBiases,
                inputNoise, lrSchedule, earlyStopping, optimizerOptions, health, bucketing, curriculum, precision,
                Optional.of(n), tbptt);
    }

    /** The settings with the defaults for optimizer options, health monitoring, bucketing, curriculum, precision. */
    public TrainingConfig(OptimizerKind optimizer, double learningRate, double momentum, double weightDecay,
                          int batchSize, int epochs, boolean shuffle, long seed, Optional<Double> clipGradNorm,
                          DeviceMode device, Optional<Long> checkpointEverySteps, int keepCheckpoints,
                          Optional<Double> clipGradValue, double l1, double l2, boolean penalizeBiases,
                          double inputNoise, LrSchedule lrSchedule, Optional<EarlyStopping> earlyStopping) {
        this(optimizer, learningRate, momentum, weightDecay, batchSize, epochs, shuffle, seed, clipGradNorm, device,
                checkpointEverySteps, keepCheckpoints, clipGradValue, l1, l2, penalizeBiases, inputNoise, lrSchedule,
                earlyStopping, OptimizerOptions.defaults(optimizer), HealthConfig.DEFAULT, Optional.empty(),
                Optional.empty(), Precision.FP32);
    }

    /** The settings without any of the training toolkit's options (no schedule, penalty, noise or stopping). */
    public TrainingConfig(OptimizerKind optimizer, double learningRate, double momentum, double weightDecay,
                          int batchSize, int epochs, boolean shuffle, long seed, Optional<Double> clipGradNorm,
                          DeviceMode device, Optional<Long> checkpointEverySteps, int keepCheckpoints) {
        this(optimizer, learningRate, momentum, weightDecay, batchSize, epochs, shuffle, seed, clipGradNorm, device,
                checkpointEverySteps, keepCheckpoints, Optional.empty(), 0, 0, false, 0, new LrSchedule.Constant(),
                Optional.empty());
    }
}
