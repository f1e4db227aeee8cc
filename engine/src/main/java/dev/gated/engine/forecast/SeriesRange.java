package dev.gated.engine.forecast;

import dev.gated.engine.data.timeseries.Series;

import java.util.ArrayList;
import java.util.List;

/**
 * Which rows of one series a run trains on, validates on and tests on: {@code [trainStart, trainEnd)},
 * {@code [trainEnd, validationEnd)}, {@code [testStart, testEnd)}; rows {@code [validationEnd, testStart)} are only
 * history for the test windows (a backtest fold evaluated with an earlier fold's model), and rows past
 * {@code testEnd} are not used at all (a backtest fold's future).
 *
 * <p>A window belongs to the part that holds all its target rows. Training windows also keep their history rows
 * (and the differencing lag) inside the training part; validation and test windows may read history from the
 * parts before theirs, which is data observed before the forecast origin, not a leak. No window spans a segment
 * break.
 */
public record SeriesRange(int trainStart, int trainEnd, int validationEnd, int testStart, int testEnd) {
    public SeriesRange {
        if (!(0 <= trainStart && trainStart <= trainEnd && trainEnd <= validationEnd && validationEnd <= testStart
                && testStart <= testEnd)) {
            throw new IllegalArgumentException("range: expected 0 <= trainStart <= trainEnd <= validationEnd <= "
                    + "testStart <= testEnd, got " + trainStart + ", " + trainEnd + ", " + validationEnd + ", "
                    + testStart + ", " + testEnd);
        }
    }

    /** Test rows right after the validation rows. */
    public SeriesRange(int trainStart, int trainEnd, int validationEnd, int testEnd) {
        this(trainStart, trainEnd, validationEnd, validationEnd, testEnd);
    }

    /** The same training and validation rows, tested on {@code [testStart, testEnd)}. */
    public SeriesRange testedOn(int newTestStart, int newTestEnd) {
        return new SeriesRange(trainStart, trainEnd, validationEnd, newTestStart, newTestEnd);
    }

    /**
     * The chronological split of {@code n} rows by fractions: {@code train = round(n * trainFraction)},
     * {@code validation = round(n * (trainFraction + validationFraction)) - train}, test the rest.
     */
    public static SeriesRange ofFractions(int n, double trainFraction, double validationFraction) {
        int train = (int) Math.round(n * trainFraction);
        int val = Math.min(n, (int) Math.round(n * (trainFraction + validationFraction)));
        return new SeriesRange(0, train, Math.max(train, val), n);
    }

    /** The part's rows {@code [from, to)}: 0 train, 1 validation, 2 test. */
    public int from(int part) {
        return switch (part) {
            case 0 -> trainStart;
            case 1 -> trainEnd;
            default -> testStart;
        };
    }

    public int to(int part) {
        return switch (part) {
            case 0 -> trainEnd;
            case 1 -> validationEnd;
            default -> testEnd;
        };
    }

    /**
     * The origins of a part whose {@code steps} target rows all lie in the part, every {@code stride}-th one
     * (counted from the part's first).
     *
     * @param part     0 train, 1 validation, 2 test
     * @param lookback rows each window reads before its origin
     */
    public List<Origin> origins(Series s, int seriesIndex, int part, int lookback, int steps, int stride) {
        int from = from(part);
        int to = to(part);
        int inputFrom = part == 0 ? trainStart : 0;
        List<Origin> out = new ArrayList<>();
        int first = -1;
        for (int o = Math.max(from - 1, inputFrom + lookback); o + steps < to; o++) {
            if (o - lookback < s.segmentStart(o) || o + steps >= s.segmentEnd(o)) {
                continue;
            }
            if (first < 0) {
                first = o;
            }
            if ((o - first) % stride == 0) {
                out.add(new Origin(seriesIndex, o));
            }
        }
        return out;
    }
}
