package dev.gated.engine.config;

import java.util.Locale;

/**
 * {@code data.kind}: the input format. {@code csv}: a table with a header; {@code npy}: arrays {@code x}, {@code
 * y}, optional {@code lengths}; {@code text}: a text file for a character-level language model; {@code sequences}:
 * variable-length sequences with a label. In a job file each constant is written in lower case ({@link #key()}).
 */
public enum DataKind {
    CSV, NPY, TEXT, SEQUENCES;

    /** The spelling in a job file: the constant's name in lower case. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
