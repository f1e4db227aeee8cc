package dev.gated.engine.config;

/**
 * Where a value came from: a job file with a 1-based line and column, or a {@code --set} override (line 0).
 *
 * @param source the job file as given, or {@code --set key=value}
 * @param order  0 for the job file, {@code i + 1} for the i-th override; problems are sorted by it first
 * @param line   1-based line, or 0 when the source has no lines
 * @param column 1-based column, or 0 when unknown
 */
record Location(String source, int order, int line, int column) {
    @Override
    public String toString() {
        return line > 0 ? source + ":" + line + ":" + column : source;
    }
}
