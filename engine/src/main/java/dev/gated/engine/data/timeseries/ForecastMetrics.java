package dev.gated.engine.data.timeseries;

/**
 * Point-forecast errors over all samples and outputs, in whatever units the values are given (use original units
 * for reporting): MSE, MAE, RMSE = sqrt(MSE), and MAPE in percent, {@code 100 * mean(|p - a| / |a|)} over the
 * values whose actual {@code a} is not 0 ({@link #mapeCount()} of them; MAPE is NaN if every actual is 0).
 *
 * @param count     number of values compared (samples x outputs)
 * @param mse       mean squared error
 * @param mae       mean absolute error
 * @param rmse      root mean squared error
 * @param mape      mean absolute percentage error, percent
 * @param mapeCount values that entered the MAPE (actual != 0)
 */
public record ForecastMetrics(long count, double mse, double mae, double rmse, double mape, long mapeCount) {

    /** Metrics of {@code predicted} against {@code actual}, element by element (same length, at least one). */
    public static ForecastMetrics of(double[] predicted, double[] actual) {
        Accumulator acc = new Accumulator();
        acc.add(predicted, actual);
        return acc.result();
    }

    /**
     * The naive last-value baseline on {@code windows}: each window's forecast is each target column's value at the
     * window's last step ({@link Windows#lastValue}). Pass windows over the series in original units.
     */
    public static ForecastMetrics lastValueBaseline(Windows windows) {
        if (windows.count() == 0) {
            throw new IllegalArgumentException("baseline: expected at least one window, got none");
        }
        return of(windows.lastValues(0, windows.count()), windows.targets(0, windows.count()));
    }

    /** Sums errors over several batches. */
    public static final class Accumulator {
        private long n;
        private long nPct;
        private double se;
        private double ae;
        private double pct;

        /** Adds element-wise pairs; both arrays the same length. */
        public Accumulator add(double[] predicted, double[] actual) {
            if (predicted.length != actual.length) {
                throw new IllegalArgumentException("metrics: expected as many predictions as actual values, got "
                        + predicted.length + " and " + actual.length);
            }
            for (int i = 0; i < predicted.length; i++) {
                double d = predicted[i] - actual[i];
                se += d * d;
                ae += Math.abs(d);
                if (actual[i] != 0) {
                    pct += Math.abs(d / actual[i]);
                    nPct++;
                }
            }
            n += predicted.length;
            return this;
        }

        public ForecastMetrics result() {
            if (n == 0) {
                throw new IllegalStateException("metrics: expected at least one value, got none");
            }
            double mse = se / n;
            return new ForecastMetrics(n, mse, ae / n, Math.sqrt(mse), nPct == 0 ? Double.NaN : 100 * pct / nPct,
                    nPct);
        }
    }
}
