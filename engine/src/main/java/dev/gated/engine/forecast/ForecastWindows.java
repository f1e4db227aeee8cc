package dev.gated.engine.forecast;

import dev.gated.engine.data.Dataset;
import dev.gated.engine.data.SequenceBatch;

import java.util.Arrays;
import java.util.List;

/**
 * Encoded forecast windows as a {@link Dataset}: the windows of one part (train, validation or test) of every
 * series, encoded once by the {@link WindowCodec} and batched in the model's layout (sequence-major
 * {@code x[T, B, I]}, {@code y[B, outputSize]}, every length T).
 */
public final class ForecastWindows implements Dataset {
    private final ForecastLayout layout;
    private final List<Origin> origins;
    private final List<WindowCodec.Encoded> encoded;

    public ForecastWindows(ForecastLayout layout, List<Origin> origins, List<WindowCodec.Encoded> encoded) {
        if (origins.size() != encoded.size()) {
            throw new IllegalArgumentException("expected one encoding per origin, got " + origins.size() + " and "
                    + encoded.size());
        }
        this.layout = layout;
        this.origins = List.copyOf(origins);
        this.encoded = List.copyOf(encoded);
    }

    public List<Origin> origins() {
        return origins;
    }

    public WindowCodec.Encoded encoded(int k) {
        return encoded.get(k);
    }

    @Override
    public int size() {
        return origins.size();
    }

    @Override
    public int inputSize() {
        return layout.inputSize();
    }

    @Override
    public int outputSize() {
        return layout.outputSize();
    }

    @Override
    public int length(int index) {
        return layout.seqLength();
    }

    @Override
    public SequenceBatch batch(int[] indices) {
        return batch(layout, indices.length, k -> encoded.get(indices[k]));
    }

    /** A batch of {@code b} encoded windows, window k from {@code windows}; targets 0 when a window has none. */
    static SequenceBatch batch(ForecastLayout layout, int b, java.util.function.IntFunction<WindowCodec.Encoded> windows) {
        if (b == 0) {
            throw new IllegalArgumentException("batch: expected at least one window, got none");
        }
        int steps = layout.seqLength();
        int in = layout.inputSize();
        int out = layout.outputSize();
        float[] x = new float[steps * b * in];
        float[] y = new float[b * out];
        for (int k = 0; k < b; k++) {
            WindowCodec.Encoded e = windows.apply(k);
            for (int t = 0; t < steps; t++) {
                System.arraycopy(e.x(), t * in, x, (t * b + k) * in, in);
            }
            if (e.y() != null) {
                for (int i = 0; i < out; i++) {
                    y[k * out + i] = (float) e.y()[i];
                }
            }
        }
        int[] lengths = new int[b];
        Arrays.fill(lengths, steps);
        return new SequenceBatch(steps, b, in, out, x, lengths, y);
    }
}
