package dev.gated.engine.config;

import dev.gated.engine.forecast.Scaling;
import dev.gated.engine.forecast.Strategy;
import dev.gated.engine.forecast.TargetMode;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code forecast} section of a job file (task {@code forecast} only; the whole section may be left out).
 *
 * <table>
 * <caption>forecast keys</caption>
 * <tr><th>key</th><th>type</th><th>default</th></tr>
 * <tr><td>{@code scaling}</td><td>{@code global | window | none}</td><td>{@link #defaultScaling}: global, window with
 *     difference 0</td></tr>
 * <tr><td>{@code difference}</td><td>integer &ge; 0: 0 none, 1 first differences, k the seasonal difference
 *     {@code y[t] - y[t-k]} of the targets</td><td>{@link #DEFAULT_DIFFERENCE} (with quantiles
 *     {@link #DEFAULT_QUANTILE_DIFFERENCE})</td></tr>
 * <tr><td>{@code target}</td><td>{@code value | change}</td><td>{@link #DEFAULT_TARGET} (with quantiles
 *     {@link #DEFAULT_QUANTILE_TARGET})</td></tr>
 * <tr><td>{@code season}</td><td>integer &ge; 1 (1: none) or {@code auto} (from the dates' frequency)</td>
 *     <td>{@code auto}</td></tr>
 * <tr><td>{@code strategy}</td><td>{@code direct | recursive}</td><td>{@code direct}</td></tr>
 * <tr><td>{@code quantiles}</td><td>levels in (0, 1) for a probabilistic forecast (0.5 is added: it is the point
 *     forecast)</td><td>none (point forecast, MSE)</td></tr>
 * <tr><td>{@code moving_average}</td><td>integer &ge; 1: the steps the moving-average baseline averages</td>
 *     <td>{@code data.window}</td></tr>
 * <tr><td>{@code backtest}</td><td>mapping, see {@link BacktestConfig}</td><td>3 expanding folds, refit</td></tr>
 * </table>
 *
 * @param season    empty: detected from the dates (1 without a date column)
 * @param quantiles sorted, distinct, containing 0.5 when not empty
 */
public record ForecastConfig(Scaling scaling, int difference, TargetMode target, Optional<Integer> season,
                             Strategy strategy, List<Double> quantiles, Optional<Integer> movingAverage,
                             BacktestConfig backtest) {
    public static final int DEFAULT_DIFFERENCE = 1;
    public static final TargetMode DEFAULT_TARGET = TargetMode.VALUE;
    /**
     * With quantiles the defaults are difference 0 and target change: the network then predicts the quantiles of
     * {@code y[t+k] - y[t]} directly. Differenced quantiles would have to be summed over the horizon, which widens
     * the intervals (measured: 99 % coverage for a nominal 80 % interval on the synthetic example, 84 % this way).
     */
    public static final int DEFAULT_QUANTILE_DIFFERENCE = 0;
    public static final TargetMode DEFAULT_QUANTILE_TARGET = TargetMode.CHANGE;
    public static final ForecastConfig DEFAULT = new ForecastConfig(defaultScaling(DEFAULT_DIFFERENCE),
            DEFAULT_DIFFERENCE, DEFAULT_TARGET, Optional.empty(), Strategy.DIRECT, List.of(), Optional.empty(),
            BacktestConfig.DEFAULT);

    public ForecastConfig {
        Objects.requireNonNull(scaling, "scaling");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(season, "season");
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(movingAverage, "movingAverage");
        Objects.requireNonNull(backtest, "backtest");
        if (difference < 0) {
            throw new IllegalArgumentException("difference: expected >= 0, got " + difference);
        }
        quantiles = List.copyOf(quantiles);
        for (int i = 0; i < quantiles.size(); i++) {
            double q = quantiles.get(i);
            if (!(q > 0 && q < 1) || (i > 0 && !(q > quantiles.get(i - 1)))) {
                throw new IllegalArgumentException("quantiles: expected increasing levels in (0, 1), got " + quantiles);
            }
        }
        if (!quantiles.isEmpty() && !quantiles.contains(0.5)) {
            throw new IllegalArgumentException("quantiles: expected the median 0.5 among " + quantiles);
        }
    }

    /**
     * The scaling when the job names none: global for differenced targets (the differences of a trending series
     * stay in the range the training rows span, and the training statistics are the steadier estimate), window for
     * undifferenced ones (only a window's own statistics follow a level out of the training range). Measured on
     * the bundled series, docs/FORECASTING.md.
     */
    public static Scaling defaultScaling(int difference) {
        return difference == 0 ? Scaling.WINDOW : Scaling.GLOBAL;
    }

    /** This section with another scaling. */
    public ForecastConfig withScaling(Scaling other) {
        return new ForecastConfig(other, difference, target, season, strategy, quantiles, movingAverage, backtest);
    }

    /** Whether the forecast is probabilistic (quantile loss). */
    public boolean probabilistic() {
        return !quantiles.isEmpty();
    }
}
