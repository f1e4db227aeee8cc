package dev.gated.engine.forecast;

/**
 * A forecast origin: the last history row of a window. Its forecast is for rows {@code row + 1 .. row + horizon}.
 *
 * @param series index in the panel
 * @param row    row in that series
 */
public record Origin(int series, int row) {
}
