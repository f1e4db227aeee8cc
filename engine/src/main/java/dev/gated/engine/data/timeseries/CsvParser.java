package dev.gated.engine.data.timeseries;

import dev.gated.engine.util.Suggestions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A small RFC 4180 style CSV parser: comma separator, fields optionally in double quotes (a quoted field may hold
 * commas, line breaks and {@code ""} for one quote), records ended by LF or CRLF (a lone CR is also accepted), an
 * optional UTF-8 byte order mark at the start. Blank lines (no characters at all) are skipped. Unquoted fields are
 * returned exactly as written (no trimming).
 *
 * <p>{@link #readTable} and {@link Table} add what every reader of a headed CSV needs (UTF-8 decoding, the header,
 * columns by name, numeric cells under a {@link NanPolicy}), with error messages of the form
 * {@code FILE:LINE: column N ('name'): expected ..., found ...}.
 */
public final class CsvParser {
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern NON_FINITE = Pattern.compile("[+-]?(nan|inf|infinity)", Pattern.CASE_INSENSITIVE);

    /** One record and the 1-based line it starts on. */
    public record Record(int line, List<String> fields) {
    }

    /** The field separator of a tab-separated file; such files have no quoting (IANA text/tab-separated-values). */
    public static final char TAB = '\t';

    private final String text;
    private final String source;
    private final char delimiter;
    private int pos;
    private int line = 1;

    public CsvParser(String text, String source) {
        this(text, source, ',');
    }

    /**
     * @param delimiter {@code ','} (CSV, with RFC 4180 quoting) or {@link #TAB} (TSV: every character but the tab
     *                  and the line end is field text, quotes included)
     */
    public CsvParser(String text, String source, char delimiter) {
        this.text = text.startsWith("\uFEFF") ? text.substring(1) : text;
        this.source = source;
        this.delimiter = delimiter;
    }

    /** {@link #TAB} for a file name ending in {@code .tsv} (any case), else {@code ','}. */
    public static char delimiterOf(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        return name.toLowerCase(java.util.Locale.ROOT).endsWith(".tsv") ? TAB : ',';
    }

    /** All records of the text, blank lines skipped. */
    public List<Record> records() {
        List<Record> out = new ArrayList<>();
        while (pos < text.length()) {
            if (atLineEnd()) {
                skipLineEnd();
                continue;
            }
            out.add(next());
        }
        return out;
    }

    private boolean atLineEnd() {
        char c = text.charAt(pos);
        return c == '\n' || c == '\r';
    }

    private void skipLineEnd() {
        if (text.charAt(pos) == '\r' && pos + 1 < text.length() && text.charAt(pos + 1) == '\n') {
            pos++;
        }
        pos++;
        line++;
    }

    private Record next() {
        int startLine = line;
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        while (true) {
            if (delimiter != TAB && pos < text.length() && text.charAt(pos) == '"') {
                int quoteLine = line;
                int column = fields.size() + 1;
                pos++;
                while (true) {
                    if (pos >= text.length()) {
                        throw new DataFormatException(source + ":" + quoteLine + ": column " + column
                                + ": expected a closing '\"' for the quoted field opened on line " + quoteLine
                                + ", found the end of the file");
                    }
                    char c = text.charAt(pos);
                    if (c == '"') {
                        if (pos + 1 < text.length() && text.charAt(pos + 1) == '"') {
                            field.append('"');
                            pos += 2;
                            continue;
                        }
                        pos++;
                        break;
                    }
                    if (c == '\n' || (c == '\r' && !(pos + 1 < text.length() && text.charAt(pos + 1) == '\n'))) {
                        line++;
                    }
                    field.append(c);
                    pos++;
                }
                if (pos < text.length() && text.charAt(pos) != delimiter && !atLineEnd()) {
                    throw new DataFormatException(source + ":" + line + ": column " + column
                            + ": expected ',' or the end of the line after a closing '\"', found '"
                            + text.charAt(pos) + "'");
                }
            } else {
                while (pos < text.length() && text.charAt(pos) != delimiter && !atLineEnd()) {
                    char c = text.charAt(pos);
                    if (c == '"' && delimiter != TAB) {
                        throw new DataFormatException(source + ":" + line + ": column " + (fields.size() + 1)
                                + ": expected a quote only at the start of a field, found '\"' inside the field '"
                                + field + "\"...'; put the whole field in quotes and double the quote");
                    }
                    field.append(c);
                    pos++;
                }
            }
            fields.add(field.toString());
            field.setLength(0);
            if (pos >= text.length()) {
                return new Record(startLine, fields);
            }
            if (text.charAt(pos) == delimiter) {
                pos++;
                continue;
            }
            skipLineEnd();
            return new Record(startLine, fields);
        }
    }

    // ---- headed tables ----

    /**
     * The text of a UTF-8 file, a byte order mark included.
     *
     * @param what what the file should be, for the message when it is missing (e.g. "a CSV file")
     * @throws DataFormatException if the file does not exist or is not UTF-8
     */
    public static String readUtf8(Path file, String what) {
        return readUtf8(file, what, false);
    }

