package dev.gated.engine.rnn;

import dev.gated.engine.backend.Tensor;

/**
 * The data tensors of one RNN call, sequence-major like cuDNN's unpacked layout:
 * x [T, B, I], y [T, B, D*H], hx/cx/hy/cy [L*D, B, H]. The optional ones may be null: hx and cx mean
 * zeros, hy and cy are then not written. cx and cy exist only for LSTM.
 */
public record RnnTensors(Tensor x, Tensor y, Tensor hx, Tensor cx, Tensor hy, Tensor cy) {
    public static RnnTensors of(Tensor x, Tensor y) {
        return new RnnTensors(x, y, null, null, null, null);
    }
}
