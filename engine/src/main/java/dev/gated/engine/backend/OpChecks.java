package dev.gated.engine.backend;

import java.util.function.BiPredicate;
import java.util.function.IntToDoubleFunction;

/**
 * The argument checks of the {@link Backend} ops that do not depend on a backend's tensor class: missing arguments,
 * shapes, dtypes, indices and scalar values. A backend first checks that the tensors are its own (its
 * {@code own(name, t)}), then calls the op's method here, then checks storage aliasing (which needs its tensor
 * class; the optimizers' state buffers through {@link #separateState} with the backend's storage test), and only
 * then touches data, so every backend rejects a bad call with the same message.
 */
public final class OpChecks {
    private OpChecks() {
    }

    /** The sizes of c = op(a) op(b): op(a) is m x k, op(b) is k x n, c is m x n. */
    public record GemmDims(int m, int n, int k) {
    }

    /** The sizes of c[i] = op(a[i]) op(b[i]) for i in [0, batch): each op(a[i]) is m x k, op(b[i]) k x n. */
    public record BatchedGemmDims(int batch, int m, int n, int k) {
    }

    public static <T> T required(String name, T o) {
        if (o == null) {
            throw new IllegalArgumentException(name + ": required argument is missing (null)");
        }
        return o;
    }

    // ---- memory ----

    public static void allocate(DType dtype, Shape shape) {
        required("dtype", dtype);
        required("shape", shape);
    }

    public static void upload(double[] data, Shape shape, DType dtype) {
        required("data", data);
        uploadShape(data.length, shape, dtype);
    }

    public static void upload(float[] data, Shape shape, DType dtype) {
        required("data", data);
        uploadShape(data.length, shape, dtype);
    }

    private static void uploadShape(int length, Shape shape, DType dtype) {
        required("shape", shape);
        required("dtype", dtype);
        Checks.numel("data", length, shape.numel());
    }

    public static void copy(Tensor src, Tensor dst) {
        Checks.dtype("dst", dst, src.dtype());
        Checks.numel("dst", dst.numel(), src.numel());
    }

    // ---- dense algebra ----

    /** a, b, c are 2-D of one dtype, op(a)'s columns are op(b)'s rows and c is [m, n]; returns m, n, k. */
    public static GemmDims gemm(boolean transA, boolean transB, Tensor a, Tensor b, Tensor c) {
        Checks.rank("a", a, 2);
        Checks.rank("b", b, 2);
        Checks.rank("c", c, 2);
        Checks.dtype("b", b, a.dtype());
        Checks.dtype("c", c, a.dtype());
        Shape as = a.shape();
        Shape bs = b.shape();
        int m = transA ? as.dim(1) : as.dim(0);
        int k = transA ? as.dim(0) : as.dim(1);
        int kb = transB ? bs.dim(1) : bs.dim(0);
        int n = transB ? bs.dim(0) : bs.dim(1);
        if (k != kb) {
            throw new IllegalArgumentException("b: op(a) is " + Shape.of(m, k) + " (a " + as + (transA ? " transposed" : "")
                    + ") so op(b) needs " + k + " rows, got op(b) " + Shape.of(kb, n) + " (b " + bs
                    + (transB ? " transposed" : "") + "): inner dimensions " + k + " and " + kb + " differ");
        }
        Checks.shape("c", c, Shape.of(m, n));
        return new GemmDims(m, n, k);
    }

