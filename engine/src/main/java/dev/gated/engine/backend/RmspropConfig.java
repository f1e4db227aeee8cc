package dev.gated.engine.backend;

/**
 * RMSprop as torch.optim.RMSprop documents it: g = grad + weightDecay*p; v = alpha*v + (1-alpha)*g^2;
 * centered: gAvg = alpha*gAvg + (1-alpha)*g, denom = sqrt(v - gAvg^2) + eps, else denom = sqrt(v) + eps
 * (eps added after the square root); with momentum: buf = momentum*buf + g/denom, p -= lr*buf; else
 * p -= lr*g/denom. All state starts at 0.
 */
public record RmspropConfig(double lr, double alpha, double eps, double weightDecay, double momentum,
                            boolean centered) {
    public RmspropConfig {
        Checks.nonNegative("lr", lr);
        Checks.inRange("alpha", alpha, 0, 1);
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("eps: expected a finite value > 0, got " + eps);
        }
        Checks.nonNegative("weightDecay", weightDecay);
        Checks.nonNegative("momentum", momentum);
    }

    /** PyTorch's defaults: alpha 0.99, eps 1e-8, no weight decay, no momentum, not centered. */
    public static RmspropConfig defaults(double lr) {
        return new RmspropConfig(lr, 0.99, 1e-8, 0, 0, false);
    }
}
