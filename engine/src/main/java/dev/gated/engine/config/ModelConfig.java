package dev.gated.engine.config;

import dev.gated.engine.model.Dropout;
import dev.gated.engine.model.Init;
import dev.gated.engine.model.Stacking;
import dev.gated.engine.rnn.CellType;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code model} section of a job file (the whole section may be left out).
 *
 * <table>
 * <caption>model keys</caption>
 * <tr><th>key</th><th>type</th><th>default</th></tr>
 * <tr><td>{@code cell}</td><td>{@code lstm | gru}</td><td>{@code lstm}</td></tr>
 * <tr><td>{@code layers}</td><td>integer &ge; 1</td><td>1</td></tr>
 * <tr><td>{@code hidden}</td><td>integer &ge; 1, hidden size per direction</td><td>64</td></tr>
 * <tr><td>{@code bidirectional}</td><td>boolean</td><td>{@code false}</td></tr>
 * <tr><td>{@code head}</td><td>{@code linear}</td><td>{@code linear}</td></tr>
 * <tr><td>{@code init_from}</td><td>path to a {@code .safetensors} file with PyTorch-named weights</td>
 *     <td>none</td></tr>
 * <tr><td>{@code init}</td><td>mapping: {@code weights}, {@code recurrent}, {@code forget_bias}, {@code head}
 *     (see {@link Init})</td><td>PyTorch's default</td></tr>
 * <tr><td>{@code dropout}</td><td>mapping: {@code input}, {@code output}, {@code between} probabilities in
 *     [0, 1) (see {@link Dropout}; {@code between} needs layers &ge; 2)</td><td>none</td></tr>
 * <tr><td>{@code residual}</td><td>boolean, skip connections around layers 1.. (needs layers &ge; 2; see
 *     {@link Stacking})</td><td>{@code false}</td></tr>
 * <tr><td>{@code norm}</td><td>{@code none}, {@code layer} (LayerNorm) or {@code batch} (BatchNorm) after each
 *     layer (see {@link Stacking})</td><td>{@code none}</td></tr>
 * <tr><td>{@code layer_norm}</td><td>boolean, the old spelling of {@code norm: layer}; contradicting {@code norm}
 *     is an error</td><td>{@code false}</td></tr>
 * <tr><td>{@code input_norm}</td><td>{@code none} or {@code batch}: BatchNorm over the input features before the
 *     first layer; float inputs only (refused with an embedding)</td><td>{@code none}</td></tr>
 * <tr><td>{@code embedding}</td><td>mapping: {@code dim}, {@code pretrained}, {@code format}, {@code freeze} (see
 *     {@link EmbeddingConfig}); required for {@code data.kind: words}, refused otherwise</td><td>none</td></tr>
 * </table>
 */
public record ModelConfig(CellType cell, int layers, int hidden, boolean bidirectional,
                          HeadType head, Optional<Path> initFrom, Init init, Dropout dropout, Stacking stacking,
                          Optional<EmbeddingConfig> embedding) {
    public static final CellType DEFAULT_CELL = CellType.LSTM;
    public static final int DEFAULT_LAYERS = 1;
    public static final int DEFAULT_HIDDEN = 64;
    public static final boolean DEFAULT_BIDIRECTIONAL = false;
    public static final HeadType DEFAULT_HEAD = HeadType.LINEAR;

    public ModelConfig {
        Objects.requireNonNull(cell, "cell");
        Objects.requireNonNull(head, "head");
        Objects.requireNonNull(initFrom, "initFrom");
        Objects.requireNonNull(init, "init");
        Objects.requireNonNull(dropout, "dropout");
        Objects.requireNonNull(stacking, "stacking");
        Objects.requireNonNull(embedding, "embedding");
    }

    /** A model without an embedding layer (float inputs). */
    public ModelConfig(CellType cell, int layers, int hidden, boolean bidirectional, HeadType head,
                       Optional<Path> initFrom, Init init, Dropout dropout, Stacking stacking) {
        this(cell, layers, hidden, bidirectional, head, initFrom, init, dropout, stacking, Optional.empty());
    }

    /** Layers joined plainly (no residual, no layer norm). */
    public ModelConfig(CellType cell, int layers, int hidden, boolean bidirectional, HeadType head,
                       Optional<Path> initFrom, Init init, Dropout dropout) {
        this(cell, layers, hidden, bidirectional, head, initFrom, init, dropout, Stacking.NONE);
    }

    /** PyTorch's default initialisation, no dropout. */
    public ModelConfig(CellType cell, int layers, int hidden, boolean bidirectional, HeadType head,
                       Optional<Path> initFrom) {
        this(cell, layers, hidden, bidirectional, head, initFrom, Init.DEFAULT, Dropout.NONE);
    }
}
