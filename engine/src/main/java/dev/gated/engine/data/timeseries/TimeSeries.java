package dev.gated.engine.data.timeseries;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * An immutable multivariate time series: rows are time steps in file order (row 0 is the earliest), and each
 * column is a named series of finite doubles. It records which columns are the model's inputs and which are its
 * targets; a column may be both (univariate forecasting: the input and the target are the same column).
 *
 * <p>{@link #columns()} holds each distinct column once: the input columns in the order given, then the target
 * columns that are not also inputs. Dates, when a date column was read, are kept as the strings of the file.
 */
public final class TimeSeries {
    private final String source;
    private final List<String> columns;
    private final List<String> inputColumns;
    private final List<String> targetColumns;
    /** values[c][t]; never exposed. */
    private final double[][] values;
    private final List<String> dates;
    private final int droppedRows;
    private final int interpolatedCells;

    /**
     * A series from column arrays.
     *
     * @param source        where the data came from, for messages (e.g. a file path)
     * @param inputColumns  names of the input columns (at least one, no duplicates)
     * @param targetColumns names of the target columns (at least one, no duplicates)
     * @param values        one array per column of {@link #columns()} order (inputs, then targets not also inputs),
     *                      all of the same length, all finite; copied
     * @param dates         one date string per row, or null
     */
    public TimeSeries(String source, List<String> inputColumns, List<String> targetColumns, double[][] values,
                      List<String> dates) {
        this(source, inputColumns, targetColumns, values, dates, 0, 0);
    }

    TimeSeries(String source, List<String> inputColumns, List<String> targetColumns, double[][] values,
               List<String> dates, int droppedRows, int interpolatedCells) {
        this.source = source == null ? "<memory>" : source;
        this.inputColumns = List.copyOf(checkNames("inputColumns", inputColumns));
        this.targetColumns = List.copyOf(checkNames("targetColumns", targetColumns));
        this.columns = columnOrder(inputColumns, targetColumns);
        if (values == null || values.length != columns.size()) {
            throw new IllegalArgumentException("values: expected " + columns.size() + " columns " + columns
                    + ", got " + (values == null ? "null" : values.length));
        }
        int n = values[0] == null ? 0 : values[0].length;
        this.values = new double[values.length][];
        for (int c = 0; c < values.length; c++) {
            if (values[c] == null || values[c].length != n) {
                throw new IllegalArgumentException("values[" + c + "] ('" + columns.get(c) + "'): expected " + n
                        + " rows, got " + (values[c] == null ? "null" : values[c].length));
            }
            for (int t = 0; t < n; t++) {
                if (!Double.isFinite(values[c][t])) {
                    throw new IllegalArgumentException("values[" + c + "] ('" + columns.get(c) + "') row " + t
                            + ": expected a finite number, got " + values[c][t]);
                }
            }
            this.values[c] = values[c].clone();
        }
        if (dates != null && dates.size() != n) {
            throw new IllegalArgumentException("dates: expected " + n + " dates, got " + dates.size());
        }
        this.dates = dates == null ? null : Collections.unmodifiableList(new ArrayList<>(dates));
        this.droppedRows = droppedRows;
        this.interpolatedCells = interpolatedCells;
    }

    /**
     * The {@link #columns()} of a series with these inputs and targets: the inputs, then the targets that are not
     * inputs. Checks both lists (non-empty, no null, no duplicates).
     */
    static List<String> columnOrder(List<String> inputColumns, List<String> targetColumns) {
        LinkedHashSet<String> all = new LinkedHashSet<>(checkNames("inputColumns", inputColumns));
        all.addAll(checkNames("targetColumns", targetColumns));
        return List.copyOf(all);
    }

    private static List<String> checkNames(String what, List<String> names) {
        if (names == null || names.isEmpty()) {
            throw new IllegalArgumentException(what + ": expected at least one column name, got "
                    + (names == null ? "null" : "none"));
        }
        if (new LinkedHashSet<>(names).size() != names.size()) {
            throw new IllegalArgumentException(what + ": expected distinct column names, got " + names);
        }
        for (String n : names) {
            if (n == null) {
                throw new IllegalArgumentException(what + ": expected column names, got null in " + names);
            }
        }
        return names;
    }

    /** Where the data came from (a file path), for messages. */
    public String source() {
        return source;
    }

    /** Number of rows (time steps). */
    public int length() {
        return values[0].length;
    }

    /** Each distinct column once: inputs in order, then the targets that are not inputs. */
    public List<String> columns() {
        return columns;
    }

    public List<String> inputColumns() {
        return inputColumns;
    }

    public List<String> targetColumns() {
        return targetColumns;
    }

    /** Index of a column in {@link #columns()}. */
    public int columnIndex(String name) {
        int i = columns.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("column: expected one of " + columns + ", got '" + name + "'");
        }
        return i;
    }

    /** A copy of one column's values, in time order. */
    public double[] column(String name) {
        return values[columnIndex(name)].clone();
    }

    /** The value of column {@code c} (index in {@link #columns()}) at row {@code t}. */
    public double value(int c, int t) {
        return values[c][t];
    }

    /** The value of a named column at row {@code t}. */
    public double value(String name, int t) {
        return values[columnIndex(name)][t];
    }

    /** The date strings, one per row, when a date column was read. */
    public Optional<List<String>> dates() {
        return Optional.ofNullable(dates);
    }

    /** Rows removed by {@link NanPolicy#DROP} when the file was read (0 otherwise). */
    public int droppedRows() {
        return droppedRows;
    }

    /** Cells filled by {@link NanPolicy#INTERPOLATE} when the file was read (0 otherwise). */
    public int interpolatedCells() {
        return interpolatedCells;
    }

    /** Rows {@code [from, to)} as a new series with the same columns (may be empty). */
    public TimeSeries slice(int from, int to) {
        if (from < 0 || to < from || to > length()) {
            throw new IndexOutOfBoundsException("slice: expected 0 <= from <= to <= " + length() + ", got ["
                    + from + ", " + to + ")");
        }
        double[][] part = new double[values.length][];
        for (int c = 0; c < values.length; c++) {
            part[c] = Arrays.copyOfRange(values[c], from, to);
        }
        return new TimeSeries(source, inputColumns, targetColumns, part,
                dates == null ? null : dates.subList(from, to), droppedRows, interpolatedCells);
    }

    /** The same columns and dates with new values (one array per column of {@link #columns()}). */
    TimeSeries withValues(double[][] newValues) {
        return new TimeSeries(source, inputColumns, targetColumns, newValues, dates, droppedRows,
                interpolatedCells);
    }

    @Override
    public String toString() {
        return "TimeSeries[" + source + ", " + length() + " rows, inputs " + inputColumns + ", targets "
                + targetColumns + "]";
    }
}
