package dev.gated.engine.config;

import java.util.Objects;

/**
 * The {@code task} section of a job file.
 *
 * <table>
 * <caption>task keys</caption>
 * <tr><th>key</th><th>type</th><th>default</th></tr>
 * <tr><td>{@code kind}</td><td>{@code forecast | classify | language_model | regression | translate};
 *     {@code language_model} if and only if {@code data.kind} is {@code text}, {@code translate} if and only if it
 *     is {@code parallel}</td><td>required</td></tr>
 * </table>
 */
public record TaskConfig(TaskKind kind) {
    public TaskConfig {
        Objects.requireNonNull(kind, "kind");
    }
}
