package dev.gated.engine.config;

/**
 * {@code data.kind}: the input format. {@code csv}: a table with a header; {@code npy}: arrays {@code x}, {@code
 * y}, optional {@code lengths}; {@code text}: a text file for a character-level language model; {@code sequences}:
 * variable-length sequences with a label; {@code words}: a CSV or TSV file of texts with a label, read as words
 * ({@link WordsConfig}); {@code parallel}: a CSV or TSV file of sentence pairs, for translation
 * ({@link ParallelConfig}). In a job file each constant is written in lower case.
 */
public enum DataKind {
    CSV, NPY, TEXT, SEQUENCES, WORDS, PARALLEL
}
