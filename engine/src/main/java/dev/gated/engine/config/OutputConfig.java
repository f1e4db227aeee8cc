package dev.gated.engine.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The {@code output} section of a job file (the whole section may be left out). Runs go to {@code dir/name}.
 *
 * <table>
 * <caption>output keys</caption>
 * <tr><th>key</th><th>type</th><th>default</th></tr>
 * <tr><td>{@code dir}</td><td>directory path</td><td>{@code runs}</td></tr>
 * <tr><td>{@code name}</td><td>run name: not empty, no {@code /} or {@code \}, not {@code .} or {@code ..}</td>
 *     <td>the job file's name without its extension ({@code jobs/sine.yaml} gives {@code sine})</td></tr>
 * <tr><td>{@code plots}</td><td>boolean: write PNG plots into the run folder</td><td>{@code true}</td></tr>
 * </table>
 */
public record OutputConfig(Path dir, String name, boolean plots) {
    public static final Path DEFAULT_DIR = Path.of("runs");
    public static final boolean DEFAULT_PLOTS = true;

    public OutputConfig {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(name, "name");
    }
}
