package dev.gated.engine.model;

/**
 * How the layers of a stacked RNN are joined and normalised ({@code model.residual}, {@code model.norm},
 * {@code model.input_norm}). A residual path or a norm between layers (or {@code model.dropout.between}) runs the
 * layers as separate RNN calls ({@link LayerStack}); with none of them the model keeps the single fused multi-layer
 * call, which is faster. The input norm runs before the first layer and needs neither.
 *
 * <p>Order: {@code in_0 = InputNorm(x)} (when input_norm is batch; before input dropout); within layer k:
 * {@code r = rnn_k(in_k)}; {@code h = Norm_k(r)} (LayerNorm or BatchNorm, when norm is not none); {@code h += in_k}
 * (when residual and k &ge; 1); {@code in_{k+1} = dropout_between(h)} (when k is not the top layer). The top
 * layer's h is what the head reads (after output dropout).
 *
 * @param residual  layer k's output plus its input, for k &ge; 1 (the input of layer k &ge; 1 is always as wide as its
 *                  output, D*H; layer 0's input has the data's width, so it never gets a skip connection)
 * @param norm      the normalisation of each layer's output over its D*H features: {@link Norm#LAYER} per row
 *                  (named like PyTorch {@code layer_norms.<k>.weight/bias}), {@link Norm#BATCH} per feature over the
 *                  batch ({@link BatchNorm}, {@code batch_norms.<k>.*})
 * @param inputNorm BatchNorm over the input features before the first layer ({@code input_norm.*}); float inputs only
 */
public record Stacking(boolean residual, Norm norm, boolean inputNorm) {
    public static final Stacking NONE = new Stacking(false, Norm.NONE, false);

    /** LayerNorm's and BatchNorm's epsilon, PyTorch's default. */
    public static final double LAYER_NORM_EPS = 1e-5;

    /** The normalisation after each layer ({@code model.norm}). */
    public enum Norm {
        NONE, LAYER, BATCH
    }

    public Stacking {
        if (norm == null) {
            throw new IllegalArgumentException("norm: required (NONE, LAYER or BATCH), got null");
        }
    }

    /** The old spelling: {@code layerNorm} true is {@code norm: layer}; no input norm. */
    public Stacking(boolean residual, boolean layerNorm) {
        this(residual, layerNorm ? Norm.LAYER : Norm.NONE, false);
    }

    /** LayerNorm after each layer. */
    public boolean layerNorm() {
        return norm == Norm.LAYER;
    }

    /** BatchNorm after each layer. */
    public boolean batchNorm() {
        return norm == Norm.BATCH;
    }

    /** Whether the layers must run as separate RNN calls (something happens between them). */
    boolean needsSeparateLayers() {
        return residual || norm != Norm.NONE;
    }
}
