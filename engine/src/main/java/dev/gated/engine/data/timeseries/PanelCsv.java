package dev.gated.engine.data.timeseries;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a forecasting CSV file into a {@link Panel}: one series, or several in long format (a series-id column;
 * a series' rows need not be contiguous, and keep their file order), with an optional date column.
 *
 * <p>Checks, each an error naming the file, line and column: every selected column exists (with "did you mean");
 * a series id is never empty; every date cell parses ({@link Dates#EXPECTED}) and dates strictly increase within a
 * series (a repeated or earlier date is named as such); the numeric cells follow {@link CsvParser.Table#number}
 * and the {@link NanPolicy}: {@code error} stops at the first missing value, {@code drop} removes the row and
 * breaks the series there (no window or difference spans the gap), {@code interpolate} fills a gap linearly within
 * its series (a gap at a series' start or end is an error).
 *
 * <p>For prediction ({@code future = true}), a series may end with rows whose target cells are all empty: its
 * future part, where the columns known in advance must have values (and no other column is read).
 */
public final class PanelCsv {
    private PanelCsv() {
    }

    /**
     * The columns a forecasting file is read with.
     *
     * @param idColumn   the series-id column of a long-format file
     * @param dateColumn the date column
     */
    public record Layout(PanelColumns columns, Optional<String> idColumn, Optional<String> dateColumn) {
    }

    /** Reads {@code file}; see the class comment. */
    public static Panel read(Path file, Layout layout, NanPolicy policy, boolean future) {
        return parse(CsvParser.readUtf8(file, "a CSV file"), file.toString(), layout, policy, future);
    }

    /** {@link #read} on CSV text; {@code source} names it in messages. */
    public static Panel parse(String text, String source, Layout layout, NanPolicy policy, boolean future) {
        CsvParser.Table table = CsvParser.table(text, source);
        List<String> names = layout.columns().all();
        int[] idx = new int[names.size()];
        for (int c = 0; c < idx.length; c++) {
            idx[c] = table.column(names.get(c));
        }
        int idIdx = layout.idColumn().map(table::column).orElse(-1);
        int dateIdx = layout.dateColumn().map(table::column).orElse(-1);
        Map<String, List<CsvParser.Record>> groups = new LinkedHashMap<>();
        for (CsvParser.Record r : table.rows()) {
            String id = "";
            if (idIdx >= 0) {
                id = r.fields().get(idIdx).trim();
                if (id.isEmpty()) {
                    throw new DataFormatException(table.where(r, idIdx) + "expected a series id, found an empty cell");
                }
            }
            groups.computeIfAbsent(id, k -> new ArrayList<>()).add(r);
        }
        List<Series> series = new ArrayList<>();
        int[] counts = new int[2];
        Map<Frequency, Integer> frequencies = new HashMap<>();
        List<Built> built = new ArrayList<>();
        for (Map.Entry<String, List<CsvParser.Record>> g : groups.entrySet()) {
            Built b = new Reader(table, layout, idx, dateIdx, g.getKey(), g.getValue(), policy, future).read();
            counts[0] += b.dropped;
            counts[1] += b.interpolated;
            built.add(b);
            if (b.dates != null) {
                Frequency f = Frequency.detect(List.of(b.dates));
                frequencies.merge(f, 1, Integer::sum);
            }
        }
        // The frequency most series share (series of one file normally all share it).
        Optional<Frequency> frequency = frequencies.entrySet().stream().max(Map.Entry.comparingByValue())
                .map(Map.Entry::getKey);
        for (Built b : built) {
            series.add(new Series(b.id, b.values, b.observed, b.dates, b.dateText, b.lines, b.segments,
                    frequency.orElse(null)));
        }
        return new Panel(source, layout.columns(), series, frequency, counts[0], counts[1]);
    }

    /** One series as read, before the panel's frequency is known. */
    private record Built(String id, double[][] values, int observed, LocalDateTime[] dates, List<String> dateText,
                         int[] lines, int[] segments, int dropped, int interpolated) {
    }

    /** Reads the rows of one series. */
    private static final class Reader {
        private final CsvParser.Table table;
        private final Layout layout;
        private final int[] idx;
        private final int dateIdx;
        private final String id;
        private final List<CsvParser.Record> rows;
        private final NanPolicy policy;
        private final boolean future;
        private final int targets;

        Reader(CsvParser.Table table, Layout layout, int[] idx, int dateIdx, String id, List<CsvParser.Record> rows,
               NanPolicy policy, boolean future) {
            this.table = table;
            this.layout = layout;
            this.idx = idx;
            this.dateIdx = dateIdx;
            this.id = id;
            this.rows = rows;
            this.policy = policy;
            this.future = future;
            this.targets = layout.columns().targets().size();
        }

        private String series() {
            return id.isEmpty() ? "the series" : "series '" + id + "'";
        }

        Built read() {
            int n = rows.size();
            LocalDateTime[] dates = dateIdx < 0 ? null : dates();
            int observed = n;
            if (future) {
                while (observed > 0 && targetsEmpty(rows.get(observed - 1))) {
                    observed--;
                }
            }
            List<String> known = layout.columns().known();
            int cols = idx.length;
            double[][] v = new double[cols][n];
            boolean[] missing = new boolean[n];
            for (int r = 0; r < n; r++) {
                CsvParser.Record rec = rows.get(r);
                boolean inFuture = r >= observed;
                for (int c = 0; c < cols; c++) {
                    boolean isKnown = c >= cols - known.size();
                    if (inFuture && !isKnown) {
                        v[c][r] = Double.NaN;
                        continue;
                    }
                    if (inFuture && rec.fields().get(idx[c]).trim().isEmpty()) {
                        throw new DataFormatException(table.where(rec, idx[c]) + "expected a value of the column "
                                + "known in advance for every future row of " + series() + " (the rows after its "
                                + "last target value), found an empty cell");
                    }
                    v[c][r] = table.number(rec, idx[c], inFuture ? NanPolicy.ERROR : policy);
                    missing[r] |= Double.isNaN(v[c][r]);
                }
            }
            List<String> text = dates == null ? null : new ArrayList<>(n);
            int[] lines = new int[n];
            for (int r = 0; r < n; r++) {
                lines[r] = rows.get(r).line();
                if (text != null) {
                    text.add(rows.get(r).fields().get(dateIdx).trim());
                }
            }
            if (policy == NanPolicy.DROP) {
                return drop(v, observed, dates, text, lines, missing);
            }
            int interpolated = 0;
            if (policy == NanPolicy.INTERPOLATE) {
                for (int c = 0; c < cols; c++) {
                    interpolated += interpolate(v[c], observed, c);
                }
            }
            return new Built(id, v, observed, dates, text, lines, new int[] {0}, 0, interpolated);
        }

        private boolean targetsEmpty(CsvParser.Record r) {
            for (int c = 0; c < targets; c++) {
                if (!r.fields().get(idx[c]).trim().isEmpty()) {
                    return false;
                }
            }
            return true;
        }

        /** Every date cell parsed; strictly increasing. */
        private LocalDateTime[] dates() {
            LocalDateTime[] out = new LocalDateTime[rows.size()];
            for (int r = 0; r < rows.size(); r++) {
                CsvParser.Record rec = rows.get(r);
                String cell = rec.fields().get(dateIdx);
                try {
                    out[r] = Dates.parse(cell).dateTime();
                } catch (Dates.InvalidDateException e) {
                    throw new DataFormatException(table.where(rec, dateIdx) + e.getMessage());
                }
                if (r > 0 && !out[r].isAfter(out[r - 1])) {
                    CsvParser.Record prev = rows.get(r - 1);
                    throw new DataFormatException(table.where(rec, dateIdx) + "expected a date after '"
                            + prev.fields().get(dateIdx).trim() + "' (line " + prev.line() + ") in " + series()
                            + ", found '" + cell.trim() + "': dates must increase within a series, and this one is "
                            + (out[r].isEqual(out[r - 1]) ? "repeated" : "earlier (out of order)"));
                }
            }
            return out;
        }

        /** Removes the history rows with a missing value; the row after each removed run starts a new segment. */
        private Built drop(double[][] v, int observed, LocalDateTime[] dates, List<String> text, int[] lines,
                           boolean[] missing) {
            int n = lines.length;
            List<Integer> keep = new ArrayList<>();
            List<Integer> segments = new ArrayList<>(List.of(0));
            boolean gap = false;
            for (int r = 0; r < n; r++) {
                if (r < observed && missing[r]) {
                    gap = true;
                    continue;
                }
                if (gap && !keep.isEmpty()) {
                    segments.add(keep.size());
                }
                gap = false;
                keep.add(r);
            }
            int dropped = n - keep.size();
            if (keep.stream().noneMatch(r -> r < observed)) {
                throw new DataFormatException(table.source() + ": expected at least one row of " + series()
                        + " with a value in every selected column " + layout.columns().all() + ", found none (all "
                        + observed + " rows dropped by nan_policy drop)");
            }
            int k = keep.size();
            double[][] kv = new double[v.length][k];
            LocalDateTime[] kd = dates == null ? null : new LocalDateTime[k];
            List<String> kt = text == null ? null : new ArrayList<>(k);
            int[] kl = new int[k];
            int kept = 0;
            for (int i = 0; i < k; i++) {
                int r = keep.get(i);
                for (int c = 0; c < v.length; c++) {
                    kv[c][i] = v[c][r];
                }
                if (kd != null) {
                    kd[i] = dates[r];
                    kt.add(text.get(r));
                }
                kl[i] = lines[r];
                kept += r < observed ? 1 : 0;
            }
            return new Built(id, kv, kept, kd, kt, kl, segments.stream().mapToInt(Integer::intValue).toArray(),
                    dropped, 0);
        }

        /** Fills the NaN gaps of one column's history linearly by row; returns how many cells were filled. */
        private int interpolate(double[] v, int n, int c) {
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
                int end = t;
                String where = table.source() + ":" + rows.get(start).line() + (end - start > 1 ? "-"
                        + rows.get(end - 1).line() : "") + ": column " + (idx[c] + 1) + " ('"
                        + table.header().get(idx[c]) + "')" + (id.isEmpty() ? "" : " of " + series()) + ": ";
                if (start == 0 && end == n) {
                    throw new DataFormatException(where + "expected at least one value to interpolate from, found "
                            + "only missing values in this column");
                }
                if (start == 0) {
                    throw new DataFormatException(where + "expected a value before the missing value(s) to "
                            + "interpolate from, found a gap at the start (fix the data or use nan_policy drop)");
                }
                if (end == n) {
                    throw new DataFormatException(where + "expected a value after the missing value(s) to "
                            + "interpolate to, found a gap at the end (fix the data or use nan_policy drop)");
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
}
