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
        boolean layerNorm = s.bool("layer_norm", false);
        if (residual && layers < 2) {
            ctx.add(new Problem(s.field("residual").value().at(), "model.residual", "residual connections join "
                    + "stacked layers (layer k+1's output += its input), so they need layers >= 2, found layers "
                    + layers + " (the first layer's input has the data's width, not the hidden width, and gets none)"));
        }
        Optional<EmbeddingConfig> embedding = new EmbeddingReader(ctx).read(s.sub("embedding"));
        if (cell == null || head == null || init == null || embedding == null) {
            return null;
        }
        return new ModelConfig(cell, layers, hidden, bidirectional, head, initFrom, init, dropout,
                new Stacking(residual, layerNorm), embedding);
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
