package dev.gated.engine.config;

import dev.gated.engine.model.Dropout;
import dev.gated.engine.model.Init;
import dev.gated.engine.model.Stacking;
import dev.gated.engine.rnn.CellType;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Reads the {@code model} section (cell, sizes, head, initialisation, dropout, stacking) into a {@link
 * ModelConfig}.
 */
final class ModelReader {
    private final ReadContext ctx;

    ModelReader(ReadContext ctx) {
        this.ctx = ctx;
    }

    ModelConfig read(SectionReader s) {
        CellType cell = s.enumValue("cell", CellType.class, ModelConfig.DEFAULT_CELL);
        int layers = s.intValue("layers", ModelConfig.DEFAULT_LAYERS, 1);
        int hidden = s.intValue("hidden", ModelConfig.DEFAULT_HIDDEN, 1);
        boolean bidirectional = s.bool("bidirectional", ModelConfig.DEFAULT_BIDIRECTIONAL);
        HeadType head = s.enumValue("head", HeadType.class, ModelConfig.DEFAULT_HEAD);
        Optional<Path> initFrom = s.path("init_from", false);
        if (initFrom.isPresent() && !initFrom.get().toString().endsWith(".safetensors")) {
            Node.Field f = s.field("init_from");
            ctx.add(new Problem(f.value().at(), "model.init_from",
                    "expected a path to a .safetensors file, found " + f.value().describe()));
        }
        Init init = readInit(s.sub("init"), cell);
        Dropout dropout = readDropout(s.sub("dropout"), layers);
        boolean residual = s.bool("residual", false);
        Stacking.Norm norm = readNorm(s);
        boolean inputNorm = "batch".equals(s.choice("input_norm", List.of("none", "batch"), "none"));
        if (residual && layers < 2) {
            ctx.add(new Problem(s.field("residual").value().at(), "model.residual", "residual connections join "
                    + "stacked layers (layer k+1's output += its input), so they need layers >= 2, found layers "
                    + layers + " (the first layer's input has the data's width, not the hidden width, and gets none)"));
        }
        Optional<EmbeddingConfig> embedding = new EmbeddingReader(ctx).read(s.sub("embedding"));
        if (inputNorm && embedding != null && embedding.isPresent()) {
            ctx.add(new Problem(s.field("input_norm").value().at(), "model.input_norm", "input_norm batch "
                    + "normalises float input features; this model reads token ids through model.embedding, so it "
                    + "has none: remove input_norm (norm: batch or layer normalises between layers)"));
        }
        if (cell == null || head == null || init == null || embedding == null || norm == null) {
            return null;
        }
        return new ModelConfig(cell, layers, hidden, bidirectional, head, initFrom, init, dropout,
                new Stacking(residual, norm, inputNorm), embedding);
    }

    /**
     * {@code norm: none | layer | batch}, with {@code layer_norm: true} as the old spelling of {@code norm: layer}
     * ({@code layer_norm: false} agrees with none and batch); a contradicting pair is an error. Null after a problem.
     */
    private Stacking.Norm readNorm(SectionReader s) {
        boolean layerNorm = s.bool("layer_norm", false);
        if (s.field("norm") == null) {
            return layerNorm ? Stacking.Norm.LAYER : Stacking.Norm.NONE;
        }
        String norm = s.choice("norm", List.of("none", "layer", "batch"), "none");
        if (norm == null) {
            return null;
        }
        Stacking.Norm n = Stacking.Norm.valueOf(norm.toUpperCase(java.util.Locale.ROOT));
        if (s.field("layer_norm") != null && layerNorm != (n == Stacking.Norm.LAYER)) {
            ctx.add(new Problem(s.field("layer_norm").keyAt(), "model.layer_norm", "layer_norm: " + layerNorm
                    + " contradicts norm: " + norm + " (layer_norm is the old spelling of norm: layer); remove "
                    + "layer_norm and keep norm"));
            return null;
        }
        return n;
    }

    private Init readInit(SectionReader s, CellType cell) {
        if (!s.present()) {
            return Init.DEFAULT;
        }
        Init.Scheme weights = s.enumValue("weights", Init.Scheme.class, Init.Scheme.PYTORCH_DEFAULT);
        String recurrent = s.choice("recurrent", List.of("same", "orthogonal"), "same");
        Optional<Double> forgetBias = s.optionalNumber("forget_bias", v -> true, "");
        if (forgetBias.isPresent() && cell != null && cell != CellType.LSTM) {
            ctx.add(new Problem(s.field("forget_bias").keyAt(), "model.init.forget_bias",
                    "forget_bias applies only to cell lstm (a GRU has no forget gate), found cell "
                            + JobReader.key(cell)));
        }
        Init.Scheme head = s.enumValue("head", Init.Scheme.class, Init.Scheme.PYTORCH_DEFAULT);
        s.reportUnknownKeys();
        if (weights == null || head == null || recurrent == null) {
            return null;
        }
        return new Init(weights, recurrent.equals("orthogonal"), forgetBias, head);
    }

    private Dropout readDropout(SectionReader s, int layers) {
        if (!s.present()) {
            return Dropout.NONE;
        }
        double input = s.number("input", 0, v -> v >= 0 && v < 1, "in [0, 1)");
        double output = s.number("output", 0, v -> v >= 0 && v < 1, "in [0, 1)");
        double between = s.number("between", 0, v -> v >= 0 && v < 1, "in [0, 1)");
        if (between > 0 && layers < 2) {
            ctx.add(new Problem(s.field("between").value().at(), "model.dropout.between", "dropout between "
                    + "stacked layers needs layers >= 2, found layers " + layers + " (use output for dropout before "
                    + "the head)"));
        }
        s.reportUnknownKeys();
        return new Dropout(input, output, between);
    }
}
