package dev.gated.engine.config;

import dev.gated.engine.tune.StudyConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads study files for {@code gated tune}: the same YAML/JSON rules and error style as job files (every problem
 * with file, line and column, misspelt keys with a suggestion), see {@link StudyReader} for the keys.
 */
public final class StudyFiles {
    private StudyFiles() {
    }

    /** The sections of a study file and their keys ({@code space} holds job keys, checked against the job). */
    static final Map<String, List<String>> SCHEMA = Map.of(
            "study", List.of("job", "name", "dir", "seed"),
            "objective", List.of("metric", "direction", "reduce"),
            "budget", List.of("trials", "time"),
            "sampler", List.of("kind", "startup_trials", "candidates"),
            "pruner", List.of("kind", "min_epochs", "reduction_factor", "startup_trials", "warmup_epochs"));

    /** The top-level keys, in the order the docs list them. */
    static final List<String> TOP_LEVEL = List.of("study", "objective", "budget", "sampler", "pruner", "space");

    /**
     * Reads and checks a study file, including that every value the space can give is a valid value of the base
     * job's key.
     *
     * @throws JobConfigException listing every problem found
     */
    public static StudyConfig load(Path file) {
        List<Problem> problems = new ArrayList<>();
        Node root = JobFiles.parse(file, "study file", problems);
        StudyConfig config = root == null ? null : new StudyReader(problems, file, JobFiles.stem(file)).read(root);
        if (!problems.isEmpty()) {
            throw new JobConfigException(file.toString(), problems, "study file");
        }
        return config;
    }
}
