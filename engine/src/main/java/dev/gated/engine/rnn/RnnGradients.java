package dev.gated.engine.rnn;

import dev.gated.engine.backend.Tensor;

/**
 * Gradients for {@code rnnBackwardData}: incoming dy [T, B, D*H] (required), dhy and dcy (optional, zeros
 * when null); outgoing dx (required), dhx and dcx (optional, not written when null).
 */
public record RnnGradients(Tensor dy, Tensor dhy, Tensor dcy, Tensor dx, Tensor dhx, Tensor dcx) {
    public static RnnGradients of(Tensor dy, Tensor dx) {
        return new RnnGradients(dy, null, null, dx, null, null);
    }
}
