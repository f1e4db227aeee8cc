package dev.gated.engine.conformance;

import dev.gated.engine.backend.AdagradConfig;
import dev.gated.engine.backend.AdamConfig;
import dev.gated.engine.backend.BinaryOp;
import dev.gated.engine.backend.CounterRng;
import dev.gated.engine.backend.RmspropConfig;
import dev.gated.engine.backend.SgdConfig;
import dev.gated.engine.backend.UnaryOp;

import java.util.Arrays;
/**
 * Plain float64 reference implementations of every non-RNN backend op: straight loops, no blocking, no
 * cleverness. Matrices are row-major arrays with explicit sizes.
 */
public final class ReferenceOps {
    private ReferenceOps() {
    }

    /** op(a) where a is stored [rows, cols]: element (i, j) of op(a). */
    private static double at(double[] a, int cols, boolean trans, int i, int j) {
        return trans ? a[j * cols + i] : a[i * cols + j];
    }

    /**
     * c = alpha * op(a) op(b) + beta * c with op(a) [m, k], op(b) [k, n]; {@code aCols}/{@code bCols} are the
     * stored column counts. beta = 0 ignores c (NaN included).
     */
    public static double[] gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, double[] a, int aCols,
                                double[] b, int bCols, double beta, double[] c) {
        double[] out = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += at(a, aCols, transA, i, p) * at(b, bCols, transB, p, j);
                }
                out[i * n + j] = alpha * s + (beta == 0 ? 0 : beta * c[i * n + j]);
            }
        }
        return out;
    }

    /** |alpha| * |op(a)| |op(b)| + |beta| * |c|: the scale against which a gemm's rounding error is bounded. */
    public static double[] gemmScale(boolean transA, boolean transB, int m, int n, int k, double alpha, double[] a,
                                     int aCols, double[] b, int bCols, double beta, double[] c) {
        double[] out = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += Math.abs(at(a, aCols, transA, i, p) * at(b, bCols, transB, p, j));
                }
                out[i * n + j] = Math.abs(alpha) * s + (beta == 0 ? 0 : Math.abs(beta * c[i * n + j]));
            }
        }
        return out;
    }

    /**
     * c[i] = alpha * op(a[i]) op(b[i]) + beta * c[i] for i in [0, batch), each item stored row-major like
     * {@link #gemm} ({@code aRows x aCols}, {@code bRows x bCols}); beta = 0 ignores c (NaN included). With
     * {@code abs} it returns {@link #gemmScale}'s bound instead.
     */
    public static double[] batchedGemm(boolean transA, boolean transB, int batch, int m, int n, int k, double alpha,
                                       double[] a, int aCols, double[] b, int bCols, double beta, double[] c,
                                       boolean abs) {
        double[] out = new double[batch * m * n];
        for (int i = 0; i < batch; i++) {
            double[] ai = Arrays.copyOfRange(a, i * m * k, (i + 1) * m * k);
            double[] bi = Arrays.copyOfRange(b, i * k * n, (i + 1) * k * n);
            double[] ci = c == null ? null : Arrays.copyOfRange(c, i * m * n, (i + 1) * m * n);
            double[] oi = abs ? gemmScale(transA, transB, m, n, k, alpha, ai, aCols, bi, bCols, beta, ci)
                    : gemm(transA, transB, m, n, k, alpha, ai, aCols, bi, bCols, beta, ci);
            System.arraycopy(oi, 0, out, i * m * n, m * n);
        }
        return out;
    }

    /**
     * softmax of every row of x [rows, cols], max subtracted first; -inf entries get 0. A row of -inf only has
     * no softmax (the backends reject it): here it comes out NaN.
     */
    public static double[] softmaxRows(double[] x, int cols) {
        double[] y = new double[x.length];
        for (int o = 0; o < x.length; o += cols) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, x[o + j]);
            }
            double z = 0;
            for (int j = 0; j < cols; j++) {
                z += Math.exp(x[o + j] - max);
            }
            for (int j = 0; j < cols; j++) {
                y[o + j] = Math.exp(x[o + j] - max) / z;
            }
        }
        return y;
    }

    /** dx[r, :] = y[r, :] * (dy[r, :] - sum_j dy[r, j] y[r, j]) over rows of length cols. */
    public static double[] softmaxRowsBackward(double[] y, double[] dy, int cols) {
        double[] dx = new double[y.length];
        for (int o = 0; o < y.length; o += cols) {
            double dot = 0;
            for (int j = 0; j < cols; j++) {
                dot += dy[o + j] * y[o + j];
            }
            for (int j = 0; j < cols; j++) {
                dx[o + j] = y[o + j] * (dy[o + j] - dot);
            }
        }
        return dx;
    }

    /** |y| * (|dy| + sum_j |dy y|): the scale against which softmaxRowsBackward's rounding error is bounded. */
    public static double[] softmaxRowsBackwardScale(double[] y, double[] dy, int cols) {
        double[] s = new double[y.length];
        for (int o = 0; o < y.length; o += cols) {
            double dot = 0;
            for (int j = 0; j < cols; j++) {
                dot += Math.abs(dy[o + j] * y[o + j]);
            }
            for (int j = 0; j < cols; j++) {
                s[o + j] = Math.abs(y[o + j]) * (Math.abs(dy[o + j]) + dot);
            }
        }
        return s;
    }

    public static double unary(UnaryOp op, double v) {
        return switch (op) {
            case IDENTITY -> v;
            case NEG -> -v;
            case ABS -> Math.abs(v);
            case SQUARE -> v * v;
            case SQRT -> Math.sqrt(v);
            case EXP -> Math.exp(v);
            case LOG -> Math.log(v);
            case TANH -> Math.tanh(v);
            case SIGMOID -> 1.0 / (1.0 + Math.exp(-v));
            case RELU -> v > 0 ? v : 0;
            case SIGN -> Math.signum(v);
        };
    }

    /** f'(v), written out (the suite checks backends against finite differences, and this against both). */
    public static double unaryDerivative(UnaryOp op, double v) {
        return switch (op) {
            case IDENTITY -> 1;
            case NEG -> -1;
            case ABS -> Math.signum(v);
            case SQUARE -> 2 * v;
            case SQRT -> 0.5 / Math.sqrt(v);
            case EXP -> Math.exp(v);
            case LOG -> 1 / v;
            case TANH -> 1 - Math.tanh(v) * Math.tanh(v);
            case SIGMOID -> unary(UnaryOp.SIGMOID, v) * (1 - unary(UnaryOp.SIGMOID, v));
            case RELU -> v > 0 ? 1 : 0;
            case SIGN -> 0;
        };
    }

    public static double binary(BinaryOp op, double a, double b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
        };
    }

    /** x[r, :] += v. */
    public static double[] addRowVector(double[] x, double[] v) {
        double[] out = x.clone();
        for (int i = 0; i < x.length; i++) {
            out[i] += v[i % v.length];
        }
        return out;
    }

    /** (init or 0) + sum over the rows of x [rows, cols]. */
    public static double[] sumRows(double[] x, int cols, double[] init) {
        double[] out = init == null ? new double[cols] : init.clone();
        for (int i = 0; i < x.length; i++) {
            out[i % cols] += x[i];
        }
        return out;
    }

    public static double sum(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s;
    }

    public static double sumAbs(double[] x) {
        double s = 0;
        for (double v : x) {
            s += Math.abs(v);
        }
        return s;
    }

    public static double sumOfSquares(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v * v;
        }
        return s;
    }

    public static double[] gatherRows(double[] src, int cols, int[] rows) {
        double[] out = new double[rows.length * cols];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(src, rows[i] * cols, out, i * cols, cols);
        }
        return out;
    }

    public static double[] scatterAddRows(double[] src, int cols, int[] rows, double[] dst) {
        double[] out = dst.clone();
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < cols; j++) {
                out[rows[i] * cols + j] += src[i * cols + j];
            }
        }
        return out;
    }

    /** mean((pred - target)^2). */
    public static double mse(double[] pred, double[] target) {
        double s = 0;
        for (int i = 0; i < pred.length; i++) {
            double d = pred[i] - target[i];
            s += d * d;
        }
        return s / pred.length;
    }

    /** d mse / d pred = 2 (pred - target) / n. */
    public static double[] mseGradient(double[] pred, double[] target) {
        double[] g = new double[pred.length];
        for (int i = 0; i < pred.length; i++) {
            g[i] = 2 * (pred[i] - target[i]) / pred.length;
        }
        return g;
    }

    /** mean over rows of -log softmax(logits[r])[labels[r]], computed stably (max subtracted). */
    public static double softmaxCrossEntropy(double[] logits, int classes, int[] labels) {
        double s = 0;
        for (int r = 0; r < labels.length; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, logits[r * classes + c]);
            }
            double z = 0;
            for (int c = 0; c < classes; c++) {
                z += Math.exp(logits[r * classes + c] - max);
            }
            s += Math.log(z) + max - logits[r * classes + labels[r]];
        }
        return s / labels.length;
    }

    /** (softmax(logits[r]) - onehot(labels[r])) / rows. */
    public static double[] softmaxCrossEntropyGradient(double[] logits, int classes, int[] labels) {
        double[] g = new double[logits.length];
        for (int r = 0; r < labels.length; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, logits[r * classes + c]);
            }
            double z = 0;
            for (int c = 0; c < classes; c++) {
                z += Math.exp(logits[r * classes + c] - max);
            }
            for (int c = 0; c < classes; c++) {
                double sm = Math.exp(logits[r * classes + c] - max) / z;
                g[r * classes + c] = (sm - (c == labels[r] ? 1 : 0)) / labels.length;
            }
        }
        return g;
    }

    /** y = x * keep / (1 - p), keep[i] = CounterRng.keep(seed, offset + i, p). */
    public static double[] dropout(double[] x, double p, long seed, long offset) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = CounterRng.keep(seed, offset + i, p) ? x[i] / (1 - p) : 0;
        }
        return y;
    }

    /** torch.optim.SGD, one step, in place on p and buf (buf may be null when momentum is 0). */
    public static void sgdStep(double[] p, double[] grad, double[] buf, SgdConfig c, long step) {
        for (int i = 0; i < p.length; i++) {
            double g = grad[i] + c.weightDecay() * p[i];
            if (c.momentum() != 0) {
                buf[i] = step == 1 ? g : c.momentum() * buf[i] + (1 - c.dampening()) * g;
                g = c.nesterov() ? g + c.momentum() * buf[i] : buf[i];
            }
            p[i] -= c.lr() * g;
        }
    }

    /** torch.optim.Adam / AdamW (amsgrad=False), one step, in place on p, m, v; step counts from 1. */
    public static void adamStep(double[] p, double[] grad, double[] m, double[] v, AdamConfig c, long step) {
        for (int i = 0; i < p.length; i++) {
            double g = grad[i];
            if (c.decoupled()) {
                p[i] *= 1 - c.lr() * c.weightDecay();
            } else {
                g += c.weightDecay() * p[i];
            }
            m[i] = c.beta1() * m[i] + (1 - c.beta1()) * g;
            v[i] = c.beta2() * v[i] + (1 - c.beta2()) * g * g;
            double mhat = m[i] / (1 - Math.pow(c.beta1(), step));
            double vhat = v[i] / (1 - Math.pow(c.beta2(), step));
            p[i] -= c.lr() * mhat / (Math.sqrt(vhat) + c.eps());
        }
    }

    /**
     * torch.optim.RMSprop, one step, in place on p and the state (all zero before step 1, as PyTorch creates it;
     * buf and gAvg may be null when momentum is 0 / not centered). Written as the documented algorithm.
     */
    public static void rmspropStep(double[] p, double[] grad, double[] squareAvg, double[] buf, double[] gAvg,
                                   RmspropConfig c, long step) {
        if (step == 1) {
            Arrays.fill(squareAvg, 0);
            if (buf != null) {
                Arrays.fill(buf, 0);
            }
            if (gAvg != null) {
                Arrays.fill(gAvg, 0);
            }
        }
        for (int i = 0; i < p.length; i++) {
            double g = grad[i] + c.weightDecay() * p[i];
            squareAvg[i] = c.alpha() * squareAvg[i] + (1 - c.alpha()) * g * g;
            double vTilde = squareAvg[i];
            if (c.centered()) {
                gAvg[i] = c.alpha() * gAvg[i] + (1 - c.alpha()) * g;
                vTilde -= gAvg[i] * gAvg[i];
            }
            double denom = Math.sqrt(vTilde) + c.eps();
            if (c.momentum() > 0) {
                buf[i] = c.momentum() * buf[i] + g / denom;
                p[i] -= c.lr() * buf[i];
            } else {
                p[i] -= c.lr() * g / denom;
            }
        }
    }

    /** torch.optim.Adagrad, one step, in place on p and sum (initial_accumulator_value before step 1). */
    public static void adagradStep(double[] p, double[] grad, double[] sum, AdagradConfig c, long step) {
        if (step == 1) {
            Arrays.fill(sum, c.initialAccumulatorValue());
        }
        double clr = c.lr() / (1 + (step - 1) * c.lrDecay());
        for (int i = 0; i < p.length; i++) {
            double g = grad[i] + c.weightDecay() * p[i];
            sum[i] += g * g;
            p[i] -= clr * g / (Math.sqrt(sum[i]) + c.eps());
        }
    }
}
