package dev.gated.cpu;

import dev.gated.engine.backend.BinaryOp;
import dev.gated.engine.backend.CounterRng;
import dev.gated.engine.backend.UnaryOp;
import java.util.Arrays;

/**
 * The non-GEMM, non-RNN kernels of {@link CpuBackend} on plain arrays, float32 and float64, except the row
 * softmaxes ({@link CpuSoftmax}). Arguments are validated by the backend before they get here.
 *
 * <p>Element-wise work is split into fixed chunks of {@link #CHUNK} elements (run in parallel when large), so it
 * is thread-count independent trivially. Reductions accumulate in double: each chunk of {@link #SUM_CHUNK}
 * elements is summed with four interleaved partial sums (element i goes to partial i % 4, combined as
 * (s0 + s1) + (s2 + s3)), and the chunk sums are added in chunk order. That order depends only on the element
 * count, never on the number of threads.
 *
 * <p>float32 math that is not a plain +, -, *, / (exp, log, tanh, sigmoid, sqrt, the losses, the optimizers) is
 * done in double and rounded once to float.
 */
final class CpuOps {
    private CpuOps() {
    }

    /** Elements per parallel task of element-wise work. */
    static final int CHUNK = 1 << 15;
    /** Below this element count element-wise work runs on the calling thread. */
    static final int PARALLEL_MIN = 1 << 16;
    /** Elements per partial sum of a reduction. */
    static final int SUM_CHUNK = 4096;

    /** A range body: runs [lo, hi). */
    interface Range {
        void run(int lo, int hi);
    }

    /** Runs body over [0, n) in fixed chunks, in parallel when n is large. */
    static void forRange(CpuThreads threads, int n, Range body) {
        if (n < PARALLEL_MIN || threads.threads() == 1) {
            body.run(0, n);
            return;
        }
        int tasks = (n + CHUNK - 1) / CHUNK;
        threads.parallelFor(tasks, t -> body.run(t * CHUNK, Math.min(n, (t + 1) * CHUNK)));
    }

    /** A partial sum of chunk [lo, hi). */
    interface ChunkSum {
        double sum(int lo, int hi);
    }

    /** Sums chunk results of [0, n) in chunk order (chunks of SUM_CHUNK), computing chunks in parallel. */
    static double chunkedSum(CpuThreads threads, int n, ChunkSum body) {
        int chunks = (n + SUM_CHUNK - 1) / SUM_CHUNK;
        if (chunks <= 1) {
            return n == 0 ? 0 : body.sum(0, n);
        }
        double[] partial = new double[chunks];
        int perTask = CHUNK / SUM_CHUNK;
        int tasks = (chunks + perTask - 1) / perTask;
        Range r = (c0, c1) -> {
            for (int ch = c0; ch < c1; ch++) {
                partial[ch] = body.sum(ch * SUM_CHUNK, Math.min(n, (ch + 1) * SUM_CHUNK));
            }
        };
        if (n < PARALLEL_MIN || threads.threads() == 1) {
            r.run(0, chunks);
        } else {
            threads.parallelFor(tasks, t -> r.run(t * perTask, Math.min(chunks, (t + 1) * perTask)));
        }
        double s = 0;
        for (double p : partial) {
            s += p;
        }
        return s;
    }

    // ---- memory ----

    static void fill(CpuThreads th, float[] x, float v) {
        forRange(th, x.length, (lo, hi) -> Arrays.fill(x, lo, hi, v));
    }

    static void fill(CpuThreads th, double[] x, double v) {
        forRange(th, x.length, (lo, hi) -> Arrays.fill(x, lo, hi, v));
    }

    // ---- axpby ----

    static void axpby(CpuThreads th, float alpha, float[] x, float beta, float[] y) {
        forRange(th, y.length, (lo, hi) -> {
            if (beta == 0) {
                for (int i = lo; i < hi; i++) {
                    y[i] = alpha * x[i];
                }
            } else if (beta == 1) {
                for (int i = lo; i < hi; i++) {
                    y[i] = alpha * x[i] + y[i];
                }
            } else {
                for (int i = lo; i < hi; i++) {
                    y[i] = alpha * x[i] + beta * y[i];
                }
            }
        });
    }

