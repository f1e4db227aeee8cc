package dev.gated.engine.backend;

/**
 * SGD as torch.optim.SGD documents it: g = grad + weightDecay*p; with momentum,
 * buf = momentum*buf + (1-dampening)*g (buf = g on the first step), g = nesterov ? g + momentum*buf : buf;
 * p -= lr*g.
 */
public record SgdConfig(double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
    public SgdConfig {
        Checks.nonNegative("lr", lr);
        Checks.nonNegative("momentum", momentum);
        Checks.nonNegative("dampening", dampening);
        Checks.nonNegative("weightDecay", weightDecay);
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("nesterov: needs momentum > 0 and dampening = 0, got momentum="
                    + momentum + ", dampening=" + dampening);
        }
    }

    public static SgdConfig plain(double lr) {
        return new SgdConfig(lr, 0, 0, 0, false);
    }
}
