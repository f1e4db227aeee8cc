package dev.gated.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A training job's input from environment variables, for containers and batch schedulers:
 *
 * <ul>
 *   <li>{@code GATED_JOB}: the job file's path, used when the command line names none;</li>
 *   <li>{@code GATED_RUNS}: the folder runs go to, as {@code output.dir};</li>
 *   <li>{@code GATED_DEVICE}: {@code auto}, {@code cpu} or {@code gpu}, as {@code training.device};</li>
 *   <li>{@code GATED_SET_<SECTION>__<KEY>=VALUE}: any job-file key, as {@code section.key=VALUE}; the name is
 *       lower-cased and a double underscore separates the parts (a single one stays part of the key), e.g.
 *       {@code GATED_SET_TRAINING__CHECKPOINT_EVERY_STEPS=50} is {@code training.checkpoint_every_steps=50};</li>
 *   <li>{@code GATED_LOG_FORMAT}: {@code text} or {@code json}, the default of {@code --log-format}.</li>
 * </ul>
 *
 * Precedence: the job file, then these variables, then the command line ({@code --set}, {@code --device}).
 */
final class JobEnvironment {
    static final String JOB = "GATED_JOB";
    static final String RUNS = "GATED_RUNS";
    static final String DEVICE = "GATED_DEVICE";
    static final String SET_PREFIX = "GATED_SET_";
    static final String LOG_FORMAT = "GATED_LOG_FORMAT";

    private final Map<String, String> env;

    JobEnvironment(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    static JobEnvironment fromSystem() {
        return new JobEnvironment(System.getenv());
    }

    /** {@code GATED_JOB} as a path, when set and not blank. */
    Optional<Path> job() {
        return value(JOB).map(Path::of);
    }

    /** {@code GATED_LOG_FORMAT}, when set and not blank. */
    Optional<String> logFormat() {
        return value(LOG_FORMAT);
    }

    /** The overrides in the order they apply: GATED_RUNS, GATED_DEVICE, then GATED_SET_* sorted by name. */
    List<String> overrides() {
        List<String> out = new ArrayList<>();
        value(RUNS).ifPresent(v -> out.add("output.dir=" + v));
        value(DEVICE).ifPresent(v -> out.add("training.device=" + v));
        Map<String, String> sets = new TreeMap<>();
        env.forEach((name, v) -> {
            if (name.startsWith(SET_PREFIX)) {
                sets.put(name, v);
            }
        });
        sets.forEach((name, v) -> out.add(key(name) + "=" + v));
        return out;
    }

    /** {@code GATED_SET_TRAINING__EPOCHS} -> {@code training.epochs}. */
    static String key(String variable) {
        String rest = variable.substring(SET_PREFIX.length());
        if (rest.isEmpty() || rest.startsWith("_") || rest.endsWith("_") || rest.contains("___")
                || !rest.contains("__")) {
            throw new IllegalArgumentException(variable + ": expected GATED_SET_<SECTION>__<KEY> (two underscores "
                    + "between the parts, e.g. GATED_SET_TRAINING__EPOCHS=5 for training.epochs), found '"
                    + variable + "'");
        }
        return rest.toLowerCase(Locale.ROOT).replace("__", ".");
    }

    private Optional<String> value(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
    }
}