    static void axpby(CpuThreads th, double alpha, double[] x, double beta, double[] y) {
        forRange(th, y.length, (lo, hi) -> {
            if (beta == 0) {
                for (int i = lo; i < hi; i++) {
                    y[i] = alpha * x[i];
                }
            } else if (beta == 1) {
                for (int i = lo; i < hi; i++) {
                    y[i] = alpha * x[i] + y[i];
                }
            } else {
                for (int i = lo; i < hi; i++) {
                    y[i] = alpha * x[i] + beta * y[i];
                }
            }
        });
    }

    // ---- unary ----

    static double unary(UnaryOp op, double v) {
        switch (op) {
            case IDENTITY:
                return v;
            case NEG:
                return -v;
            case ABS:
                return Math.abs(v);
            case SQUARE:
                return v * v;
            case SQRT:
                return Math.sqrt(v);
            case EXP:
                return Math.exp(v);
            case LOG:
                return Math.log(v);
            case TANH:
                return Math.tanh(v);
            case SIGMOID:
                return 1.0 / (1.0 + Math.exp(-v));
            case RELU:
                return v > 0 ? v : 0;
            case SIGN:
                return Math.signum(v);
            default:
                throw new IllegalArgumentException("op: unknown unary op " + op);
        }
    }

    /** dy * f'(x), given x and y = f(x). */
    static double unaryBackward(UnaryOp op, double x, double y, double dy) {
        switch (op) {
            case IDENTITY:
                return dy;
            case NEG:
                return -dy;
            case ABS:
                return x > 0 ? dy : x < 0 ? -dy : 0 * dy;
            case SQUARE:
                return 2 * x * dy;
            case SQRT:
                return dy * 0.5 / y;
            case EXP:
                return dy * y;
            case LOG:
                return dy / x;
            case TANH:
                return dy * (1 - y * y);
            case SIGMOID:
                return dy * (y * (1 - y));
            case RELU:
                return x > 0 ? dy : 0;
            case SIGN:
                return 0 * dy;
            default:
                throw new IllegalArgumentException("op: unknown unary op " + op);
        }
    }

    static void unary(CpuThreads th, UnaryOp op, float[] x, float[] y) {
        forRange(th, x.length, (lo, hi) -> {
            switch (op) {
                case IDENTITY:
                    if (x != y) {
                        System.arraycopy(x, lo, y, lo, hi - lo);
                    }
                    break;
                case NEG:
                    for (int i = lo; i < hi; i++) {
                        y[i] = -x[i];
                    }
                    break;
                case ABS:
                    for (int i = lo; i < hi; i++) {
                        y[i] = Math.abs(x[i]);
                    }
                    break;
                case SQUARE:
                    for (int i = lo; i < hi; i++) {
                        y[i] = x[i] * x[i];
                    }
                    break;
                case RELU:
                    for (int i = lo; i < hi; i++) {
                        y[i] = x[i] > 0 ? x[i] : 0f;
                    }
                    break;
                default:
                    for (int i = lo; i < hi; i++) {
                        y[i] = (float) unary(op, x[i]);
                    }
            }
        });
    }

    static void unary(CpuThreads th, UnaryOp op, double[] x, double[] y) {
        forRange(th, x.length, (lo, hi) -> {
            switch (op) {
                case IDENTITY:
                    if (x != y) {
                        System.arraycopy(x, lo, y, lo, hi - lo);
                    }
                    break;
                case NEG:
                    for (int i = lo; i < hi; i++) {
                        y[i] = -x[i];
                    }
                    break;
                case SQUARE:
                    for (int i = lo; i < hi; i++) {
                        y[i] = x[i] * x[i];
                    }
                    break;
                default:
                    for (int i = lo; i < hi; i++) {
                        y[i] = unary(op, x[i]);
                    }
            }
        });
    }