    /**
     * a, b, c are 3-D [batch, rows, cols] of one dtype with the same leading axis, op(a[i])'s columns are op(b[i])'s
     * rows and c is [batch, m, n]; returns batch, m, n, k.
     */
    public static BatchedGemmDims batchedGemm(boolean transA, boolean transB, Tensor a, Tensor b, Tensor c) {
        Checks.rank("a", a, 3);
        Checks.rank("b", b, 3);
        Checks.rank("c", c, 3);
        Checks.dtype("b", b, a.dtype());
        Checks.dtype("c", c, a.dtype());
        Shape as = a.shape();
        Shape bs = b.shape();
        int batch = as.dim(0);
        if (bs.dim(0) != batch) {
            throw new IllegalArgumentException("b: expected a leading (batch) axis of " + batch + " (a is " + as
                    + "), got " + bs.dim(0) + " in shape " + bs);
        }
        int m = transA ? as.dim(2) : as.dim(1);
        int k = transA ? as.dim(1) : as.dim(2);
        int kb = transB ? bs.dim(2) : bs.dim(1);
        int n = transB ? bs.dim(1) : bs.dim(2);
        if (k != kb) {
            throw new IllegalArgumentException("b: op(a[i]) is " + Shape.of(m, k) + " (a " + as
                    + (transA ? " transposed per item" : "") + ") so op(b[i]) needs " + k + " rows, got op(b[i]) "
                    + Shape.of(kb, n) + " (b " + bs + (transB ? " transposed per item" : "") + "): inner dimensions "
                    + k + " and " + kb + " differ");
        }
        Checks.shape("c", c, Shape.of(batch, m, n));
        return new BatchedGemmDims(batch, m, n, k);
    }

    public static void axpby(Tensor x, Tensor y) {
        Checks.sameShape("y", y, "x", x);
    }

    // ---- element-wise ----

    public static void unary(Tensor x, Tensor y) {
        Checks.sameShape("y", y, "x", x);
    }

    public static void unaryBackward(Tensor x, Tensor y, Tensor dy, Tensor dx) {
        Checks.sameShape("y", y, "x", x);
        Checks.sameShape("dy", dy, "x", x);
        Checks.sameShape("dx", dx, "x", x);
    }

    public static void binary(Tensor a, Tensor b, Tensor out) {
        Checks.sameShape("b", b, "a", a);
        Checks.sameShape("out", out, "a", a);
    }

    public static void addRowVector(Tensor x, Tensor v) {
        rowVector("v", v, x);
    }

    public static void sumRows(Tensor x, Tensor out) {
        rowVector("out", out, x);
    }

    /** y is like x (it may be x itself), which has rank >= 1; returns the row length (x's last axis). */
    public static int softmaxRows(Tensor x, Tensor y) {
        Checks.sameShape("y", y, "x", x);
        return lastAxis("x", x);
    }

    /** dy and dx are like y (dx may be dy or y itself), which has rank >= 1; returns the row length. */
    public static int softmaxRowsBackward(Tensor y, Tensor dy, Tensor dx) {
        Checks.sameShape("dy", dy, "y", y);
        Checks.sameShape("dx", dx, "y", y);
        return lastAxis("y", y);
    }

    /**
     * The first row of x's 2-D view [rows, cols] whose entries are all -inf (or that has no entries), or -1: softmax
     * cannot normalise such a row, as every entry would get probability 0. Stops at a row's first other entry, so it
     * costs about one read per row on masked attention scores. {@code at(i)} reads element i of x.
     */
    public static int firstFullyMaskedRow(int rows, int cols, IntToDoubleFunction at) {
        for (int r = 0; r < rows; r++) {
            int j = 0;
            while (j < cols && at.applyAsDouble(r * cols + j) == Double.NEGATIVE_INFINITY) {
                j++;
            }
            if (j == cols) {
                return r;
            }
        }
        return -1;
    }

    /** The error for {@link #firstFullyMaskedRow}'s row, the same on every backend. */
    public static IllegalArgumentException fullyMaskedRow(Tensor x, int row) {
        return new IllegalArgumentException("x: expected at least one entry above -inf in every row (a masked entry "
                + "gets probability 0, so a row of -inf only cannot be normalised), got row " + row + " of x "
                + x.shape() + " with every entry -inf");
    }

    /** {@code vec} has x's dtype and as many elements as x's last axis. */
    private static void rowVector(String name, Tensor vec, Tensor x) {
        Checks.dtype(name, vec, x.dtype());
        int cols = lastAxis("x", x);
        if (vec.numel() != cols) {
            throw new IllegalArgumentException(name + ": expected a vector of x's last axis length " + cols + " (x is "
                    + x.shape() + "), got " + vec.numel() + " elements " + vec.shape());
        }
    }

