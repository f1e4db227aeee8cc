package dev.gated.engine.config;

import java.util.Objects;

/**
 * The optimizer settings of the {@code training} section besides {@code optimizer}, {@code learning_rate},
 * {@code momentum} and {@code weight_decay}; each applies to some optimizers only (the reader rejects the others).
 * Defaults are torch.optim's.
 *
 * @param nesterov                {@code nesterov} (sgd): Nesterov momentum, needs momentum &gt; 0
 * @param beta1                   {@code betas[0]} (adam, adamw)
 * @param beta2                   {@code betas[1]} (adam, adamw)
 * @param eps                     {@code eps} (adam, adamw, rmsprop: 1e-8; adagrad: 1e-10)
 * @param alpha                   {@code alpha} (rmsprop): smoothing constant
 * @param centered                {@code centered} (rmsprop)
 * @param lrDecay                 {@code lr_decay} (adagrad)
 * @param initialAccumulatorValue {@code initial_accumulator_value} (adagrad)
 */
public record OptimizerOptions(boolean nesterov, double beta1, double beta2, double eps, double alpha,
                               boolean centered, double lrDecay, double initialAccumulatorValue) {
    public static final double DEFAULT_BETA1 = 0.9;
    public static final double DEFAULT_BETA2 = 0.999;
    public static final double DEFAULT_ALPHA = 0.99;

    /** torch.optim's default eps for this optimizer (Adagrad's is 1e-10, the others' 1e-8). */
    public static double defaultEps(OptimizerKind kind) {
        return Objects.requireNonNull(kind, "kind") == OptimizerKind.ADAGRAD ? 1e-10 : 1e-8;
    }

    /** Every option at torch.optim's default for {@code kind}. */
    public static OptimizerOptions defaults(OptimizerKind kind) {
        return new OptimizerOptions(false, DEFAULT_BETA1, DEFAULT_BETA2, defaultEps(kind), DEFAULT_ALPHA, false, 0, 0);
    }
}