    static void unaryBackward(CpuThreads th, UnaryOp op, float[] x, float[] y, float[] dy, float[] dx) {
        forRange(th, x.length, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                dx[i] = (float) unaryBackward(op, x[i], y[i], dy[i]);
            }
        });
    }

    static void unaryBackward(CpuThreads th, UnaryOp op, double[] x, double[] y, double[] dy, double[] dx) {
        forRange(th, x.length, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                dx[i] = unaryBackward(op, x[i], y[i], dy[i]);
            }
        });
    }

    // ---- binary ----

    static void binary(CpuThreads th, BinaryOp op, float[] a, float[] b, float[] out) {
        forRange(th, a.length, (lo, hi) -> {
            switch (op) {
                case ADD:
                    for (int i = lo; i < hi; i++) {
                        out[i] = a[i] + b[i];
                    }
                    break;
                case SUB:
                    for (int i = lo; i < hi; i++) {
                        out[i] = a[i] - b[i];
                    }
                    break;
                case MUL:
                    for (int i = lo; i < hi; i++) {
                        out[i] = a[i] * b[i];
                    }
                    break;
                case DIV:
                    for (int i = lo; i < hi; i++) {
                        out[i] = a[i] / b[i];
                    }
                    break;
                case MAX:
                    for (int i = lo; i < hi; i++) {
                        out[i] = Math.max(a[i], b[i]);
                    }
                    break;
                case MIN:
                    for (int i = lo; i < hi; i++) {
                        out[i] = Math.min(a[i], b[i]);
                    }
                    break;
                default:
                    throw new IllegalArgumentException("op: unknown binary op " + op);
            }
        });
    }

    static void binary(CpuThreads th, BinaryOp op, double[] a, double[] b, double[] out) {
        forRange(th, a.length, (lo, hi) -> {
            switch (op) {
                case ADD:
                    for (int i = lo; i < hi; i++) {
                        out[i] = a[i] + b[i];
                    }
                    break;
                case SUB:
                    for (int i = lo; i < hi; i++) {
                        out[i] = a[i] - b[i];
                    }
                    break;
                case MUL:
                    for (int i = lo; i < hi; i++) {
                        out[i] = a[i] * b[i];
                    }
                    break;
                case DIV:
                    for (int i = lo; i < hi; i++) {
                        out[i] = a[i] / b[i];
                    }
                    break;
                case MAX:
                    for (int i = lo; i < hi; i++) {
                        out[i] = Math.max(a[i], b[i]);
                    }
                    break;
                case MIN:
                    for (int i = lo; i < hi; i++) {
                        out[i] = Math.min(a[i], b[i]);
                    }
                    break;
                default:
                    throw new IllegalArgumentException("op: unknown binary op " + op);
            }
        });
    }

    // ---- row vectors ----

    /** x[r, :] += v over the rows of x viewed as [x.length / cols, cols]. */
    static void addRowVector(CpuThreads th, float[] x, float[] v) {
        int cols = v.length;
        int rows = cols == 0 ? 0 : x.length / cols;
        forRows(th, rows, cols, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int o = r * cols;
                for (int j = 0; j < cols; j++) {
                    x[o + j] += v[j];
                }
            }
        });
    }

    static void addRowVector(CpuThreads th, double[] x, double[] v) {
        int cols = v.length;
        int rows = cols == 0 ? 0 : x.length / cols;
        forRows(th, rows, cols, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int o = r * cols;
                for (int j = 0; j < cols; j++) {
                    x[o + j] += v[j];
                }
            }
        });
    }

    /** Runs body over row ranges of about CHUNK elements each (the split depends on rows and cols only). */
    static void forRows(CpuThreads th, int rows, int cols, Range body) {
        long n = (long) rows * cols;
        if (n < PARALLEL_MIN || th.threads() == 1 || rows < 2) {
            body.run(0, rows);
            return;
        }
        int per = Math.max(1, CHUNK / Math.max(1, cols));
        int tasks = (rows + per - 1) / per;
        th.parallelFor(tasks, t -> body.run(t * per, Math.min(rows, (t + 1) * per)));
    }

    /** out = (accumulate ? out : 0) + sum over rows of x [rows, cols]; sums in double, rows in order. */
    static void sumRows(CpuThreads th, float[] x, float[] out, boolean accumulate) {
        int cols = out.length;
        int rows = cols == 0 ? 0 : x.length / cols;
        forColumns(th, rows, cols, (j0, j1) -> {
            double[] acc = new double[j1 - j0];
            for (int r = 0; r < rows; r++) {
                int o = r * cols + j0;
                for (int j = 0; j < acc.length; j++) {
                    acc[j] += x[o + j];
                }
            }
            for (int j = 0; j < acc.length; j++) {
                out[j0 + j] = (float) (accumulate ? out[j0 + j] + acc[j] : acc[j]);
            }
        });
    }

    static void sumRows(CpuThreads th, double[] x, double[] out, boolean accumulate) {
        int cols = out.length;
        int rows = cols == 0 ? 0 : x.length / cols;
        forColumns(th, rows, cols, (j0, j1) -> {
            double[] acc = new double[j1 - j0];
            for (int r = 0; r < rows; r++) {
                int o = r * cols + j0;
                for (int j = 0; j < acc.length; j++) {
                    acc[j] += x[o + j];
                }
            }
            for (int j = 0; j < acc.length; j++) {
                out[j0 + j] = accumulate ? out[j0 + j] + acc[j] : acc[j];
            }
        });
    }

    /** Runs body over fixed column ranges of 256 columns (in parallel when the matrix is large). */
    private static void forColumns(CpuThreads th, int rows, int cols, Range body) {
        int per = 256;
        int tasks = (cols + per - 1) / per;
        if ((long) rows * cols < PARALLEL_MIN || th.threads() == 1 || tasks < 2) {
            for (int t = 0; t < tasks; t++) {
                body.run(t * per, Math.min(cols, (t + 1) * per));
            }
            return;
        }
        th.parallelFor(tasks, t -> body.run(t * per, Math.min(cols, (t + 1) * per)));
    }

    // ---- reductions ----

    static double sum(CpuThreads th, float[] x) {
        return chunkedSum(th, x.length, (lo, hi) -> {
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            int i = lo;
            for (; i + 3 < hi; i += 4) {
                s0 += x[i];
                s1 += x[i + 1];
                s2 += x[i + 2];
                s3 += x[i + 3];
            }
            for (int q = 0; i < hi; i++, q++) {
                if (q == 0) {
                    s0 += x[i];
                } else if (q == 1) {
                    s1 += x[i];
                } else {
                    s2 += x[i];
                }
            }
            return (s0 + s1) + (s2 + s3);
        });
    }

    static double sum(CpuThreads th, double[] x) {
        return chunkedSum(th, x.length, (lo, hi) -> {
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            int i = lo;
            for (; i + 3 < hi; i += 4) {
                s0 += x[i];
                s1 += x[i + 1];
                s2 += x[i + 2];
                s3 += x[i + 3];
            }
            for (int q = 0; i < hi; i++, q++) {
                if (q == 0) {
                    s0 += x[i];
                } else if (q == 1) {
                    s1 += x[i];
                } else {
                    s2 += x[i];
                }
            }
            return (s0 + s1) + (s2 + s3);
        });
    }

    static double sumOfSquares(CpuThreads th, float[] x) {
        return chunkedSum(th, x.length, (lo, hi) -> {
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            int i = lo;
            for (; i + 3 < hi; i += 4) {
                double v0 = x[i];
                double v1 = x[i + 1];
                double v2 = x[i + 2];
                double v3 = x[i + 3];
                s0 += v0 * v0;
                s1 += v1 * v1;
                s2 += v2 * v2;
                s3 += v3 * v3;
            }
            for (int q = 0; i < hi; i++, q++) {
                double v = x[i];
                if (q == 0) {
                    s0 += v * v;
                } else if (q == 1) {
                    s1 += v * v;
                } else {
                    s2 += v * v;
                }
            }
            return (s0 + s1) + (s2 + s3);
        });
    }

    static double sumOfSquares(CpuThreads th, double[] x) {
        return chunkedSum(th, x.length, (lo, hi) -> {
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            int i = lo;
            for (; i + 3 < hi; i += 4) {
                s0 += x[i] * x[i];
                s1 += x[i + 1] * x[i + 1];
                s2 += x[i + 2] * x[i + 2];
                s3 += x[i + 3] * x[i + 3];
            }
            for (int q = 0; i < hi; i++, q++) {
                if (q == 0) {
                    s0 += x[i] * x[i];
                } else if (q == 1) {
                    s1 += x[i] * x[i];
                } else {
                    s2 += x[i] * x[i];
                }
            }
            return (s0 + s1) + (s2 + s3);
        });
    }

    static boolean allFinite(CpuThreads th, float[] x) {
        // x * 0 is 0 for finite x and NaN for NaN or an infinity; the sum of those is 0 iff all are finite.
        return chunkedSum(th, x.length, (lo, hi) -> {
            float acc = 0;
            for (int i = lo; i < hi; i++) {
                acc += x[i] * 0f;
            }
            return acc;
        }) == 0;
    }

    static boolean allFinite(CpuThreads th, double[] x) {
        return chunkedSum(th, x.length, (lo, hi) -> {
            double acc = 0;
            for (int i = lo; i < hi; i++) {
                acc += x[i] * 0.0;
            }
            return acc;
        }) == 0;
    }

    // ---- indexing ----

    static void gatherRows(CpuThreads th, float[] src, int[] rows, float[] dst, int cols) {
        forRows(th, rows.length, cols, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                System.arraycopy(src, rows[i] * cols, dst, i * cols, cols);
            }
        });
    }

    static void gatherRows(CpuThreads th, double[] src, int[] rows, double[] dst, int cols) {
        forRows(th, rows.length, cols, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                System.arraycopy(src, rows[i] * cols, dst, i * cols, cols);
            }
        });
    }

    /** dst[rows[i], :] += src[i, :] in order of i; parallel over column ranges, so repeated rows add in order. */
    static void scatterAddRows(CpuThreads th, float[] src, int[] rows, float[] dst, int cols) {
        forColumns(th, rows.length, cols, (j0, j1) -> {
            for (int i = 0; i < rows.length; i++) {
                int s = i * cols;
                int d = rows[i] * cols;
                for (int j = j0; j < j1; j++) {
                    dst[d + j] += src[s + j];
                }
            }
        });
    }

    static void scatterAddRows(CpuThreads th, double[] src, int[] rows, double[] dst, int cols) {
        forColumns(th, rows.length, cols, (j0, j1) -> {
            for (int i = 0; i < rows.length; i++) {
                int s = i * cols;
                int d = rows[i] * cols;
                for (int j = j0; j < j1; j++) {
                    dst[d + j] += src[s + j];
                }
            }
        });
    }

    // ---- losses ----

    /** mean((pred - target)^2); dPred (may be null, may be pred itself) = 2 (pred - target) / n. */
    static double mseLoss(CpuThreads th, float[] pred, float[] target, float[] dPred) {
        int n = pred.length;
        double scale = 2.0 / n;
        double s = chunkedSum(th, n, (lo, hi) -> {
            double s0 = 0;
            for (int i = lo; i < hi; i++) {
                double d = (double) pred[i] - target[i];
                s0 += d * d;
                if (dPred != null) {
                    dPred[i] = (float) (scale * d);
                }
            }
            return s0;
        });
        return s / n;
    }

    static double mseLoss(CpuThreads th, double[] pred, double[] target, double[] dPred) {
        int n = pred.length;
        double s = chunkedSum(th, n, (lo, hi) -> {
            double s0 = 0;
            for (int i = lo; i < hi; i++) {
                double d = pred[i] - target[i];
                s0 += d * d;
                if (dPred != null) {
                    dPred[i] = 2 * d / n;
                }
            }
            return s0;
        });
        return s / n;
    }

    // ---- dropout ----

    /** y = keep ? x / (1 - p) : 0 with keep = CounterRng.keep(seed, offset + i, p); y may be x. */
    static void dropout(CpuThreads th, float[] x, float[] y, double p, long seed, long offset) {
        float scale = (float) (1.0 / (1.0 - p));
        forRange(th, x.length, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                y[i] = CounterRng.keep(seed, offset + i, p) ? x[i] * scale : 0f;
            }
        });
    }

    static void dropout(CpuThreads th, double[] x, double[] y, double p, long seed, long offset) {
        double scale = 1.0 / (1.0 - p);
        forRange(th, x.length, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                y[i] = CounterRng.keep(seed, offset + i, p) ? x[i] * scale : 0.0;
            }
        });
    }
}
