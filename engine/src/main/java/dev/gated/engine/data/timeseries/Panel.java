package dev.gated.engine.data.timeseries;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The time series of one forecasting file: a single series, or several (a long-format file with a series-id
 * column) that one global model learns together. Every series has the same {@link PanelColumns}.
 *
 * @param source            the file, for messages
 * @param columns           the roles of the numeric columns
 * @param series            in order of first appearance in the file
 * @param frequency         detected from the dates (empty without a date column)
 * @param droppedRows       rows removed by {@code nan_policy: drop}
 * @param interpolatedCells cells filled by {@code nan_policy: interpolate}
 */
public record Panel(String source, PanelColumns columns, List<Series> series, Optional<Frequency> frequency,
                    int droppedRows, int interpolatedCells) {
    public Panel {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(columns, "columns");
        series = List.copyOf(series);
        Objects.requireNonNull(frequency, "frequency");
        if (series.isEmpty()) {
            throw new IllegalArgumentException("series: expected at least one");
        }
    }

    /** One series made in memory (no dates, all rows observed). */
    public static Panel of(PanelColumns columns, Series series) {
        return new Panel("<memory>", columns, List.of(series), Optional.empty(), 0, 0);
    }

    public int size() {
        return series.size();
    }

    public Series get(int i) {
        return series.get(i);
    }

    /** The index of the series with this id, or -1. */
    public int indexOf(String id) {
        for (int i = 0; i < series.size(); i++) {
            if (series.get(i).id().equals(id)) {
                return i;
            }
        }
        return -1;
    }

    /** Whether the file had a series-id column (several series, or one named series). */
    public boolean named() {
        return !series.get(0).id().isEmpty();
    }

    /** The same columns and frequency with other series (a backtest fold's truncated series, poisoned data in tests). */
    public Panel withSeries(List<Series> other) {
        return new Panel(source, columns, other, frequency, droppedRows, interpolatedCells);
    }
}
