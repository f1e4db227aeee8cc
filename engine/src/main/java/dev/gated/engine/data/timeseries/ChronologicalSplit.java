package dev.gated.engine.data.timeseries;

/**
 * A train/validation/test split of a time series by time, with no shuffling: the first rows are for training,
 * the next for validation, the last for testing.
 *
 * <p>The rows are split first and each part is windowed on its own ({@link Parts#windows}), so no window of one
 * part reads an input or a target row of another: nothing of the validation or test period leaks into training,
 * at the cost of the {@code window + horizon - 1} rows at the start of each part being used only as inputs.
 *
 * <p>Sizes, for {@code n} rows: {@code train = round(n * trainFraction)},
 * {@code validation = round(n * (trainFraction + validationFraction)) - train}, test = the rest, where the test
 * fraction is {@code 1 - trainFraction - validationFraction} (it may be 0, as may the validation fraction).
 */
public record ChronologicalSplit(double trainFraction, double validationFraction) {
    public ChronologicalSplit {
        if (!(trainFraction > 0 && trainFraction <= 1)) {
            throw new IllegalArgumentException("trainFraction: expected a fraction in (0, 1], got " + trainFraction);
        }
        if (!(validationFraction >= 0 && trainFraction + validationFraction <= 1 + 1e-9)) {
            throw new IllegalArgumentException("validationFraction: expected a fraction in [0, "
                    + (1 - trainFraction) + "] (train + validation <= 1), got " + validationFraction);
        }
    }

    /** The test fraction, {@code 1 - train - validation}. */
    public double testFraction() {
        return Math.max(0, 1 - trainFraction - validationFraction);
    }

    /** The three parts of a series; the test and validation parts may be empty. */
    public record Parts(TimeSeries train, TimeSeries validation, TimeSeries test) {
        /** Windows over the training part; an error if it has none. */
        public Windows trainWindows(int window, int horizon, int stride) {
            return new Windows(train, window, horizon, stride).requireNonEmpty("train");
        }

        /** Windows over the validation part (possibly none, if the part is too short or empty). */
        public Windows validationWindows(int window, int horizon, int stride) {
            return new Windows(validation, window, horizon, stride);
        }

        /** Windows over the test part (possibly none). */
        public Windows testWindows(int window, int horizon, int stride) {
            return new Windows(test, window, horizon, stride);
        }
    }

    /** Number of rows of the training part for a series of {@code n} rows. */
    public int trainRows(int n) {
        return (int) Math.round(n * trainFraction);
    }

    /** Number of rows of the validation part for a series of {@code n} rows. */
    public int validationRows(int n) {
        return Math.min(n, (int) Math.round(n * (trainFraction + validationFraction))) - trainRows(n);
    }

    /** Splits the rows of {@code series} in time order. */
    public Parts split(TimeSeries series) {
        int n = series.length();
        int train = trainRows(n);
        int trainEnd = Math.min(n, train);
        int valEnd = Math.min(n, trainEnd + validationRows(n));
        if (trainEnd == 0) {
            throw new IllegalArgumentException("split of " + series.source() + ": expected at least one training row, "
                    + "found " + n + " rows x train fraction " + trainFraction + " = 0");
        }
        return new Parts(series.slice(0, trainEnd), series.slice(trainEnd, valEnd), series.slice(valEnd, n));
    }
}
