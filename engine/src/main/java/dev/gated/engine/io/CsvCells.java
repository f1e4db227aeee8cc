package dev.gated.engine.io;

import java.util.Locale;

/** Cells of the CSV files a run writes. */
public final class CsvCells {
    private CsvCells() {
    }

    /** A text cell, quoted when it holds a comma, a quote or a line break. */
    public static String cell(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    /** A number with enough digits to read back the float32 the model produced. */
    public static String number(double v) {
        return String.format(Locale.ROOT, "%.9g", v);
    }

    /** {@link #number}, or an empty cell for NaN and infinities. */
    public static String numberOrEmpty(double v) {
        return Double.isFinite(v) ? number(v) : "";
    }
}
