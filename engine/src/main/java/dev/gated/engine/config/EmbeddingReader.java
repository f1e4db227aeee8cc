package dev.gated.engine.config;

import dev.gated.engine.data.timeseries.DataFormatException;
import dev.gated.engine.data.words.EmbeddingFormat;
import dev.gated.engine.data.words.PretrainedEmbeddings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@code model.embedding} into an {@link EmbeddingConfig}. With {@code pretrained} (and when the job file's
 * files are checked, {@link ReadContext#baseDir()}) the file must exist, its format must be known, and its
 * dimension (read from its header or first line) is the default {@code dim} and must equal a given one.
 */
final class EmbeddingReader {
    private final ReadContext ctx;

    EmbeddingReader(ReadContext ctx) {
        this.ctx = ctx;
    }

    /** Empty when the key is left out; null after a problem. */
    Optional<EmbeddingConfig> read(SectionReader s) {
        if (!s.present()) {
            return s.givenNotMapping() ? null : Optional.empty();
        }
        int before = ctx.problemCount();
        Optional<Long> dim = s.optionalLong("dim", 1, Integer.MAX_VALUE);
        Optional<Path> pretrained = s.path("pretrained", false);
        String format = s.choice("format", List.of("auto", "glove", "vec", "word2vec"), "auto");
        boolean freeze = s.bool("freeze", false);
        s.reportUnknownKeys();
        if (ctx.problemCount() > before || format == null) {
            return null;
        }
        Optional<EmbeddingFormat> named = format.equals("auto") ? Optional.empty()
                : Optional.of(EmbeddingFormat.parse(format));
        int d = dim.map(Long::intValue).orElse(EmbeddingConfig.DEFAULT_DIM);
        if (pretrained.isPresent() && ctx.baseDir() != null) {
            Integer fileDim = fileDimension(s, pretrained.get(), named, dim);
            if (fileDim == null) {
                return null;
            }
            d = fileDim;
        }
        return Optional.of(new EmbeddingConfig(d, pretrained, named, freeze));
    }

    /** The file's dimension, or null after a problem (missing file, unknown format, bad header, other dim). */
    private Integer fileDimension(SectionReader s, Path pretrained, Optional<EmbeddingFormat> named,
                                  Optional<Long> dim) {
        Node.Field f = s.field("pretrained");
        Path file = ctx.baseDir().resolve(pretrained);
        if (!Files.isRegularFile(file)) {
            ctx.add(new Problem(f.value().at(), "model.embedding.pretrained", "expected a pre-trained embedding file, "
                    + "found " + (Files.exists(file) ? "a directory" : "no such file") + ": " + file
                    + (pretrained.isAbsolute() ? "" : " (relative paths are resolved against the job file's folder)")));
            return null;
        }
        EmbeddingFormat format;
        try {
            format = named.orElseGet(() -> EmbeddingFormat.of(file));
        } catch (IllegalArgumentException e) {
            ctx.add(new Problem(f.value().at(), "model.embedding.pretrained", "cannot tell the embedding format from "
                    + "the file name '" + file.getFileName() + "' (.txt is glove, .vec is vec, .bin is word2vec); set "
                    + "model.embedding.format: glove, vec or word2vec"));
            return null;
        }
        int fileDim;
        try {
            fileDim = PretrainedEmbeddings.dimension(file, format);
        } catch (DataFormatException e) {
            ctx.add(new Problem(f.value().at(), "model.embedding.pretrained", "cannot read it as " + format.option()
                    + " vectors: " + e.getMessage()));
            return null;
        }
        if (dim.isPresent() && dim.get() != fileDim) {
            ctx.add(new Problem(s.field("dim").value().at(), "model.embedding.dim", "expected " + fileDim + ", the "
                    + "dimension of the pre-trained vectors in " + file.getFileName() + ", found " + dim.get()
                    + " (leave dim out to take the file's)"));
            return null;
        }
        return fileDim;
    }
}