    /** The length of t's last axis (the columns of its 2-D view); t must have rank >= 1. */
    private static int lastAxis(String name, Tensor t) {
        if (t.shape().rank() < 1) {
            throw new IllegalArgumentException(name + ": expected a tensor of rank >= 1, got shape " + t.shape());
        }
        return t.shape().dim(t.shape().rank() - 1);
    }

    // ---- indexing ----

    /** dst's 2-D view is [rows.length, src's last axis] and every row indexes src; returns the row length. */
    public static int gatherRows(Tensor src, int[] rows, Tensor dst) {
        return indexedRows(src, rows, dst, "src", src, "dst", dst);
    }

    /** src's 2-D view is [rows.length, dst's last axis] and every row indexes dst; returns the row length. */
    public static int scatterAddRows(Tensor src, int[] rows, Tensor dst) {
        return indexedRows(src, rows, dst, "dst", dst, "src", src);
    }

    /** rows index the rows of {@code table}; {@code dense} holds one row per index, as long as table's. */
    private static int indexedRows(Tensor src, int[] rows, Tensor dst, String tableName, Tensor table,
                                   String denseName, Tensor dense) {
        required("rows", rows);
        Checks.dtype("dst", dst, src.dtype());
        int cols = lastAxis(tableName, table);
        checkRowCount(denseName, dense, rows.length, cols, tableName, table);
        checkRows(rows, table.shape().rows(), tableName, table);
        return cols;
    }

    /** t's 2-D view must be [count, cols]: one row per entry of rows, rows as long as ref's. */
    private static void checkRowCount(String name, Tensor t, int count, int cols, String refName, Tensor ref) {
        int tCols = lastAxis(name, t);
        if (tCols != cols) {
            throw new IllegalArgumentException(name + ": expected rows of " + cols + " elements (the last axis of "
                    + refName + " " + ref.shape() + "), got shape " + t.shape() + " with rows of " + tCols);
        }
        if (t.shape().rows() != count) {
            throw new IllegalArgumentException(name + ": expected " + count + " rows (one per entry of rows, "
                    + "rows.length = " + count + "), got " + t.shape().rows() + " rows in shape " + t.shape());
        }
    }

