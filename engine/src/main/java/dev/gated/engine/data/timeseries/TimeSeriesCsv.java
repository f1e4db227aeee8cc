package dev.gated.engine.data.timeseries;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads a {@link TimeSeries} from a UTF-8 CSV file: the first non-blank line is a header of column names, every
 * following non-blank line is one time step, oldest first (rows are used in file order; the date column, if any, is
 * kept as text and not parsed or sorted). Separator is the comma; fields may be double-quoted with {@code ""} for a
 * quote inside; lines end with LF or CRLF.
 *
 * <p>Only the selected input and target columns must be numeric: a plain decimal number such as {@code 12},
 * {@code -0.5}, {@code 1.2e-3} (surrounding spaces allowed). Empty cells and {@code nan}/{@code inf} text are
 * missing values handled by the {@link NanPolicy}; any other text is an error. Every row must have as many fields
 * as the header. All errors are {@link DataFormatException}s of the form
 * {@code FILE:LINE: column N ('name'): expected ..., found ...}, with 1-based lines and columns.
 */
public final class TimeSeriesCsv {
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern NON_FINITE = Pattern.compile("[+-]?(nan|inf|infinity)", Pattern.CASE_INSENSITIVE);

    private TimeSeriesCsv() {
    }

    /**
     * Reads the selected columns of a CSV file.
     *
     * @param file          the CSV file
     * @param inputColumns  header names of the model's input features (at least one)
     * @param targetColumns header names of the values to forecast (at least one; may repeat input columns)
     * @param dateColumn    header name of a date/time column kept as text, or null
     * @param policy        what to do with empty cells and NaN/Inf
     * @throws DataFormatException for any problem with the file's content (and a missing or unreadable file)
     */
    public static TimeSeries read(Path file, List<String> inputColumns, List<String> targetColumns,
                                  String dateColumn, NanPolicy policy) {
        if (policy == null) {
            throw new IllegalArgumentException("policy: required, got null");
        }
        return parse(CsvParser.readUtf8(file, "a CSV file"), file.toString(), inputColumns, targetColumns,
                dateColumn, policy);
    }

    /** Same as {@link #read} on CSV text; {@code source} names it in messages. */
    public static TimeSeries parse(String text, String source, List<String> inputColumns,
                                   List<String> targetColumns, String dateColumn, NanPolicy policy) {
        CsvParser.Table table = CsvParser.table(text, source);
        List<String> header = table.header();
        List<String> columns = TimeSeries.columnOrder(inputColumns, targetColumns);
        int[] fileIndex = new int[columns.size()];
        for (int c = 0; c < columns.size(); c++) {
            fileIndex[c] = table.column(columns.get(c));
        }
        int dateIndex = dateColumn == null ? -1 : table.column(dateColumn);

        int rows = table.rows().size();
        double[][] values = new double[columns.size()][rows];
        boolean[] rowMissing = new boolean[rows];
        int[] lines = new int[rows];
        List<String> dates = dateIndex < 0 ? null : new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            CsvParser.Record rec = table.rows().get(r);
            lines[r] = rec.line();
            for (int c = 0; c < columns.size(); c++) {
                String cell = rec.fields().get(fileIndex[c]);
                double v = parseCell(cell, source, rec.line(), fileIndex[c], header.get(fileIndex[c]), policy);
                values[c][r] = v;
                if (Double.isNaN(v)) {
                    rowMissing[r] = true;
                }
            }
            if (dates != null) {
                dates.add(rec.fields().get(dateIndex).trim());
            }
        }

        int dropped = 0;
        int interpolated = 0;
        if (policy == NanPolicy.DROP) {
            int kept = 0;
            for (boolean m : rowMissing) {
                kept += m ? 0 : 1;
            }
            dropped = rows - kept;
            if (kept == 0) {
                throw new DataFormatException(source + ": expected at least one row with a value in every selected "
                        + "column " + columns + ", found none (all " + rows + " rows dropped by nan_policy drop)");
            }
            double[][] keptValues = new double[columns.size()][kept];
            List<String> keptDates = dates == null ? null : new ArrayList<>(kept);
            for (int r = 0, k = 0; r < rows; r++) {
                if (!rowMissing[r]) {
                    for (int c = 0; c < columns.size(); c++) {
                        keptValues[c][k] = values[c][r];
                    }
                    if (keptDates != null) {
                        keptDates.add(dates.get(r));
                    }
                    k++;
                }
            }
            values = keptValues;
            dates = keptDates;
        } else if (policy == NanPolicy.INTERPOLATE) {
            for (int c = 0; c < columns.size(); c++) {
                interpolated += interpolate(values[c], lines, source, fileIndex[c], header.get(fileIndex[c]));
            }
        }
        return new TimeSeries(source, inputColumns, targetColumns, values, dates, dropped, interpolated);
    }

    /** The cell's value, or NaN for a missing value allowed by the policy. */
    private static double parseCell(String cell, String source, int line, int col, String name, NanPolicy policy) {
        String s = cell.trim();
        String where = source + ":" + line + ": column " + (col + 1) + " ('" + name + "'): ";
        if (NUMBER.matcher(s).matches()) {
            double v = Double.parseDouble(s);
            if (Double.isFinite(v)) {
                return v;
            }
            return missing(where, "'" + cell + "' (too large for a double)", policy);
        }
        if (s.isEmpty()) {
            return missing(where, "an empty cell", policy);
        }
        if (NON_FINITE.matcher(s).matches()) {
            return missing(where, "'" + cell + "'", policy);
        }
        throw new DataFormatException(where + "expected a number, found '" + cell + "'");
    }

    private static double missing(String where, String found, NanPolicy policy) {
        if (policy == NanPolicy.ERROR) {
            throw new DataFormatException(where + "expected a finite number, found " + found
                    + " (nan_policy is error; use drop or interpolate to accept missing values)");
        }
        return Double.NaN;
    }

    /** Fills the NaN gaps of one column linearly by row; returns how many cells were filled. */
    private static int interpolate(double[] v, int[] lines, String source, int col, String name) {
        int n = v.length;
        int filled = 0;
        int t = 0;
        while (t < n) {
            if (!Double.isNaN(v[t])) {
                t++;
                continue;
            }
            int start = t;
            while (t < n && Double.isNaN(v[t])) {
                t++;
            }
            int end = t; // gap is [start, end)
            String where = source + ":" + lines[start] + (end - start > 1 ? "-" + lines[end - 1] : "")
                    + ": column " + (col + 1) + " ('" + name + "'): ";
            if (start == 0 && end == n) {
                throw new DataFormatException(where + "expected at least one value to interpolate from, found "
                        + "only missing values in this column");
            }
            if (start == 0) {
                throw new DataFormatException(where + "expected a value before the missing value(s) to interpolate "
                        + "from, found a gap at the start of the column (fix the data or use nan_policy drop)");
            }
            if (end == n) {
                throw new DataFormatException(where + "expected a value after the missing value(s) to interpolate "
                        + "to, found a gap at the end of the column (fix the data or use nan_policy drop)");
            }
            double a = v[start - 1];
            double b = v[end];
            int span = end - (start - 1);
            for (int k = start; k < end; k++) {
                v[k] = a + (b - a) * (k - (start - 1)) / span;
                filled++;
            }
        }
        return filled;
    }
}
