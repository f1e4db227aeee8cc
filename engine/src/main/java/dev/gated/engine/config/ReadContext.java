package dev.gated.engine.config;

import dev.gated.engine.util.Suggestions;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** What the readers of one job file share: the problems found so far and the sub-mappings already reported. */
final class ReadContext {
    private final List<Problem> problems;
    /** Sub-mappings already reported as not being mappings (a sub-section may be looked up twice). */
    private final Set<String> reportedNotMapping = new HashSet<>();

    /** Section name -> its keys: the job file's {@link Schema#SECTIONS}, or another file's (a study file's). */
    private final java.util.Map<String, List<String>> schema;
    private final java.nio.file.Path baseDir;

    ReadContext(List<Problem> problems) {
        this(problems, Schema.SECTIONS);
    }

    ReadContext(List<Problem> problems, java.util.Map<String, List<String>> schema) {
        this(problems, schema, null);
    }

    /** @param baseDir the job file's folder, against which files the reader opens are resolved; null: none opened */
    ReadContext(List<Problem> problems, java.util.Map<String, List<String>> schema, java.nio.file.Path baseDir) {
        this.problems = problems;
        this.schema = schema;
        this.baseDir = baseDir;
    }

    /** The job file's folder when the files a job names are checked (model.embedding.pretrained), else null. */
    java.nio.file.Path baseDir() {
        return baseDir;
    }

    java.util.Map<String, List<String>> schema() {
        return schema;
    }

    void add(Problem problem) {
        problems.add(problem);
    }

    /** How many problems were found so far; compare before and after a read to see whether it added any. */
    int problemCount() {
        return problems.size();
    }

    /** True the first time {@code name} is reported as not being a mapping, false after that. */
    boolean firstNotMapping(String name) {
        return reportedNotMapping.add(name);
    }

    /** {@code text} if it is one of {@code allowed}, else null after a problem with "did you mean". */
    String checkChoice(String text, Location at, String path, List<String> allowed) {
        if (allowed.contains(text)) {
            return text;
        }
        problems.add(new Problem(at, path, "expected one of " + String.join(", ", allowed) + ", found '" + text + "'"
                + Suggestions.closest(text, allowed).map(c -> "; did you mean '" + c + "'?").orElse("")));
        return null;
    }
}
