package dev.gated.engine.config;

import dev.gated.engine.forecast.BacktestMode;

import java.util.Objects;
import java.util.Optional;

/**
 * The {@code forecast.backtest} mapping: rolling-origin evaluation with {@code folds} folds of {@code fold_size}
 * forecast rows each at the end of every series, the last fold's rows being the job's test split by default.
 *
 * <table>
 * <caption>forecast.backtest keys</caption>
 * <tr><th>key</th><th>type</th><th>default</th></tr>
 * <tr><td>{@code folds}</td><td>integer &ge; 1</td><td>3</td></tr>
 * <tr><td>{@code mode}</td><td>{@code expanding | sliding}</td><td>{@code expanding}</td></tr>
 * <tr><td>{@code refit}</td><td>boolean: train a model per fold (else one, on the first fold's rows)</td>
 *     <td>{@code true}</td></tr>
 * <tr><td>{@code fold_size}</td><td>integer &ge; 1, forecast rows per fold and series</td>
 *     <td>the rows of the test split</td></tr>
 * </table>
 */
public record BacktestConfig(int folds, BacktestMode mode, boolean refit, Optional<Integer> foldSize) {
    public static final int DEFAULT_FOLDS = 3;
    public static final BacktestConfig DEFAULT = new BacktestConfig(DEFAULT_FOLDS, BacktestMode.EXPANDING, true,
            Optional.empty());

    public BacktestConfig {
        if (folds < 1) {
            throw new IllegalArgumentException("folds: expected >= 1, got " + folds);
        }
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(foldSize, "foldSize");
    }
}
