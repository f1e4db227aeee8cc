package dev.gated.engine.data.timeseries;

import java.util.ArrayList;
import java.util.List;

/**
 * A small RFC 4180 style CSV parser: comma separator, fields optionally in double quotes (a quoted field may hold
 * commas, line breaks and {@code ""} for one quote), records ended by LF or CRLF (a lone CR is also accepted), an
 * optional UTF-8 byte order mark at the start. Blank lines (no characters at all) are skipped. Unquoted fields are
 * returned exactly as written (no trimming).
 */
final class CsvParser {
    /** One record and the 1-based line it starts on. */
    record Record(int line, List<String> fields) {
    }

    private final String text;
    private final String source;
    private int pos;
    private int line = 1;

    CsvParser(String text, String source) {
        this.text = text.startsWith("\uFEFF") ? text.substring(1) : text;
        this.source = source;
    }

    /** All records of the text, blank lines skipped. */
    List<Record> records() {
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
            if (pos < text.length() && text.charAt(pos) == '"') {
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
                if (pos < text.length() && text.charAt(pos) != ',' && !atLineEnd()) {
                    throw new DataFormatException(source + ":" + line + ": column " + column
                            + ": expected ',' or the end of the line after a closing '\"', found '"
                            + text.charAt(pos) + "'");
                }
            } else {
                while (pos < text.length() && text.charAt(pos) != ',' && !atLineEnd()) {
                    char c = text.charAt(pos);
                    if (c == '"') {
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
            if (text.charAt(pos) == ',') {
                pos++;
                continue;
            }
            skipLineEnd();
            return new Record(startLine, fields);
        }
    }
}