    /** Every rows[i] must index a row of ref's 2-D view. */
    private static void checkRows(int[] rows, int limit, String refName, Tensor ref) {
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= limit) {
                throw new IllegalArgumentException("rows[" + i + "]: expected a row index in [0, " + limit + ") ("
                        + refName + " " + ref.shape() + " has " + limit + " rows), got " + rows[i]);
            }
        }
    }

    // ---- losses ----

    /** target and dPred (optional) are like pred, which is not empty. */
    public static void mseLoss(Tensor pred, Tensor target, Tensor dPred) {
        Checks.sameShape("target", target, "pred", pred);
        if (dPred != null) {
            Checks.sameShape("dPred", dPred, "pred", pred);
        }
        if (pred.numel() == 0) {
            throw new IllegalArgumentException("pred: expected at least one element, got shape " + pred.shape());
        }
    }

    /**
     * logits' 2-D view has at least one row and one class, there is one label in [0, classes) per row, and
     * dLogits (optional) is like logits; returns the number of classes (logits' last axis).
     */
    public static int softmaxCrossEntropy(Tensor logits, int[] labels, Tensor dLogits) {
        required("labels", labels);
        int classes = lastAxis("logits", logits);
        int rows = logits.shape().rows();
        if (classes == 0 || rows == 0) {
            throw new IllegalArgumentException("logits: expected at least one row and one class, got shape "
                    + logits.shape());
        }
        if (labels.length != rows) {
            throw new IllegalArgumentException("labels: expected " + rows + " labels (one per row of logits "
                    + logits.shape() + "), got " + labels.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("labels[" + i + "]: expected a class in [0, " + classes
                        + ") (logits " + logits.shape() + "), got " + labels[i]);
            }
        }
        if (dLogits != null) {
            Checks.sameShape("dLogits", dLogits, "logits", logits);
        }
        return classes;
    }

    public static void dropout(Tensor x, Tensor y, double p) {
        Checks.sameShape("y", y, "x", x);
        Checks.inRange("p", p, 0, 1);
    }

    // ---- optimizers ----

    /**
     * grad is like param, steps count from 1, and momentumBuffer is like param: required when momentum is not 0,
     * otherwise optional (and then ignored by the step).
     */
    public static void sgdStep(Tensor param, Tensor grad, Tensor momentumBuffer, SgdConfig config, long step) {
        required("config", config);
        Checks.sameShape("grad", grad, "param", param);
        step(step);
        if (config.momentum() != 0 && momentumBuffer == null) {
            throw new IllegalArgumentException("momentumBuffer: required when momentum > 0 (momentum="
                    + config.momentum() + "), got null");
        }
        if (momentumBuffer != null) {
            Checks.sameShape("momentumBuffer", momentumBuffer, "param", param);
        }
    }

    /** grad, m and v are like param and steps count from 1. */
    public static void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, AdamConfig config, long step) {
        required("config", config);
        Checks.sameShape("grad", grad, "param", param);
        Checks.sameShape("m", m, "param", param);
        Checks.sameShape("v", v, "param", param);
        step(step);
    }

    /**
     * grad and squareAvg are like param and steps count from 1; momentumBuffer is required when momentum is not 0
     * and gradAvg when centered, otherwise each is optional (and then ignored by the step); given, each is like param.
     */
    public static void rmspropStep(Tensor param, Tensor grad, Tensor squareAvg, Tensor momentumBuffer, Tensor gradAvg,
                                   RmspropConfig config, long step) {
        required("config", config);
        Checks.sameShape("grad", grad, "param", param);
        Checks.sameShape("squareAvg", squareAvg, "param", param);
        step(step);
        optionalState("momentumBuffer", momentumBuffer, config.momentum() != 0,
                "momentum > 0 (momentum=" + config.momentum() + ")", param);
        optionalState("gradAvg", gradAvg, config.centered(), "centered", param);
    }

    /** grad and stateSum are like param and steps count from 1. */
    public static void adagradStep(Tensor param, Tensor grad, Tensor stateSum, AdagradConfig config, long step) {
        required("config", config);
        Checks.sameShape("grad", grad, "param", param);
        Checks.sameShape("stateSum", stateSum, "param", param);
        step(step);
    }

    /** A state tensor that is required when {@code used}; when unused it may be null (or is checked and ignored). */
    private static void optionalState(String name, Tensor t, boolean used, String when, Tensor param) {
        if (t == null) {
            if (used) {
                throw new IllegalArgumentException(name + ": required when " + when + ", got null");
            }
            return;
        }
        Checks.sameShape(name, t, "param", param);
    }

    /**
     * An optimizer's state buffers (null entries: not used) share storage neither with param or grad nor with each
     * other, as the step reads and writes them in place. Takes the backend's storage test, as only it knows its
     * tensor class.
     */
    @SafeVarargs
    public static <T> void separateState(BiPredicate<? super T, ? super T> sharesStorage, T param, T grad,
                                         String[] names, T... state) {
        if (names.length != state.length) {
            throw new IllegalArgumentException("names: expected one per state buffer (" + state.length + "), got "
                    + names.length);
        }
        for (int i = 0; i < state.length; i++) {
            if (state[i] == null) {
                continue;
            }
            if (sharesStorage.test(state[i], param) || sharesStorage.test(state[i], grad)) {
                throw new IllegalArgumentException(names[i] + ": must not share storage with param or grad");
            }
            for (int j = i + 1; j < state.length; j++) {
                if (state[j] != null && sharesStorage.test(state[i], state[j])) {
                    throw new IllegalArgumentException(names[i] + ", " + names[j]
                            + ": must be separate buffers, not sharing storage");
                }
            }
        }
    }

    /** Optimizer steps count from 1 (Adam's bias correction divides by 1 - beta^step). */
    public static void step(long step) {
        if (step < 1) {
            throw new IllegalArgumentException("step: expected >= 1 (steps count from 1), got " + step);
        }
    }
}
