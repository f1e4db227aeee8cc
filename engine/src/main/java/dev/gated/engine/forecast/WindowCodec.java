package dev.gated.engine.forecast;

import dev.gated.engine.data.timeseries.CalendarFeature;
import dev.gated.engine.data.timeseries.PanelColumns;
import dev.gated.engine.data.timeseries.SeriesRows;

import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;

/**
 * Turns the rows around one forecast origin into the network's input and targets, and the network's outputs back
 * into forecasts in the data's units: the one place where differencing, scaling and the change target are applied
 * and inverted, so training, evaluation, prediction, backtests and exported models all agree.
 *
 * <p>For target column j and row r, the <em>working value</em> is {@code w(j, r) = y(j, r) - y(j, r - d)} with the
 * job's difference d (just {@code y} when d = 0; other columns are never differenced). Each column c has a centre
 * {@code m_c} and a scale {@code s_c}: the training rows' mean and standard deviation ({@link Scaling#GLOBAL}), those
 * of the window's own history rows ({@link Scaling#WINDOW}), or 0 and 1 ({@link Scaling#NONE}); a constant column's
 * scale is 1. Inputs are {@code (w(c, r) - m_c) / s_c}. The target for step h is
 * {@code (w(j, o+h) - b_j) / s_j}, where the base {@code b_j} is {@code m_j} ({@link TargetMode#VALUE}) or the
 * origin's own working value {@code w(j, o)} ({@link TargetMode#CHANGE}). Decoding inverts each step exactly:
 * {@code w = out * s_j + b_j}, then {@code y(o+h) = w + y(o+h-d)} with {@code y(o+h-d)} observed or already
 * decoded. Quantiles are decoded one level at a time and then sorted, so they never cross (with d = 1 a level's
 * path is the running sum of that level's steps, an approximation of the sum's quantile).
 */
public final class WindowCodec {
    private final ForecastLayout layout;
    private final int targets;
    /** Indices in {@link PanelColumns#all()}: observed inputs, known columns. */
    private final int[] observed;
    private final int[] known;
    private final List<CalendarFeature> calendar;

    public WindowCodec(ForecastLayout layout) {
        this.layout = layout;
        PanelColumns cols = layout.columns();
        this.targets = cols.targets().size();
        this.observed = indices(cols, cols.observed());
        this.known = indices(cols, cols.known());
        this.calendar = layout.calendar();
    }

    private static int[] indices(PanelColumns cols, List<String> names) {
        int[] idx = new int[names.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = cols.index(names.get(i));
        }
        return idx;
    }

    public ForecastLayout layout() {
        return layout;
    }

    /**
     * One encoded window, with what decoding needs.
     *
     * @param x      the input, {@code [seqLength][inputSize]} row-major
     * @param y      the targets repeated per quantile, {@code [outputSize]} (float64: the batch rounds them to the
     *               model's float32), or null when not asked for
     * @param base   per target, the {@code b_j} of the class comment
     * @param scale  per target, {@code s_j}
     * @param recent per target, {@code y} at rows {@code o - d + 1 .. o} (empty when d = 0)
     */
    public record Encoded(float[] x, double[] y, double[] base, double[] scale, double[][] recent) {
    }

