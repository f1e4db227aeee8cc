package dev.gated.engine.forecast;

import dev.gated.engine.data.timeseries.DataFormatException;
import dev.gated.engine.data.timeseries.Panel;
import dev.gated.engine.data.timeseries.Series;

import java.util.ArrayList;
import java.util.List;

/**
 * The rows of a rolling-origin backtest: {@code k} folds, each forecasting {@code F} rows at the end of every series
 * (fold 1 the earliest, fold k the last F rows), each training on the rows before its forecast rows only.
 *
 * <p>For a series of n rows, fold i (1-based) forecasts rows {@code [e_i, e_i + F)} with {@code e_i = n - (k - i + 1) F}
 * and trains on {@code [0, e_i)} ({@link BacktestMode#EXPANDING}) or on the {@code e_1} rows before {@code e_i}
 * ({@link BacktestMode#SLIDING}); the last share of those rows, as {@code data.split} divides train from validation,
 * validates. F is {@code fold_size}, else the rows of the job's test split. Everything a fold fits (scaling, MASE
 * scales, the weights) comes from its own training rows, so no value at or after {@code e_i} reaches it.
 */
public final class FoldPlan {
    private final int folds;
    private final BacktestMode mode;
    private final Integer foldSize;
    private final double train;
    private final double validation;

    /**
     * @param foldSize   forecast rows per fold and series; null: the test split's rows of each series
     * @param train      data.split's train fraction
     * @param validation data.split's validation fraction
     */
    public FoldPlan(int folds, BacktestMode mode, Integer foldSize, double train, double validation) {
        if (folds < 1) {
            throw new IllegalArgumentException("folds: expected >= 1, got " + folds);
        }
        this.folds = folds;
        this.mode = mode;
        this.foldSize = foldSize;
        this.train = train;
        this.validation = validation;
    }

    public int folds() {
        return folds;
    }

    /**
     * The rows of fold {@code fold} (1-based) of every series: trained on its own rows, tested on its forecast rows.
     *
     * @throws DataFormatException when a series is too short for the folds
     */
    public List<SeriesRange> ranges(Panel panel, int fold) {
        List<SeriesRange> out = new ArrayList<>();
        for (Series s : panel.series()) {
            int n = s.observed();
            int f = foldRows(s);
            int e1 = n - folds * f;
            if (e1 < 2) {
                throw new DataFormatException(panel.source() + ": " + s.describe() + " has " + n + " rows; " + folds
                        + " folds of " + f + " forecast rows leave " + e1 + " rows to train the first fold on; use "
                        + "fewer forecast.backtest.folds or a smaller forecast.backtest.fold_size");
            }
            int e = n - (folds - fold + 1) * f;
            int start = mode == BacktestMode.EXPANDING ? 0 : e - e1;
            int len = e - start;
            int valRows = (int) Math.round(len * validation / (train + validation));
            out.add(new SeriesRange(start, e - valRows, e, e + f));
        }
        return out;
    }

    /** The rows of fold {@code fold} as seen by the model of fold {@code trainedOn}: its training rows, this test. */
    public List<SeriesRange> ranges(Panel panel, int fold, int trainedOn) {
        List<SeriesRange> model = ranges(panel, trainedOn);
        List<SeriesRange> own = ranges(panel, fold);
        List<SeriesRange> out = new ArrayList<>();
        for (int i = 0; i < own.size(); i++) {
            out.add(model.get(i).testedOn(own.get(i).testStart(), own.get(i).testEnd()));
        }
        return out;
    }

    /** Forecast rows per fold of a series. */
    int foldRows(Series s) {
        if (foldSize != null) {
            return foldSize;
        }
        int n = s.observed();
        int rows = n - SeriesRange.ofFractions(n, train, validation).validationEnd();
        if (rows < 1) {
            throw new DataFormatException(s.describe() + ": the test split has no rows, so a backtest fold has none "
                    + "to forecast; give data.split a test fraction or set forecast.backtest.fold_size");
        }
        return rows;
    }
}
