/**
 * Forecasting data from a CSV time series, for the {@code train} command's forecasting jobs.
 *
 * <p>The pipeline, and its conventions:
 * <ol>
 *   <li>{@link dev.gated.engine.data.timeseries.TimeSeriesCsv#read} reads the chosen input and target columns (and
 *       an optional date column, kept as text) of a CSV file into a
 *       {@link dev.gated.engine.data.timeseries.TimeSeries}. Rows are time steps in file order, oldest first.
 *       Missing values (empty, {@code nan}, {@code inf}) follow the
 *       {@link dev.gated.engine.data.timeseries.NanPolicy}; any other bad content is a
 *       {@link dev.gated.engine.data.timeseries.DataFormatException} naming file, line and column.</li>
 *   <li>{@link dev.gated.engine.data.timeseries.ChronologicalSplit} cuts the rows by time into train, validation
 *       and test parts (in that order, no shuffling). Each part is then windowed on its own, so no window reads
 *       rows of another part.</li>
 *   <li>{@link dev.gated.engine.data.timeseries.Standardizer#fit} learns each column's mean and std on the train
 *       part only; the same parameters transform every part, and {@code toMap()} saves them with the model.</li>
 *   <li>{@link dev.gated.engine.data.timeseries.Windows} makes sliding windows: window {@code k} covers rows
 *       {@code [k*stride, k*stride + window)}, and its target is each target column at the row {@code horizon}
 *       steps after the window's last row ({@code horizon = 1}: the next step). {@code batch(from, to)} gives
 *       {@link dev.gated.engine.data.SequenceBatch}es ({@code x[T, B, I]} sequence-major, {@code y[B, O]}).</li>
 *   <li>Model outputs go back to original units with {@link dev.gated.engine.data.timeseries.Standardizer#inverse}
 *       and are scored with {@link dev.gated.engine.data.timeseries.ForecastMetrics} (MSE, MAE, RMSE, MAPE),
 *       next to {@link dev.gated.engine.data.timeseries.ForecastMetrics#lastValueBaseline}: the forecast "the
 *       target keeps its value at the window's last step".</li>
 * </ol>
 */
package dev.gated.engine.data.timeseries;
