package dev.gated.engine.forecast;

import dev.gated.engine.data.timeseries.Series;

import java.util.Arrays;

/**
 * What is fitted on one series' training rows and nothing else: per column the mean and standard deviation of the
 * values the network sees (targets differenced when the job differences), used by {@link Scaling#GLOBAL}; and per
 * target the MASE scale, the mean absolute error of the seasonal-naive forecast over the training rows (lag 1
 * without a season).
 *
 * <p>The standard deviation is the population one (divided by n); a column constant over the rows gets 1, so it
 * is only shifted. A row whose difference would reach before the training rows or across a segment break is left
 * out.
 *
 * @param mean      per column of {@code PanelColumns.all()}
 * @param std       per column, &gt; 0
 * @param maseScale per target column; NaN when the rows have no pair {@code season} apart (or the series is constant:
 *                  0 is stored as NaN, so MASE is undefined rather than infinite)
 */
public record SeriesStatistics(String id, double[] mean, double[] std, double[] maseScale) {
    /** A column counts as constant when its std is at most this times max(1, |mean|). */
    static final double CONSTANT = 1e-12;

    public SeriesStatistics {
        mean = mean.clone();
        std = std.clone();
        maseScale = maseScale.clone();
    }

    @Override
    public double[] mean() {
        return mean.clone();
    }

    @Override
    public double[] std() {
        return std.clone();
    }

    @Override
    public double[] maseScale() {
        return maseScale.clone();
    }

    public double mean(int c) {
        return mean[c];
    }

    public double std(int c) {
        return std[c];
    }

    public double maseScale(int j) {
        return maseScale[j];
    }

    /**
     * Fits rows {@code [from, to)} of {@code s}.
     *
     * @param targets    the target columns are 0..targets-1
     * @param difference the targets' differencing lag (0: none)
     * @param season     the MASE lag (1 without a season)
     */
    public static SeriesStatistics fit(Series s, int from, int to, int targets, int difference, int season) {
        int cols = s.columns();
        double[] mean = new double[cols];
        double[] std = new double[cols];
        for (int c = 0; c < cols; c++) {
            int lag = c < targets ? difference : 0;
            double sum = 0;
            int n = 0;
            for (int r = from + lag; r < to; r++) {
                if (r - lag >= s.segmentStart(r)) {
                    sum += work(s, c, r, lag);
                    n++;
                }
            }
            double m = n == 0 ? 0 : sum / n;
            double ss = 0;
            for (int r = from + lag; r < to; r++) {
                if (r - lag >= s.segmentStart(r)) {
                    double d = work(s, c, r, lag) - m;
                    ss += d * d;
                }
            }
            double sd = n == 0 ? 0 : Math.sqrt(ss / n);
            mean[c] = m;
            std[c] = scale(sd, m);
        }
        double[] mase = new double[targets];
        for (int j = 0; j < targets; j++) {
            double sum = 0;
            int n = 0;
            for (int r = from + season; r < to; r++) {
                if (r - season >= s.segmentStart(r)) {
                    sum += Math.abs(s.value(j, r) - s.value(j, r - season));
                    n++;
                }
            }
            mase[j] = n == 0 || sum == 0 ? Double.NaN : sum / n;
        }
        return new SeriesStatistics(s.id(), mean, std, mase);
    }

    /** The standard deviation to divide by: {@code sd}, or 1 for a constant column. */
    static double scale(double sd, double mean) {
        return sd <= CONSTANT * Math.max(1, Math.abs(mean)) ? 1 : sd;
    }

    private static double work(Series s, int c, int r, int lag) {
        return lag == 0 ? s.value(c, r) : s.value(c, r) - s.value(c, r - lag);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SeriesStatistics t && id.equals(t.id) && Arrays.equals(mean, t.mean)
                && Arrays.equals(std, t.std) && Arrays.equals(maseScale, t.maseScale);
    }

    @Override
    public int hashCode() {
        return id.hashCode() * 31 + Arrays.hashCode(mean);
    }
}
