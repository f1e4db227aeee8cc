package dev.gated.engine.backend;

/**
 * Adam / AdamW as torch.optim documents them. With {@code decoupled} false (Adam) weight decay is added to
 * the gradient; with it true (AdamW) the parameter is first scaled by (1 - lr*weightDecay).
 */
public record AdamConfig(double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {
    public AdamConfig {
        Checks.nonNegative("lr", lr);
        Checks.inRange("beta1", beta1, 0, 1);
        Checks.inRange("beta2", beta2, 0, 1);
        if (!(eps > 0)) {
            throw new IllegalArgumentException("eps: expected > 0, got " + eps);
        }
        Checks.nonNegative("weightDecay", weightDecay);
    }

    public static AdamConfig defaults(double lr) {
        return new AdamConfig(lr, 0.9, 0.999, 1e-8, 0, false);
    }
}