    /**
     * As {@link #readUtf8(Path, String)}; with {@code gunzip} a file whose name ends in {@code .gz} is gzip-
     * decompressed first (a long bundled text, e.g. examples/text/kjv.txt.gz).
     */
    public static String readUtf8(Path file, String what, boolean gunzip) {
        String src = file.toString();
        boolean gz = gunzip && src.endsWith(".gz");
        try {
            byte[] bytes;
            if (gz) {
                try (java.io.InputStream in = new java.util.zip.GZIPInputStream(Files.newInputStream(file))) {
                    bytes = in.readAllBytes();
                }
            } else {
                bytes = Files.readAllBytes(file);
            }
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (java.util.zip.ZipException e) {
            throw new DataFormatException(src + ": expected gzip-compressed " + what + " (the name ends in .gz), "
                    + "found " + e.getMessage());
        } catch (java.io.EOFException e) {
            throw new DataFormatException(src + ": expected gzip-compressed " + what + ", found a truncated file");
        } catch (NoSuchFileException e) {
            throw new DataFormatException(src + ": expected " + what + ", found no such file");
        } catch (CharacterCodingException e) {
            throw new DataFormatException(src + ": expected UTF-8 text, found bytes that are not UTF-8");
        } catch (IOException e) {
            throw new UncheckedIOException(src + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** The CSV file as a {@link Table}: see {@link #table}. */
    public static Table readTable(Path file) {
        return table(readUtf8(file, "a CSV file"), file.toString());
    }

    /** A CSV or, for a name ending in {@code .tsv}, a tab-separated file as a {@link Table}. */
    public static Table readDelimitedTable(Path file) {
        char d = delimiterOf(file);
        return table(readUtf8(file, d == TAB ? "a TSV file" : "a CSV file"), file.toString(), d);
    }

    /**
     * CSV text as a table: the first record is the header (names trimmed, which must be distinct), every later
     * record a row with exactly as many fields as the header, and at least one row.
     *
     * @param source names the text in messages (the file name)
     */
    public static Table table(String text, String source) {
        return table(text, source, ',');
    }

    /** As {@link #table(String, String)}, fields separated by {@code delimiter} ({@code ','} or {@link #TAB}). */
    public static Table table(String text, String source, char delimiter) {
        List<Record> records = new CsvParser(text, source, delimiter).records();
        if (records.isEmpty()) {
            throw new DataFormatException(source + ":1: expected a header row with the column names, found an "
                    + "empty file");
        }
        Record headerRecord = records.get(0);
        List<String> header = new ArrayList<>();
        for (String h : headerRecord.fields()) {
            header.add(h.trim());
        }
        for (int i = 0; i < header.size(); i++) {
            int j = header.indexOf(header.get(i));
            if (j != i) {
                throw new DataFormatException(source + ":" + headerRecord.line() + ": column " + (i + 1)
                        + ": expected distinct column names, found '" + header.get(i) + "' again (also column "
                        + (j + 1) + ")");
            }
        }
        if (records.size() == 1) {
            throw new DataFormatException(source + ":" + headerRecord.line() + ": expected at least one data row "
                    + "after the header, found only the header");
        }
        List<Record> rows = records.subList(1, records.size());
        for (Record r : rows) {
            if (r.fields().size() != header.size()) {
                throw new DataFormatException(source + ":" + r.line() + ": expected " + header.size()
                        + " fields as in the header, found " + r.fields().size());
            }
        }
        return new Table(source, headerRecord.line(), List.copyOf(header), List.copyOf(rows));
    }

    /**
     * A CSV file with a header: its column names (trimmed, distinct) and its data rows (each with as many fields as
     * the header, at least one row).
     *
     * @param source     the file, as named in messages
     * @param headerLine 1-based line of the header
     */
    public record Table(String source, int headerLine, List<String> header, List<Record> rows) {
        /** The 0-based index of a column; an error listing the columns (and a likely misspelling) if absent. */
        public int column(String name) {
            return optionalColumn(name).orElseThrow(() -> {
                StringBuilder msg = new StringBuilder(source + ":" + headerLine + ": expected a column named '" + name
                        + "' in the header, found only " + quoteAll(header));
                Suggestions.closest(name, header)
                        .ifPresent(best -> msg.append("; did you mean '").append(best).append("'?"));
                return new DataFormatException(msg.toString());
            });
        }

        /** The 0-based index of a column, if the header has it. */
        public Optional<Integer> optionalColumn(String name) {
            int i = header.indexOf(name);
            return i < 0 ? Optional.empty() : Optional.of(i);
        }

        /** {@code "FILE:LINE: column N ('name'): "}, the start of a message about one cell. */
        public String where(Record row, int column) {
            return source + ":" + row.line() + ": column " + (column + 1) + " ('" + header.get(column) + "'): ";
        }

        /**
         * The cell as a number: a plain decimal such as {@code 12}, {@code -0.5}, {@code 1.2e-3} (surrounding
         * spaces allowed). A missing value (empty, {@code nan}, {@code inf}, or too large for a double) is an error
         * under {@link NanPolicy#ERROR} and NaN otherwise; any other text is always an error.
         */
        public double number(Record row, int column, NanPolicy policy) {
            String cell = row.fields().get(column);
            String s = cell.trim();
            if (NUMBER.matcher(s).matches()) {
                double v = Double.parseDouble(s);
                if (Double.isFinite(v)) {
                    return v;
                }
                return missing(row, column, "'" + cell + "' (too large for a double)", policy);
            }
            if (s.isEmpty()) {
                return missing(row, column, "an empty cell", policy);
            }
            if (NON_FINITE.matcher(s).matches()) {
                return missing(row, column, "'" + cell + "'", policy);
            }
            throw new DataFormatException(where(row, column) + "expected a number, found '" + cell + "'");
        }

        private double missing(Record row, int column, String found, NanPolicy policy) {
            if (policy == NanPolicy.ERROR) {
                throw new DataFormatException(where(row, column) + "expected a finite number, found " + found
                        + " (nan_policy is error; use drop or interpolate to accept missing values)");
            }
            return Double.NaN;
        }
    }

    /** {@code 'a', 'b', 'c'}. */
    public static String quoteAll(List<String> names) {
        StringBuilder sb = new StringBuilder();
        for (String n : names) {
            sb.append(sb.length() == 0 ? "" : ", ").append('\'').append(n).append('\'');
        }
        return sb.toString();
    }
}