    /**
     * Encodes the window whose last history row is {@code origin}. The rows {@code origin - lookback()} to
     * {@code origin} must hold finite targets and observed inputs (and, with targets, the rows up to
     * {@code origin + modelHorizon()}); future rows need the known columns and dates.
     *
     * @param stats the series' fitted statistics; needed for {@link Scaling#GLOBAL}, else may be null
     * @throws IllegalArgumentException naming the row and column of a value the window needs but does not have
     */
    public Encoded encode(SeriesRows s, SeriesStatistics stats, int origin, boolean withTargets) {
        int w = layout.window();
        int d = layout.difference();
        int hm = layout.modelHorizon();
        int first = origin - w + 1;
        if (first - d < 0) {
            throw new IllegalArgumentException("origin " + origin + ": expected at least " + layout.lookback()
                    + " rows before it (window " + w + ", difference " + d + ")");
        }
        int cols = layout.columns().all().size();
        double[] centre = new double[cols];
        double[] scale = new double[cols];
        for (int c = 0; c < cols; c++) {
            int lag = c < targets ? d : 0;
            switch (layout.scaling()) {
                case GLOBAL -> {
                    if (stats == null) {
                        throw new IllegalArgumentException("global scaling needs the series' fitted statistics");
                    }
                    centre[c] = stats.mean(c);
                    scale[c] = stats.std(c);
                }
                case WINDOW -> {
                    double sum = 0;
                    for (int r = first; r <= origin; r++) {
                        sum += work(s, c, r, lag);
                    }
                    double m = sum / w;
                    double ss = 0;
                    for (int r = first; r <= origin; r++) {
                        double e = work(s, c, r, lag) - m;
                        ss += e * e;
                    }
                    centre[c] = m;
                    scale[c] = SeriesStatistics.scale(Math.sqrt(ss / w), m);
                }
                case NONE -> {
                    centre[c] = 0;
                    scale[c] = 1;
                }
            }
        }
        int steps = layout.seqLength();
        int in = layout.inputSize();
        float[] x = new float[steps * in];
        for (int t = 0; t < steps; t++) {
            int r = first + t;
            boolean future = t >= w;
            int k = t * in;
            for (int c : observed) {
                x[k++] = future ? 0f : (float) ((work(s, c, r, c < targets ? d : 0) - centre[c]) / scale[c]);
            }
            for (int c : known) {
                double v = s.value(c, r);
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException((s.id().isEmpty() ? "" : "series '" + s.id() + "': ")
                            + "known column '" + layout.columns().all().get(c) + "' has no value at row " + r
                            + (future ? " (" + (r - origin) + " steps after the forecast origin)" : ""));
                }
                x[k++] = (float) ((v - centre[c]) / scale[c]);
            }
            if (!calendar.isEmpty()) {
                LocalDateTime date = s.date(r);
                if (date == null) {
                    throw new IllegalArgumentException("calendar features need a date for row " + r);
                }
                for (CalendarFeature f : calendar) {
                    double[] sc = f.encode(date);
                    x[k++] = (float) sc[0];
                    x[k++] = (float) sc[1];
                }
            }
            if (layout.futureRows()) {
                x[k] = future ? 1f : 0f;
            }
        }
        double[] base = new double[targets];
        double[] targetScale = new double[targets];
        double[][] recent = new double[targets][d];
        for (int j = 0; j < targets; j++) {
            base[j] = layout.target() == TargetMode.CHANGE ? work(s, j, origin, d) : centre[j];
            targetScale[j] = scale[j];
            for (int i = 0; i < d; i++) {
                recent[j][i] = s.value(j, origin - d + 1 + i);
            }
        }
        double[] y = null;
        if (withTargets) {
            int q = layout.quantileCount();
            y = new double[layout.outputSize()];
            for (int h = 1; h <= hm; h++) {
                for (int j = 0; j < targets; j++) {
                    double v = s.value(j, origin + h);
                    if (!Double.isFinite(v)) {
                        throw new IllegalArgumentException("target '" + layout.columns().targets().get(j)
                                + "' has no value at row " + (origin + h));
                    }
                    double t = (work(s, j, origin + h, d) - base[j]) / targetScale[j];
                    Arrays.fill(y, ((h - 1) * targets + j) * q, ((h - 1) * targets + j + 1) * q, t);
                }
            }
        }
        return new Encoded(x, y, base, targetScale, recent);
    }

    /**
     * The network's outputs for one window, {@code out[offset .. offset + outputSize())}, as forecasts in the
     * data's units: {@code [modelHorizon][targets][quantileCount]}, quantiles ascending.
     */
    public double[][][] decode(Encoded e, float[] out, int offset) {
        double[] v = new double[layout.outputSize()];
        for (int i = 0; i < v.length; i++) {
            v[i] = out[offset + i];
        }
        return decode(e, v);
    }

    /** {@link #decode(Encoded, float[], int)} of outputs in float64 (tests check the exact inverse this way). */
    public double[][][] decode(Encoded e, double[] out) {
        int hm = layout.modelHorizon();
        int q = layout.quantileCount();
        int d = layout.difference();
        double[][][] f = new double[hm][targets][q];
        for (int j = 0; j < targets; j++) {
            for (int k = 0; k < q; k++) {
                // path[i] = y at row o - d + 1 + i: the observed rows, then the decoded ones.
                double[] path = Arrays.copyOf(e.recent()[j], d + hm);
                for (int h = 1; h <= hm; h++) {
                    double w = out[((h - 1) * targets + j) * q + k] * e.scale()[j] + e.base()[j];
                    double y = d == 0 ? w : w + path[h - 1];
                    path[d + h - 1] = y;
                    f[h - 1][j][k] = y;
                }
            }
            for (int h = 0; h < hm; h++) {
                double[] levels = new double[q];
                for (int k = 0; k < q; k++) {
                    levels[k] = f[h][j][k];
                }
                Arrays.sort(levels);
                for (int k = 0; k < q; k++) {
                    f[h][j][k] = levels[k];
                }
            }
        }
        return f;
    }

    private static double work(SeriesRows s, int c, int r, int lag) {
        return lag == 0 ? s.value(c, r) : s.value(c, r) - s.value(c, r - lag);
    }
}
