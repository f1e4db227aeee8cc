package dev.gated.engine.backend;

/**
 * Adagrad as torch.optim.Adagrad documents it: g = grad + weightDecay*p; clr = lr / (1 + (step-1)*lrDecay);
 * sum += g^2 (sum starts at initialAccumulatorValue); p -= clr * g / (sqrt(sum) + eps).
 */
public record AdagradConfig(double lr, double lrDecay, double weightDecay, double eps,
                            double initialAccumulatorValue) {
    public AdagradConfig {
        Checks.nonNegative("lr", lr);
        Checks.nonNegative("lrDecay", lrDecay);
        Checks.nonNegative("weightDecay", weightDecay);
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("eps: expected a finite value > 0, got " + eps);
        }
        Checks.nonNegative("initialAccumulatorValue", initialAccumulatorValue);
    }

    /** PyTorch's defaults: no lr decay, no weight decay, eps 1e-10, accumulator starting at 0. */
    public static AdagradConfig defaults(double lr) {
        return new AdagradConfig(lr, 0, 0, 1e-10, 0);
    }

    /** The step's learning rate, lr / (1 + (step-1)*lrDecay), computed the same way by every backend. */
    public double stepLr(long step) {
        return lr / (1 + (step - 1) * lrDecay);
    }
}
