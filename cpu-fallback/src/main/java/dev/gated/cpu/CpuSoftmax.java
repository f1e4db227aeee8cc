package dev.gated.cpu;

/**
 * The row-softmax kernels of {@link CpuBackend}: {@code softmaxRows} and its backward (attention weights) and the
 * fused {@code softmaxCrossEntropy} loss. Arguments are validated by the backend before they get here.
 *
 * <p>One source for float32 and float64: every algorithm reads a row into a double scratch row through
 * {@link Rows} (the only per-dtype code), computes in double, and writes each result once, rounded to the tensor's
 * dtype. That is exactly how the float32 kernels have always computed (in double, rounded once), so float32 and
 * float64 cannot drift apart.
 *
 * <p>Rows are split into fixed ranges of about {@link CpuOps#CHUNK} elements ({@link CpuOps#forRows}), and each
 * row is computed by one thread in column order, so results do not depend on the thread count. A row is read
 * completely before its first element is written, so the output may be an input (in place).
 */
final class CpuSoftmax {
    private CpuSoftmax() {
    }

    /** A float[] or double[] seen as doubles: element reads, whole-row loads and rounded stores. */
    interface Rows {
        double get(int i);

        /** dst[0, n) = this[off, off + n). */
        void load(int off, double[] dst, int n);

        /** this[off, off + n) = src[0, n), rounded to the array's type. */
        void store(double[] src, int off, int n);
    }

    record F32(float[] a) implements Rows {
        @Override
        public double get(int i) {
            return a[i];
        }

        @Override
        public void load(int off, double[] dst, int n) {
            for (int j = 0; j < n; j++) {
                dst[j] = a[off + j];
            }
        }

        @Override
        public void store(double[] src, int off, int n) {
            for (int j = 0; j < n; j++) {
                a[off + j] = (float) src[j];
            }
        }
    }

    record F64(double[] a) implements Rows {
        @Override
        public double get(int i) {
            return a[i];
        }

        @Override
        public void load(int off, double[] dst, int n) {
            System.arraycopy(a, off, dst, 0, n);
        }

        @Override
        public void store(double[] src, int off, int n) {
            System.arraycopy(src, 0, a, off, n);
        }
    }

    /** The tensor's storage as {@link Rows}; null stays null (optional outputs). */
    static Rows rows(CpuTensor t) {
        if (t == null) {
            return null;
        }
        return t.isFloat() ? new F32(t.f()) : new F64(t.d());
    }

    /**
     * y[r, :] = exp(x[r, :] - max) / sum(exp(x[r, :] - max)) over rows of {@code cols} elements; -inf entries get
     * exactly 0. The caller has checked that no row is -inf only ({@code OpChecks.firstFullyMaskedRow}).
     */
    static void softmaxRows(CpuThreads th, Rows x, Rows y, int rows, int cols) {
        CpuOps.forRows(th, rows, cols, (r0, r1) -> {
            double[] e = new double[cols];
            for (int r = r0; r < r1; r++) {
                int o = r * cols;
                x.load(o, e, cols);
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < cols; j++) {
                    max = Math.max(max, e[j]);
                }
                double z = 0;
                for (int j = 0; j < cols; j++) {
                    e[j] = Math.exp(e[j] - max);
                    z += e[j];
                }
                for (int j = 0; j < cols; j++) {
                    e[j] = e[j] / z;
                }
                y.store(e, o, cols);
            }
        });
    }

    /** dx[r, :] = y[r, :] * (dy[r, :] - sum_j dy[r, j] y[r, j]), the dot product summed in column order. */
    static void softmaxRowsBackward(CpuThreads th, Rows y, Rows dy, Rows dx, int rows, int cols) {
        CpuOps.forRows(th, rows, cols, (r0, r1) -> {
            double[] yr = new double[cols];
            double[] g = new double[cols];
            for (int r = r0; r < r1; r++) {
                int o = r * cols;
                y.load(o, yr, cols);
                dy.load(o, g, cols);
                double dot = 0;
                for (int j = 0; j < cols; j++) {
                    dot += g[j] * yr[j];
                }
                for (int j = 0; j < cols; j++) {
                    g[j] = yr[j] * (g[j] - dot);
                }
                dx.store(g, o, cols);
            }
        });
    }

    /**
     * Mean over rows of logsumexp(row) - row[label] (max subtracted first); dLogits (may be null, may be logits
     * itself) = (softmax - onehot) / rows. Row losses are summed like a reduction over rows.
     */
    static double softmaxCrossEntropy(CpuThreads th, Rows logits, int cols, int[] labels, Rows dLogits) {
        int rows = labels.length;
        double[] loss = new double[rows];
        double invN = 1.0 / rows;
        CpuOps.forRows(th, rows, cols, (r0, r1) -> {
            double[] e = new double[cols];
            for (int r = r0; r < r1; r++) {
                int o = r * cols;
                logits.load(o, e, cols);
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < cols; j++) {
                    max = Math.max(max, e[j]);
                }
                double picked = e[labels[r]];
                double z = 0;
                for (int j = 0; j < cols; j++) {
                    e[j] = Math.exp(e[j] - max);
                    z += e[j];
                }
                loss[r] = Math.log(z) + max - picked;
                if (dLogits != null) {
                    for (int j = 0; j < cols; j++) {
                        e[j] = (e[j] / z - (j == labels[r] ? 1 : 0)) * invN;
                    }
                    dLogits.store(e, o, cols);
                }
            }
        });
        return F64Ops.sum(th, loss) / rows;
    }
}
