package dev.gated.cpu;

import dev.gated.engine.backend.AdagradConfig;
import dev.gated.engine.backend.AdamConfig;
import dev.gated.engine.backend.RmspropConfig;
import dev.gated.engine.backend.SgdConfig;

/**
 * Fused optimizer steps over flat parameter buffers, exactly the formulas of torch.optim.SGD,
 * torch.optim.Adam / AdamW (amsgrad off), RMSprop and Adagrad. Every element is computed in double and the results
 * rounded once to
 * the buffer's dtype; elements are independent, so chunking and threads cannot change the result.
 */
final class CpuOptimizers {
    private CpuOptimizers() {
    }

    /**
     * g = grad + wd * p; with momentum: buf = step == 1 ? g : momentum * buf + (1 - dampening) * g,
     * g = nesterov ? g + momentum * buf : buf; p -= lr * g. buf may be null when momentum is 0.
     */
    static void sgd(CpuThreads th, float[] p, float[] grad, float[] buf, SgdConfig c, long step) {
        double lr = c.lr();
        double wd = c.weightDecay();
        double mom = c.momentum();
        double damp = 1 - c.dampening();
        boolean nesterov = c.nesterov();
        boolean first = step == 1;
        boolean useBuf = mom != 0;
        CpuOps.forRange(th, p.length, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                double g = grad[i] + wd * p[i];
                if (useBuf) {
                    double b = first ? g : mom * buf[i] + damp * g;
                    buf[i] = (float) b;
                    g = nesterov ? g + mom * b : b;
                }
                p[i] = (float) (p[i] - lr * g);
            }
        });
    }

    static void sgd(CpuThreads th, double[] p, double[] grad, double[] buf, SgdConfig c, long step) {
        double lr = c.lr();
        double wd = c.weightDecay();
        double mom = c.momentum();
        double damp = 1 - c.dampening();
        boolean nesterov = c.nesterov();
        boolean first = step == 1;
        boolean useBuf = mom != 0;
        CpuOps.forRange(th, p.length, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                double g = grad[i] + wd * p[i];
                if (useBuf) {
                    double b = first ? g : mom * buf[i] + damp * g;
                    buf[i] = b;
                    g = nesterov ? g + mom * b : b;
                }
                p[i] -= lr * g;
            }
        });
    }

    /**
     * Adam (decoupled false: g = grad + wd * p) or AdamW (decoupled true: p *= 1 - lr * wd first);
     * m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; p -= lr * (m / (1 - b1^step)) / (sqrt(v / (1 - b2^step)) + eps).
     */
    static void adam(CpuThreads th, float[] p, float[] grad, float[] m, float[] v, AdamConfig c, long step) {
        double lr = c.lr();
        double b1 = c.beta1();
        double b2 = c.beta2();
        double eps = c.eps();
        double wd = c.weightDecay();
        boolean decoupled = c.decoupled();
        double decay = 1 - lr * wd;
        double bc1 = 1 - Math.pow(b1, step);
        double bc2 = 1 - Math.pow(b2, step);
        CpuOps.forRange(th, p.length, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                double pi = p[i];
                double g = grad[i];
                if (decoupled) {
                    pi *= decay;
                } else {
                    g += wd * pi;
                }
                double mi = b1 * m[i] + (1 - b1) * g;
                double vi = b2 * v[i] + (1 - b2) * g * g;
                m[i] = (float) mi;
                v[i] = (float) vi;
                double mhat = mi / bc1;
                double vhat = vi / bc2;
                p[i] = (float) (pi - lr * mhat / (Math.sqrt(vhat) + eps));
            }
        });
    }

    static void adam(CpuThreads th, double[] p, double[] grad, double[] m, double[] v, AdamConfig c, long step) {
        double lr = c.lr();
        double b1 = c.beta1();
        double b2 = c.beta2();
        double eps = c.eps();
        double wd = c.weightDecay();
        boolean decoupled = c.decoupled();
        double decay = 1 - lr * wd;
        double bc1 = 1 - Math.pow(b1, step);
        double bc2 = 1 - Math.pow(b2, step);
        CpuOps.forRange(th, p.length, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                double pi = p[i];
                double g = grad[i];
                if (decoupled) {
                    pi *= decay;
                } else {
                    g += wd * pi;
                }
                double mi = b1 * m[i] + (1 - b1) * g;
                double vi = b2 * v[i] + (1 - b2) * g * g;
                m[i] = mi;
                v[i] = vi;
                double mhat = mi / bc1;
                double vhat = vi / bc2;
                p[i] = pi - lr * mhat / (Math.sqrt(vhat) + eps);
            }
        });
    }

    /**
     * RMSprop: g = grad + wd * p; v = alpha * v + (1 - alpha) * g * g (v = 0 before step 1); centered:
     * gAvg = alpha * gAvg + (1 - alpha) * g, denom = sqrt(v - gAvg * gAvg) + eps, else denom = sqrt(v) + eps;
     * momentum: buf = mom * buf + g / denom, p -= lr * buf; else p -= lr * (g / denom). buf and gAvg may be null
     * when unused.
     */
    static void rmsprop(CpuThreads th, float[] p, float[] grad, float[] sq, float[] buf, float[] gAvg,
                        RmspropConfig c, long step) {
        double lr = c.lr();
        double alpha = c.alpha();
        double eps = c.eps();
        double wd = c.weightDecay();
        double mom = c.momentum();
        boolean centered = c.centered();
        boolean useBuf = mom != 0;
        boolean first = step == 1;
        CpuOps.forRange(th, p.length, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                double pi = p[i];
                double g = grad[i] + wd * pi;
                double v = alpha * (first ? 0 : sq[i]) + (1 - alpha) * g * g;
                sq[i] = (float) v;
                double denom;
                if (centered) {
                    double a = alpha * (first ? 0 : gAvg[i]) + (1 - alpha) * g;
                    gAvg[i] = (float) a;
                    denom = Math.sqrt(v - a * a) + eps;
                } else {
                    denom = Math.sqrt(v) + eps;
                }
                if (useBuf) {
                    double b = mom * (first ? 0 : buf[i]) + g / denom;
                    buf[i] = (float) b;
                    p[i] = (float) (pi - lr * b);
                } else {
                    p[i] = (float) (pi - lr * (g / denom));
                }
            }
        });
    }

    static void rmsprop(CpuThreads th, double[] p, double[] grad, double[] sq, double[] buf, double[] gAvg,
                        RmspropConfig c, long step) {
        double lr = c.lr();
        double alpha = c.alpha();
        double eps = c.eps();
        double wd = c.weightDecay();
        double mom = c.momentum();
        boolean centered = c.centered();
        boolean useBuf = mom != 0;
        boolean first = step == 1;
        CpuOps.forRange(th, p.length, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                double pi = p[i];
                double g = grad[i] + wd * pi;
                double v = alpha * (first ? 0 : sq[i]) + (1 - alpha) * g * g;
                sq[i] = v;
                double denom;
                if (centered) {
                    double a = alpha * (first ? 0 : gAvg[i]) + (1 - alpha) * g;
                    gAvg[i] = a;
                    denom = Math.sqrt(v - a * a) + eps;
                } else {
                    denom = Math.sqrt(v) + eps;
                }
                if (useBuf) {
                    double b = mom * (first ? 0 : buf[i]) + g / denom;
                    buf[i] = b;
                    p[i] = pi - lr * b;
                } else {
                    p[i] = pi - lr * (g / denom);
                }
            }
        });
    }

    /**
     * Adagrad: g = grad + wd * p; s = (step == 1 ? initialAccumulatorValue : sum) + g * g;
     * p -= clr * (g / (sqrt(s) + eps)) with clr = {@link AdagradConfig#stepLr}.
     */
    static void adagrad(CpuThreads th, float[] p, float[] grad, float[] sum, AdagradConfig c, long step) {
        double clr = c.stepLr(step);
        double wd = c.weightDecay();
        double eps = c.eps();
        double init = c.initialAccumulatorValue();
        boolean first = step == 1;
        CpuOps.forRange(th, p.length, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                double pi = p[i];
                double g = grad[i] + wd * pi;
                double s = (first ? init : sum[i]) + g * g;
                sum[i] = (float) s;
                p[i] = (float) (pi - clr * (g / (Math.sqrt(s) + eps)));
            }
        });
    }

    static void adagrad(CpuThreads th, double[] p, double[] grad, double[] sum, AdagradConfig c, long step) {
        double clr = c.stepLr(step);
        double wd = c.weightDecay();
        double eps = c.eps();
        double init = c.initialAccumulatorValue();
        boolean first = step == 1;
        CpuOps.forRange(th, p.length, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                double pi = p[i];
                double g = grad[i] + wd * pi;
                double s = (first ? init : sum[i]) + g * g;
                sum[i] = s;
                p[i] = pi - clr * (g / (Math.sqrt(s) + eps));
            }
        });
    }
}
