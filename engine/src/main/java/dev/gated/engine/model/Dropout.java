package dev.gated.engine.model;

/**
 * Dropout probabilities of a {@link SequenceModel} in training ({@code model.dropout}); evaluation and prediction
 * never drop. Masks come from {@link dev.gated.engine.backend.CounterRng} keyed by (seed, step, site) with one
 * counter per element, so the CPU and GPU backends and a resumed run draw the same masks.
 *
 * @param input   probability of zeroing an input element (every step, every feature), in [0, 1)
 * @param output  probability of zeroing an element of the RNN output the head reads, in [0, 1)
 * @param between probability of zeroing an element of layer k's output before layer k+1 reads it (stacked RNNs
 *                only; runs the layers as separate RNN calls), in [0, 1)
 */
public record Dropout(double input, double output, double between) {
    public static final Dropout NONE = new Dropout(0, 0, 0);

    public Dropout {
        check("input", input);
        check("output", output);
        check("between", between);
    }

    /** Input and output dropout only. */
    public Dropout(double input, double output) {
        this(input, output, 0);
    }

    private static void check(String name, double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout " + name + ": expected a probability in [0, 1), got " + p);
        }
    }

    public boolean any() {
        return input > 0 || output > 0 || between > 0;
    }
}
