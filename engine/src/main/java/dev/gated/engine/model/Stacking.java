package dev.gated.engine.model;

/**
 * How the layers of a stacked RNN are joined ({@code model.residual}, {@code model.layer_norm}). Either option
 * (or {@code model.dropout.between}) runs the layers as separate RNN calls ({@link LayerStack}); with none of them
 * the model keeps the single fused multi-layer call, which is faster.
 *
 * <p>Order within layer k: {@code r = rnn_k(in_k)}; {@code h = LayerNorm_k(r)} (when layer_norm); {@code h += in_k}
 * (when residual and k &ge; 1); {@code in_{k+1} = dropout_between(h)} (when k is not the top layer). The top
 * layer's h is what the head reads (after output dropout).
 *
 * @param residual  layer k's output plus its input, for k &ge; 1 (the input of layer k &ge; 1 is always as wide as its
 *                  output, D*H; layer 0's input has the data's width, so it never gets a skip connection)
 * @param layerNorm LayerNorm over the feature axis (D*H) of each layer's output, eps 1e-5, with a learnable gain
 *                  (initialised to 1) and bias (0) per layer, named like PyTorch {@code layer_norms.<k>.weight/bias}
 */
public record Stacking(boolean residual, boolean layerNorm) {
    public static final Stacking NONE = new Stacking(false, false);

    /** LayerNorm's epsilon, PyTorch's default. */
    public static final double LAYER_NORM_EPS = 1e-5;
}
