package dev.gated.engine.forecast;

import dev.gated.engine.data.timeseries.CalendarFeature;
import dev.gated.engine.data.timeseries.PanelColumns;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The shape of a forecasting model's examples: what one window holds, what the network reads and writes.
 *
 * <p>Input steps: the {@code window} history rows up to and including the forecast origin; when there are
 * covariates known in advance (known columns or calendar features), also the {@link #modelHorizon()} future rows,
 * in which the observed inputs are 0 and a last feature, the future flag, is 1. Features per step: the observed
 * inputs ({@link PanelColumns#observed()} order), the known columns, a (sin, cos) pair per calendar feature, then the
 * future flag when there are future rows. Outputs: {@code modelHorizon x targets x quantiles} values, index
 * {@code (h * targets + j) * quantiles + q}.
 *
 * @param window     history rows per window
 * @param horizon    forecast steps
 * @param difference 0, 1 or a seasonal lag: the targets are differenced {@code y[t] - y[t - difference]}
 * @param quantiles  quantile levels (empty: a point forecast)
 */
public record ForecastLayout(int window, int horizon, Strategy strategy, int difference, Scaling scaling,
                             TargetMode target, PanelColumns columns, List<CalendarFeature> calendar,
                             double[] quantiles) {
    public ForecastLayout {
        if (window < 1 || horizon < 1 || difference < 0) {
            throw new IllegalArgumentException("window, horizon: expected >= 1, difference >= 0, got " + window + ", "
                    + horizon + ", " + difference);
        }
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(scaling, "scaling");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(columns, "columns");
        calendar = List.copyOf(calendar);
        quantiles = quantiles.clone();
    }

    @Override
    public double[] quantiles() {
        return quantiles.clone();
    }

    /** Steps the network forecasts in one pass: the horizon (direct) or 1 (recursive). */
    public int modelHorizon() {
        return strategy == Strategy.DIRECT ? horizon : 1;
    }

    public int targets() {
        return columns.targets().size();
    }

    /** Outputs per horizon step and target: the quantile levels, or 1 for a point forecast. */
    public int quantileCount() {
        return Math.max(1, quantiles.length);
    }

    /** The index of the median among the quantile levels (0 for a point forecast). */
    public int medianIndex() {
        int i = Arrays.binarySearch(quantiles, 0.5);
        return Math.max(0, i);
    }

    /** The quantile level of each network output (its index is {@code (h * targets + j) * quantiles + q}). */
    public double[] outputLevels() {
        double[] out = new double[outputSize()];
        for (int i = 0; i < out.length; i++) {
            out[i] = quantiles[i % quantileCount()];
        }
        return out;
    }

    /** Whether the input holds future rows (there are covariates known in advance). */
    public boolean futureRows() {
        return !columns.known().isEmpty() || !calendar.isEmpty();
    }

    /** Steps of the network's input. */
    public int seqLength() {
        return window + (futureRows() ? modelHorizon() : 0);
    }

    /** Features per input step. */
    public int inputSize() {
        return columns.observed().size() + columns.known().size() + 2 * calendar.size() + (futureRows() ? 1 : 0);
    }

    /** The network's output width. */
    public int outputSize() {
        return modelHorizon() * targets() * quantileCount();
    }

    /** Rows a window needs before its origin (the origin excluded): the history and the differencing lag. */
    public int lookback() {
        return window - 1 + difference;
    }

    /** The feature names of one input step, for messages and the preprocessing record. */
    public List<String> featureNames() {
        List<String> names = new java.util.ArrayList<>(columns.observed());
        names.addAll(columns.known());
        for (CalendarFeature f : calendar) {
            names.add(f.key() + "_sin");
            names.add(f.key() + "_cos");
        }
        if (futureRows()) {
            names.add("future");
        }
        return names;
    }

    /** The output names: {@code <target>@<step>}, with {@code :q<level>} for quantiles. */
    public List<String> outputNames() {
        List<String> names = new java.util.ArrayList<>();
        for (int h = 1; h <= modelHorizon(); h++) {
            for (String t : columns.targets()) {
                if (quantiles.length == 0) {
                    names.add(t + "@" + h);
                } else {
                    for (double q : quantiles) {
                        names.add(t + "@" + h + ":q" + q);
                    }
                }
            }
        }
        return names;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ForecastLayout l && window == l.window && horizon == l.horizon
                && strategy == l.strategy && difference == l.difference && scaling == l.scaling && target == l.target
                && columns.equals(l.columns) && calendar.equals(l.calendar) && Arrays.equals(quantiles, l.quantiles);
    }

    @Override
    public int hashCode() {
        return Objects.hash(window, horizon, strategy, difference, scaling, target, columns, calendar,
                Arrays.hashCode(quantiles));
    }
}
