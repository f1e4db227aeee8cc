package dev.gated.engine.rnn;

import dev.gated.engine.backend.Shape;

/**
 * One canonical RNN parameter with PyTorch's name and shape, e.g. {@code weight_ih_l1_reverse} [G*H, 2H].
 * Layer and direction (0 forward, 1 reverse) say which cuDNN "pseudo-layer" it belongs to.
 */
public record RnnParam(String name, Kind kind, int layer, int direction, Shape shape) {
    public enum Kind {
        WEIGHT_IH("weight_ih"), WEIGHT_HH("weight_hh"), BIAS_IH("bias_ih"), BIAS_HH("bias_hh");

        final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }

        public boolean isWeight() {
            return this == WEIGHT_IH || this == WEIGHT_HH;
        }
    }

    static String nameOf(Kind kind, int layer, int direction) {
        return kind.prefix + "_l" + layer + (direction == 1 ? "_reverse" : "");
    }
}
