package dev.gated.engine.data.timeseries;

import dev.gated.engine.data.Dataset;
import dev.gated.engine.data.SequenceBatch;
import java.util.Arrays;
import java.util.List;

/**
 * Sliding windows over a {@link TimeSeries} for forecasting.
 *
 * <p>Window {@code k} starts at row {@code start = k * stride} and covers the {@code window} rows
 * {@code [start, start + window)}; its last step is {@code last = start + window - 1}. Its inputs are the input
 * columns over those rows, and its target is the value of each target column at row {@code last + horizon}: with
 * {@code horizon = 1} the step right after the window. A window is made only if that target row exists, so there
 * are {@code max(0, (length - window - horizon) / stride + 1)} windows, the last rows of the series being used only
 * as targets. Windows never reach outside the series they were made from; see {@link ChronologicalSplit} for
 * windowing the parts of a split separately.
 *
 * <p>{@link #batch} gives the windows in the model's {@link SequenceBatch} layout (sequence-major
 * {@code x[T=window, B, I]}, {@code y[B, O]}, every length {@code window}), in whatever units the series is in:
 * window a standardized series ({@link Standardizer#transform(TimeSeries)}) for training.
 */
public final class Windows implements Dataset {
    private final TimeSeries series;
    private final int window;
    private final int horizon;
    private final int stride;
    private final int count;
    private final int[] inputIdx;
    private final int[] targetIdx;

    /**
     * @param series  the rows to window
     * @param window  steps per window, W >= 1
     * @param horizon steps from the window's last step to the target, h >= 1
     * @param stride  steps between consecutive window starts, s >= 1
     */
    public Windows(TimeSeries series, int window, int horizon, int stride) {
        if (series == null) {
            throw new IllegalArgumentException("series: required, got null");
        }
        if (window < 1) {
            throw new IllegalArgumentException("window: expected >= 1, got " + window);
        }
        if (horizon < 1) {
            throw new IllegalArgumentException("horizon: expected >= 1, got " + horizon);
        }
        if (stride < 1) {
            throw new IllegalArgumentException("stride: expected >= 1, got " + stride);
        }
        this.series = series;
        this.window = window;
        this.horizon = horizon;
        this.stride = stride;
        long span = (long) window + horizon;
        this.count = series.length() < span ? 0 : (int) ((series.length() - span) / stride + 1);
        this.inputIdx = indices(series, series.inputColumns());
        this.targetIdx = indices(series, series.targetColumns());
    }

    private static int[] indices(TimeSeries s, List<String> names) {
        int[] idx = new int[names.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = s.columnIndex(names.get(i));
        }
        return idx;
    }

    /** Rows a series needs for at least one window: {@code window + horizon}. */
    public int minRows() {
        return window + horizon;
    }

    /**
     * Throws a clear error when there is no window, naming the part (e.g. "validation") for the message.
     *
     * @return this
     */
    public Windows requireNonEmpty(String part) {
        if (count == 0) {
            throw new IllegalArgumentException(part + " part of " + series.source() + ": expected at least "
                    + minRows() + " rows for one window (window " + window + " + horizon " + horizon + "), found "
                    + series.length() + "; use a shorter window or horizon, or a larger " + part + " fraction");
        }
        return this;
    }

    public TimeSeries series() {
        return series;
    }

    public int window() {
        return window;
    }

    public int horizon() {
        return horizon;
    }

    public int stride() {
        return stride;
    }

    /** Number of windows. */
    public int count() {
        return count;
    }

    public int inputSize() {
        return inputIdx.length;
    }

    public int outputSize() {
        return targetIdx.length;
    }

    /** First row of window {@code k}. */
    public int start(int k) {
        check(k);
        return k * stride;
    }

    /** Last row of window {@code k}: {@code start(k) + window - 1}. */
    public int last(int k) {
        return start(k) + window - 1;
    }

    /** Row of window {@code k}'s target: {@code last(k) + horizon}. */
    public int targetRow(int k) {
        return last(k) + horizon;
    }

    /** Inputs of window {@code k} as {@code [window][inputSize]}. */
    public double[][] inputs(int k) {
        int s = start(k);
        double[][] out = new double[window][inputIdx.length];
        for (int t = 0; t < window; t++) {
            for (int i = 0; i < inputIdx.length; i++) {
                out[t][i] = series.value(inputIdx[i], s + t);
            }
        }
        return out;
    }

    /** Targets of window {@code k}: each target column at {@link #targetRow}. */
    public double[] target(int k) {
        return row(targetIdx, targetRow(k));
    }

    /**
     * The naive last-value forecast for window {@code k}: each target column at the window's last step
     * {@link #last} (read from the series, whether or not the target is also an input).
     */
    public double[] lastValue(int k) {
        return row(targetIdx, last(k));
    }

    private double[] row(int[] idx, int t) {
        double[] out = new double[idx.length];
        for (int o = 0; o < idx.length; o++) {
            out[o] = series.value(idx[o], t);
        }
        return out;
    }

    /** Targets of windows {@code [from, to)} flattened as {@code [B, O]}. */
    public double[] targets(int from, int to) {
        return flatten(from, to, false);
    }

    /** Last-value forecasts of windows {@code [from, to)} flattened as {@code [B, O]}. */
    public double[] lastValues(int from, int to) {
        return flatten(from, to, true);
    }

    private double[] flatten(int from, int to, boolean lastValue) {
        checkRange(from, to);
        int o = targetIdx.length;
        double[] out = new double[(to - from) * o];
        for (int k = from; k < to; k++) {
            double[] v = lastValue ? lastValue(k) : target(k);
            System.arraycopy(v, 0, out, (k - from) * o, o);
        }
        return out;
    }

    @Override
    public int size() {
        return count;
    }

    /**
     * The given windows as one batch: {@code x} is {@code [T=window, B=indices.length, I]} sequence-major
     * (element (t, b, i) at {@code (t*B + b)*I + i}, window {@code indices[b]}), {@code y} is {@code [B, O]},
     * all lengths are {@code window} (no padding).
     */
    @Override
    public SequenceBatch batch(int[] indices) {
        if (indices.length == 0) {
            throw new IllegalArgumentException("batch: expected at least one window, got none");
        }
        int b = indices.length;
        int in = inputIdx.length;
        int out = targetIdx.length;
        float[] x = new float[window * b * in];
        float[] y = new float[b * out];
        for (int k = 0; k < b; k++) {
            check(indices[k]);
            int s = start(indices[k]);
            for (int t = 0; t < window; t++) {
                for (int i = 0; i < in; i++) {
                    x[(t * b + k) * in + i] = (float) series.value(inputIdx[i], s + t);
                }
            }
            double[] target = target(indices[k]);
            for (int o = 0; o < out; o++) {
                y[k * out + o] = (float) target[o];
            }
        }
        int[] lengths = new int[b];
        Arrays.fill(lengths, window);
        return new SequenceBatch(window, b, in, out, x, lengths, y);
    }

    private void check(int k) {
        if (k < 0 || k >= count) {
            throw new IndexOutOfBoundsException("window: expected an index in [0, " + count + "), got " + k);
        }
    }

    private void checkRange(int from, int to) {
        if (from < 0 || to < from || to > count) {
            throw new IndexOutOfBoundsException("windows: expected 0 <= from <= to <= " + count + ", got [" + from
                    + ", " + to + ")");
        }
    }
}
