package dev.gated.engine.data.timeseries;

import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One time series of a {@link Panel}: rows in time order, one value per column of {@link PanelColumns#all()}.
 *
 * <p>Rows {@code [0, observed())} are the history, every target and observed input finite there; rows
 * {@code [observed(), length())} (only in files read for prediction) are the future part, where only the known
 * columns have values (the others are NaN). A row dropped for a missing value ({@code nan_policy: drop}) leaves a
 * break: the rows before and after it lie in different <em>segments</em>, and no window, difference or forecast
 * spans a break. Dates, when the file has a date column, are strictly increasing; past the last row they continue
 * at the panel's {@link Frequency}.
 */
public final class Series implements SeriesRows {
    private final String id;
    private final double[][] values;
    private final int observed;
    private final LocalDateTime[] dates;
    private final List<String> dateText;
    private final int[] lines;
    private final int[] segmentStarts;
    private final Frequency frequency;

    /**
     * @param id            the series id ({@code ""} for a file without an id column)
     * @param values        [column][row]; copied
     * @param observed      rows of history
     * @param dates         one per row, or null without a date column
     * @param dateText      the dates as written, or null
     * @param lines         the 1-based file line of each row, or null (data made in memory)
     * @param segmentStarts ascending row indices where a segment starts, the first 0; copied
     * @param frequency     how dates continue past the last row (null without dates)
     */
    public Series(String id, double[][] values, int observed, LocalDateTime[] dates, List<String> dateText,
                  int[] lines, int[] segmentStarts, Frequency frequency) {
        this.id = Objects.requireNonNull(id, "id");
        int n = values.length == 0 ? 0 : values[0].length;
        this.values = new double[values.length][];
        for (int c = 0; c < values.length; c++) {
            if (values[c].length != n) {
                throw new IllegalArgumentException("values[" + c + "]: expected " + n + " rows, got "
                        + values[c].length);
            }
            this.values[c] = values[c].clone();
        }
        if (observed < 0 || observed > n) {
            throw new IllegalArgumentException("observed: expected 0.." + n + ", got " + observed);
        }
        this.observed = observed;
        if (dates != null && dates.length != n) {
            throw new IllegalArgumentException("dates: expected " + n + ", got " + dates.length);
        }
        this.dates = dates == null ? null : dates.clone();
        this.dateText = dateText == null ? null : List.copyOf(dateText);
        this.lines = lines == null ? null : lines.clone();
        if (segmentStarts.length == 0 || segmentStarts[0] != 0) {
            throw new IllegalArgumentException("segmentStarts: expected to begin with 0, got "
                    + Arrays.toString(segmentStarts));
        }
        this.segmentStarts = segmentStarts.clone();
        this.frequency = frequency;
    }

    /** A single series made in memory: every row observed, one segment, no dates. */
    public static Series of(String id, double[][] values) {
        return new Series(id, values, values.length == 0 ? 0 : values[0].length, null, null, null, new int[] {0},
                null);
    }

    @Override
    public String id() {
        return id;
    }

    /** Rows, history and future part. */
    public int length() {
        return values.length == 0 ? 0 : values[0].length;
    }

    /** Rows of history: every target and observed input has a value. */
    public int observed() {
        return observed;
    }

    public int columns() {
        return values.length;
    }

    /** The value of column {@code c} (index in {@link PanelColumns#all()}) at {@code row}. */
    @Override
    public double value(int c, int row) {
        return values[c][row];
    }

    /** A copy of column {@code c}'s rows {@code [from, to)}. */
    public double[] values(int c, int from, int to) {
        return Arrays.copyOfRange(values[c], from, to);
    }

    public boolean hasDates() {
        return dates != null;
    }

    /**
     * The date of {@code row}; past the last row, continued at the frequency (null without dates or when the
     * frequency is irregular).
     */
    @Override
    public LocalDateTime date(int row) {
        if (dates == null) {
            return null;
        }
        if (row < dates.length) {
            return dates[row];
        }
        return frequency == null || !frequency.regular() || dates.length == 0 ? null
                : frequency.plus(dates[dates.length - 1], row - dates.length + 1);
    }

    /** The date as written in the file; past the last row, {@link #date} in the file's style; else the row number. */
    public String label(int row) {
        if (dateText != null && row < dateText.size()) {
            return dateText.get(row);
        }
        LocalDateTime d = date(row);
        if (d != null && dateText != null && !dateText.isEmpty()) {
            return Dates.format(d, Dates.parse(dateText.get(dateText.size() - 1)).style());
        }
        return d != null ? d.toString() : Integer.toString(row);
    }

    /** The file line of {@code row} (1-based), or -1 for data made in memory. */
    public int line(int row) {
        return lines == null || row < 0 || row >= lines.length ? -1 : lines[row];
    }

    /** The first row of the segment holding {@code row}. */
    public int segmentStart(int row) {
        int i = Arrays.binarySearch(segmentStarts, row);
        return i >= 0 ? segmentStarts[i] : segmentStarts[-i - 2];
    }

    /** One past the last row of the segment holding {@code row}. */
    public int segmentEnd(int row) {
        int i = Arrays.binarySearch(segmentStarts, row);
        int next = i >= 0 ? i + 1 : -i - 1;
        return next < segmentStarts.length ? segmentStarts[next] : length();
    }

    /** Rows where a segment starts, ascending, the first 0. */
    public int[] segmentStarts() {
        return segmentStarts.clone();
    }

    /** "series 'x'" for messages, or "the series" for a file without ids. */
    public String describe() {
        return id.isEmpty() ? "the series" : "series '" + id + "'";
    }

    /** The same series with column {@code c}'s rows from {@code from} on replaced by {@code value} (tests). */
    public Series withValuesFrom(int c, int from, double value) {
        double[][] v = new double[values.length][];
        for (int k = 0; k < v.length; k++) {
            v[k] = values[k].clone();
        }
        Arrays.fill(v[c], from, v[c].length, value);
        return new Series(id, v, observed, dates, dateText, lines, segmentStarts, frequency);
    }
}
