package dev.gated.engine.model;

import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link SequenceModel}'s parameters are initialised ({@code model.init} in a job file).
 *
 * @param weights    scheme for the RNN's weight tensors ({@code weight_ih_l*}, and {@code weight_hh_l*} unless
 *                   {@code recurrent} says orthogonal)
 * @param orthogonal true: every [H, H] gate block of {@code weight_hh_l*} is orthogonal (QR of a Gaussian
 *                   matrix, sign-corrected, as {@code nn.init.orthogonal_} applied per gate)
 * @param forgetBias LSTM only: the forget-gate bias; written once, to {@code bias_ih}'s forget block, with
 *                   {@code bias_hh}'s forget block set to 0, so the gate sees exactly this value (not twice it)
 * @param head       scheme for {@code head.weight}
 */
public record Init(Scheme weights, boolean orthogonal, Optional<Double> forgetBias, Scheme head) {
    /** PyTorch's own initialisation: nothing changed. */
    public static final Init DEFAULT = new Init(Scheme.PYTORCH_DEFAULT, false, Optional.empty(),
            Scheme.PYTORCH_DEFAULT);

    /**
     * Schemes as {@code torch.nn.init} defines them, with fan_in = columns and fan_out = rows of the whole
     * parameter tensor (what {@code nn.init.xavier_uniform_(lstm.weight_ih_l0)} computes), gain 1 for Xavier and
     * sqrt(2) for Kaiming (its defaults: a = 0, mode fan_in).
     */
    public enum Scheme {
        /** uniform(±1/sqrt(H)) for the RNN, uniform(±1/sqrt(fan_in)) for the head; biases likewise. */
        PYTORCH_DEFAULT,
        /** uniform(±sqrt(6 / (fan_in + fan_out))). */
        XAVIER_UNIFORM,
        /** normal(0, sqrt(2 / (fan_in + fan_out))). */
        XAVIER_NORMAL,
        /** uniform(±sqrt(6 / fan_in)). */
        KAIMING_UNIFORM,
        /** normal(0, sqrt(2 / fan_in)). */
        KAIMING_NORMAL
    }

    public Init {
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(forgetBias, "forgetBias");
        Objects.requireNonNull(head, "head");
        forgetBias.ifPresent(v -> {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("forget_bias: expected a finite number, got " + v);
            }
        });
    }
}
