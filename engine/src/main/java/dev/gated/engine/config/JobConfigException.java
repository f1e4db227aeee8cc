package dev.gated.engine.config;

import java.util.List;

/**
 * A job file (or a {@code --set} override) is wrong. {@link #getMessage()} is meant to be shown to the user as is:
 * one line per problem, each {@code FILE:LINE:COLUMN: FIELD.PATH: what was expected, what was found} (plus a
 * suggestion for a misspelt key or value), sorted by position; when there are several, a first line counts them.
 * The exception carries no cause worth printing and is created without a stack trace.
 */
public final class JobConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    JobConfigException(String source, List<Problem> problems) {
        this(source, problems, "job file");
    }

    /** @param what the kind of file, for the count line: "job file", "study file" */
    JobConfigException(String source, List<Problem> problems, String what) {
        this(source, what, sorted(problems));
    }

    private JobConfigException(String source, String what, List<Problem> problems) {
        super(message(source, problems, what), null, false, false);
        this.problems = problems.stream().map(Problem::format).toList();
    }

    /** Each problem as one line, in the order of the message. */
    public List<String> problems() {
        return problems;
    }

    /** By source (the file, then each --set in order), then line and column. */
    private static List<Problem> sorted(List<Problem> problems) {
        return problems.stream().sorted(java.util.Comparator.comparingInt((Problem p) -> p.at().order())
                .thenComparingInt(p -> p.at().line()).thenComparingInt(p -> p.at().column())).toList();
    }

    private static String message(String source, List<Problem> problems, String what) {
        if (problems.size() == 1) {
            return problems.get(0).format();
        }
        StringBuilder b = new StringBuilder()
                .append(problems.size()).append(" problems in ").append(what).append(' ').append(source).append(':');
        for (Problem p : problems) {
            b.append('\n').append("  ").append(p.format());
        }
        return b.toString();
    }
}
