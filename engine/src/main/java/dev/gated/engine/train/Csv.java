package dev.gated.engine.train;

import java.util.Locale;

/** Cells of the CSV files a run writes. */
final class Csv {
    private Csv() {
    }

    /** A text cell, quoted when it holds a comma, a quote or a line break. */
    static String cell(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    /** A number with enough digits to read back the float32 the model produced. */
    static String number(double v) {
        return String.format(Locale.ROOT, "%.9g", v);
    }
}
