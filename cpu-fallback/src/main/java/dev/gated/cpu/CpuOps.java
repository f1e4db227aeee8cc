package dev.gated.cpu;

import dev.gated.engine.backend.UnaryOp;

/**
 * What the non-GEMM, non-RNN kernels of {@link CpuBackend} share: how work is split, how reductions are ordered,
 * and the scalar definitions of the unary ops. The kernels themselves are {@link F32Ops} and {@link F64Ops}, both
 * generated from {@code src/main/templates/dev/gated/cpu/Ops.java.tmpl} (edit the template, never the generated
 * file); the row softmaxes are {@link CpuSoftmax}.
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

    // ---- scalar definitions, shared by F32Ops and F64Ops ----

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

    // ---- work splitting ----

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

    /** Runs body over fixed column ranges of 256 columns (in parallel when the matrix is large). */
    static void forColumns(CpuThreads th, int rows, int cols, Range body) {
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
}
