package dev.gated.engine.conformance;

import static dev.gated.engine.conformance.Ctx.assertClose;

import dev.gated.engine.backend.AdagradConfig;
import dev.gated.engine.backend.AdamConfig;
import dev.gated.engine.backend.RmspropConfig;
import dev.gated.engine.backend.SgdConfig;
import dev.gated.engine.backend.Tensor;
import java.util.List;
import org.junit.jupiter.api.function.ThrowingConsumer;

/**
 * The rows of {@link OpCases}' table for the fused optimizer steps (SGD, Adam/AdamW, RMSprop, Adagrad), several steps
 * each against {@link ReferenceOps}. Kept apart from OpCases only for its size; {@link OpCases#all()} is still the
 * one table.
 */
final class OptimizerOpCases {
    private OptimizerOpCases() {
    }

    private static OpCases.OpCase c(String name, ThrowingConsumer<Ctx> check) {
        return new OpCases.OpCase(name, check);
    }

    // ---- optimizers ----

    static void add(List<OpCases.OpCase> t) {
        SgdConfig[] sgd = {
            SgdConfig.plain(0.1),
            new SgdConfig(0.05, 0, 0, 0.01, false),
            new SgdConfig(0.05, 0.9, 0, 0, false),
            new SgdConfig(0.05, 0.9, 0.1, 0.01, false),
            new SgdConfig(0.05, 0.9, 0, 0, true),
            new SgdConfig(0.05, 0.8, 0, 0.02, true),
        };
        for (SgdConfig cfg : sgd) {
            t.add(c("sgdStep " + cfg + ", 4 steps", x -> {
                int n = 23;
                double[] p = x.rand(n, -1, 1);
                double[] buf = cfg.momentum() == 0 ? null : new double[n];
                Tensor tp = x.up(p, n);
                // The buffer's contents before step 1 must not matter: fill it with garbage.
                Tensor tb = cfg.momentum() == 0 ? null : x.up(x.rand(n, -5, 5), n);
                for (int step = 1; step <= 4; step++) {
                    double[] g = x.rand(n, -1, 1);
                    x.be.sgdStep(tp, x.up(g, n), tb, cfg, step);
                    ReferenceOps.sgdStep(p, g, buf, cfg, step);
                    assertClose("param after step " + step, p, x.down(tp), x.tol.optimizer());
                    if (buf != null) {
                        assertClose("momentum buffer after step " + step, buf, x.down(tb), x.tol.optimizer());
                    }
                }
            }));
        }
        AdamConfig[] adam = {
            AdamConfig.defaults(0.01),
            new AdamConfig(0.02, 0.8, 0.99, 1e-6, 0.01, false),
            new AdamConfig(0.02, 0.9, 0.999, 1e-8, 0.05, true),
        };
        for (AdamConfig cfg : adam) {
            t.add(c("adamStep " + (cfg.decoupled() ? "AdamW " : "Adam ") + cfg + ", 5 steps", x -> {
                int n = 19;
                double[] p = x.rand(n, -1, 1);
                double[] m = new double[n];
                double[] v = new double[n];
                Tensor tp = x.up(p, n);
                Tensor tm = x.zeros(n);
                Tensor tv = x.zeros(n);
                for (int step = 1; step <= 5; step++) {
                    double[] g = x.rand(n, -1, 1);
                    x.be.adamStep(tp, x.up(g, n), tm, tv, cfg, step);
                    ReferenceOps.adamStep(p, g, m, v, cfg, step);
                    assertClose("param after step " + step, p, x.down(tp), x.tol.optimizer());
                    assertClose("m after step " + step, m, x.down(tm), x.tol.optimizer());
                    assertClose("v after step " + step, v, x.down(tv), x.tol.optimizer());
                }
            }));
        }
        RmspropConfig[] rmsprop = {
            RmspropConfig.defaults(0.01),
            new RmspropConfig(0.02, 0.9, 1e-6, 0.01, 0, false),
            new RmspropConfig(0.02, 0.95, 1e-8, 0, 0.9, false),
            new RmspropConfig(0.01, 0.9, 1e-8, 0, 0, true),
            new RmspropConfig(0.01, 0.8, 1e-7, 0.05, 0.5, true),
        };
        for (RmspropConfig cfg : rmsprop) {
            t.add(c("rmspropStep " + cfg + ", 5 steps", x -> {
                int n = 21;
                double[] p = x.rand(n, -1, 1);
                double[] sq = new double[n];
                double[] buf = cfg.momentum() == 0 ? null : new double[n];
                double[] avg = cfg.centered() ? new double[n] : null;
                Tensor tp = x.up(p, n);
                // PyTorch starts the state at 0; the op must ignore the contents before step 1: fill with garbage.
                Tensor ts = x.up(x.rand(n, 0, 5), n);
                Tensor tb = buf == null ? null : x.up(x.rand(n, -5, 5), n);
                Tensor ta = avg == null ? null : x.up(x.rand(n, -5, 5), n);
                for (int step = 1; step <= 5; step++) {
                    double[] g = x.rand(n, -1, 1);
                    x.be.rmspropStep(tp, x.up(g, n), ts, tb, ta, cfg, step);
                    ReferenceOps.rmspropStep(p, g, sq, buf, avg, cfg, step);
                    assertClose("param after step " + step, p, x.down(tp), x.tol.optimizer());
                    assertClose("square_avg after step " + step, sq, x.down(ts), x.tol.optimizer());
                    if (buf != null) {
                        assertClose("momentum_buffer after step " + step, buf, x.down(tb), x.tol.optimizer());
                    }
                    if (avg != null) {
                        assertClose("grad_avg after step " + step, avg, x.down(ta), x.tol.optimizer());
                    }
                }
            }));
        }
        AdagradConfig[] adagrad = {
            AdagradConfig.defaults(0.1),
            new AdagradConfig(0.1, 0.05, 0, 1e-10, 0.1),
            new AdagradConfig(0.05, 0.01, 0.02, 1e-8, 0),
        };
        for (AdagradConfig cfg : adagrad) {
            t.add(c("adagradStep " + cfg + ", 5 steps", x -> {
                int n = 17;
                double[] p = x.rand(n, -1, 1);
                double[] sum = new double[n];
                Tensor tp = x.up(p, n);
                // The op starts the sum at initialAccumulatorValue whatever the buffer holds before step 1.
                Tensor ts = x.up(x.rand(n, 0, 5), n);
                for (int step = 1; step <= 5; step++) {
                    double[] g = x.rand(n, -1, 1);
                    x.be.adagradStep(tp, x.up(g, n), ts, cfg, step);
                    ReferenceOps.adagradStep(p, g, sum, cfg, step);
                    assertClose("param after step " + step, p, x.down(tp), x.tol.optimizer());
                    assertClose("sum after step " + step, sum, x.down(ts), x.tol.optimizer());
                }
            }));
        }
    }
}
