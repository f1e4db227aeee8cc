package dev.gated.engine.config;

import dev.gated.engine.data.words.EmbeddingFormat;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code model.embedding}: the embedding layer that turns word ids into the RNN's inputs (required for
 * {@code data.kind: words} and {@code parallel}, refused for the other kinds; for {@code parallel} the pre-trained
 * vectors are those of the source side). The RNN's input size is {@code dim}.
 *
 * <table>
 * <caption>model.embedding keys</caption>
 * <tr><th>key</th><th>type</th><th>default</th></tr>
 * <tr><td>{@code dim}</td><td>integer &ge; 1, the vector size; with {@code pretrained} it must equal the file's
 *     </td><td>{@value #DEFAULT_DIM}, or the pretrained file's dimension</td></tr>
 * <tr><td>{@code pretrained}</td><td>path to a GloVe ({@code .txt}), fastText ({@code .vec}) or word2vec binary
 *     ({@code .bin}) file, relative to the job file; its vectors are written into {@code embedding.weight} after
 *     the model's own initialisation (words it lacks keep small random vectors)</td><td>none</td></tr>
 * <tr><td>{@code format}</td><td>{@code auto | glove | vec | word2vec} ({@code auto}: from the extension)</td>
 *     <td>{@code auto}</td></tr>
 * <tr><td>{@code freeze}</td><td>boolean: the embedding is not trained</td><td>{@code false}</td></tr>
 * </table>
 *
 * @param format empty: {@code auto}
 */
public record EmbeddingConfig(int dim, Optional<Path> pretrained, Optional<EmbeddingFormat> format, boolean freeze) {
    public static final int DEFAULT_DIM = 50;

    public EmbeddingConfig {
        Objects.requireNonNull(pretrained, "pretrained");
        Objects.requireNonNull(format, "format");
        if (dim < 1) {
            throw new IllegalArgumentException("embedding dim: expected >= 1, got " + dim);
        }
    }

    /** The format of the pretrained file: the one named, else the one its extension says. */
    public EmbeddingFormat resolvedFormat() {
        return format.orElseGet(() -> EmbeddingFormat.of(pretrained.orElseThrow()));
    }

    /** This section with the pretrained path resolved against {@code baseDir}. */
    EmbeddingConfig resolved(Path baseDir) {
        return new EmbeddingConfig(dim, pretrained.map(p -> baseDir.resolve(p).toAbsolutePath().normalize()), format,
                freeze);
    }
}
