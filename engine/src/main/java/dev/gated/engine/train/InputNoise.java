package dev.gated.engine.train;

import dev.gated.engine.backend.CounterRng;
import dev.gated.engine.data.SequenceBatch;

/**
 * Gaussian input-noise augmentation ({@code training.input_noise}): x + sigma * N(0, 1) at every valid step of a
 * training batch, on the host before upload. Each value is a Box-Muller transform of two {@link CounterRng}
 * uniforms keyed by (seed, step) and the element's position in the batch, so a resumed run adds the same noise and
 * the result does not depend on the backend. Evaluation and prediction never call it.
 */
public final class InputNoise {
    private InputNoise() {
    }

    /** A copy of {@code batch} with noise added to x at valid steps (padding stays 0). */
    public static SequenceBatch apply(SequenceBatch batch, double sigma, long seed, long step) {
        if (!(sigma >= 0) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException("sigma: expected a finite number >= 0, got " + sigma);
        }
        if (sigma == 0) {
            return batch;
        }
        if (batch.hasTokens()) {
            throw new IllegalArgumentException("input noise: needs float inputs x; this batch carries token ids (an"
                    + " embedding model), which take no Gaussian noise");
        }
        float[] x = batch.x().clone();
        int bs = batch.batchSize();
        int in = batch.inputSize();
        long key = CounterRng.mix(CounterRng.mix(seed ^ 0x4E01_5EL) + step);
        for (int t = 0; t < batch.seqLength(); t++) {
            for (int b = 0; b < bs; b++) {
                if (t >= batch.lengths()[b]) {
                    continue;
                }
                for (int i = 0; i < in; i++) {
                    int pos = (t * bs + b) * in + i;
                    x[pos] = (float) (x[pos] + sigma * gaussian(key, pos));
                }
            }
        }
        return new SequenceBatch(batch.seqLength(), bs, in, batch.outputSize(), x, batch.lengths(), batch.y(),
                batch.labels());
    }

    /** A standard normal draw at (key, position): Box-Muller on two uniforms, 1 - u keeps log's argument > 0. */
    static double gaussian(long key, long position) {
        double u1 = 1 - (double) CounterRng.uniform(key, 2 * position);
        double u2 = CounterRng.uniform(key, 2 * position + 1);
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
