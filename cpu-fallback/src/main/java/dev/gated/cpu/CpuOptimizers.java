package dev.gated.cpu;

import dev.gated.engine.backend.AdamConfig;
import dev.gated.engine.backend.SgdConfig;

/**
 * Fused optimizer steps over flat parameter buffers, exactly the formulas of torch.optim.SGD and
 * torch.optim.Adam / AdamW (amsgrad off). Every element is computed in double and the results rounded once to
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
}
