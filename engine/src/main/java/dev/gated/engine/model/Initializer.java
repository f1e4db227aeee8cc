package dev.gated.engine.model;

import dev.gated.engine.backend.CounterRng;
import dev.gated.engine.rnn.CellType;
import dev.gated.engine.rnn.RnnParam;
import java.util.SplittableRandom;

/**
 * Applies an {@link Init} to a freshly built {@link SequenceModel}. Draws come from one
 * {@link SplittableRandom} seeded from the model seed, in state_dict order, so the same seed gives the same
 * weights on every backend. With a scheme other than PyTorch's default the biases of the tensors it covers start
 * at 0 (as Keras and most published LSTM recipes do); with the default they keep PyTorch's uniform draw.
 *
 * <p>Orthogonal recurrent weights use a small Householder QR here rather than a linear-algebra dependency:
 * it is thirty lines for square [H, H] blocks, in double precision, and the sign correction makes the result the
 * unique Q whose R has a positive diagonal, so it equals what any other QR (LAPACK's included) would give.
 */
public final class Initializer {
    /**
     * A new model's weights: PyTorch's default first (rnn.* and head.* uniform in +-1/sqrt(fan), drawn from one
     * stream of {@code seed} in state_dict order, so the same seed gives PyTorch-comparable starts), then the job's
     * {@code model.init} on top, norm gains at 1 and the embedding's initial table.
     */
    static void initialise(SequenceModel model, ModelParameters parameters, EmbeddingLayer embedding, Init init,
                           long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double rnnBound = 1 / Math.sqrt(model.spec().hiddenSize());
        for (RnnParam p : model.spec().parameters()) {
            model.writeParameter(SequenceModel.RNN_PREFIX + p.name(), uniform(rnd, p.shape().numel(), rnnBound));
        }
        int fanIn = model.spec().outputSize();
        double headBound = 1 / Math.sqrt(fanIn);
        model.writeParameter(SequenceModel.HEAD_WEIGHT, uniform(rnd, model.outputSize() * fanIn, headBound));
        model.writeParameter(SequenceModel.HEAD_BIAS, uniform(rnd, model.outputSize(), headBound));
        apply(model, init, seed);
        for (int g : parameters.normGainGroups()) {
            model.backend().fill(parameters.params[g], 1);
        }
        if (embedding != null) {
            model.writeParameter(SequenceModel.EMBEDDING_WEIGHT, embedding.initialWeights(rnd));
        }
    }

    private static double[] uniform(SplittableRandom rnd, int n, double bound) {
        double[] v = new double[n];
        uniform(rnd, v, bound);
        return v;
    }

    /** Separates this stream from the default initialisation's {@code new SplittableRandom(seed)}. */
    private static final long STREAM = 0x1A17_5EEDL;

    private Initializer() {
    }

    public static void apply(SequenceModel model, Init init, long seed) {
        if (init.equals(Init.DEFAULT)) {
            return;
        }
        boolean lstm = model.spec().cell() == CellType.LSTM;
        if (init.forgetBias().isPresent() && !lstm) {
            throw new IllegalArgumentException("init forget_bias: applies only to LSTM cells, this model is "
                    + model.spec().cell());
        }
        SplittableRandom rnd = new SplittableRandom(CounterRng.mix(seed ^ STREAM));
        int h = model.spec().hiddenSize();
        boolean rnnChanged = init.weights() != Init.Scheme.PYTORCH_DEFAULT;
        for (RnnParam p : model.spec().parameters()) {
            String name = SequenceModel.RNN_PREFIX + p.name();
            int rows = p.shape().dim(0);
            boolean weight = p.name().startsWith("weight_");
            if (weight && p.name().startsWith("weight_hh") && init.orthogonal()) {
                model.writeParameter(name, orthogonalBlocks(rnd, rows / h, h));
            } else if (weight && rnnChanged) {
                int cols = p.shape().dim(1);
                model.writeParameter(name, draw(rnd, init.weights(), rows, cols));
            } else if (!weight && rnnChanged) {
                model.writeParameter(name, new double[rows]);
            }
        }
        if (init.forgetBias().isPresent()) {
            for (RnnParam p : model.spec().parameters()) {
                String name = SequenceModel.RNN_PREFIX + p.name();
                if (p.name().startsWith("bias_")) {
                    double[] b = model.readParameter(name);
                    // Gate order i, f, g, o: the forget block is rows [H, 2H).
                    double value = p.name().startsWith("bias_ih") ? init.forgetBias().get() : 0;
                    java.util.Arrays.fill(b, h, 2 * h, value);
                    model.writeParameter(name, b);
                }
            }
        }
        if (init.head() != Init.Scheme.PYTORCH_DEFAULT) {
            int out = model.outputSize();
            int in = model.spec().outputSize();
            model.writeParameter(SequenceModel.HEAD_WEIGHT, draw(rnd, init.head(), out, in));
            model.writeParameter(SequenceModel.HEAD_BIAS, new double[out]);
        }
    }

    /** A [rows, cols] tensor (fan_in = cols, fan_out = rows) drawn from {@code scheme}. */
    static double[] draw(SplittableRandom rnd, Init.Scheme scheme, int rows, int cols) {
        double fanIn = cols;
        double fanOut = rows;
        double[] v = new double[rows * cols];
        switch (scheme) {
            case XAVIER_UNIFORM -> uniform(rnd, v, Math.sqrt(6 / (fanIn + fanOut)));
            case XAVIER_NORMAL -> normal(rnd, v, Math.sqrt(2 / (fanIn + fanOut)));
            case KAIMING_UNIFORM -> uniform(rnd, v, Math.sqrt(2) * Math.sqrt(3 / fanIn));
            case KAIMING_NORMAL -> normal(rnd, v, Math.sqrt(2) / Math.sqrt(fanIn));
            case PYTORCH_DEFAULT -> uniform(rnd, v, 1 / Math.sqrt(fanIn));
        }
        return v;
    }

    private static void uniform(SplittableRandom rnd, double[] v, double bound) {
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextDouble(-bound, bound);
        }
    }

    private static void normal(SplittableRandom rnd, double[] v, double std) {
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextGaussian() * std;
        }
    }

    /** {@code gates} stacked orthogonal [h, h] blocks, row-major [gates * h, h]. */
    static double[] orthogonalBlocks(SplittableRandom rnd, int gates, int h) {
        double[] out = new double[gates * h * h];
        for (int g = 0; g < gates; g++) {
            double[] a = new double[h * h];
            normal(rnd, a, 1);
            System.arraycopy(orthogonal(a, h), 0, out, g * h * h, h * h);
        }
        return out;
    }

    /**
     * Q of the QR decomposition of the n x n row-major matrix {@code a}, columns multiplied by the signs of R's
     * diagonal (torch.nn.init.orthogonal_), by Householder reflections.
     */
    static double[] orthogonal(double[] a, int n) {
        double[] r = a.clone();
        double[] q = new double[n * n];
        for (int i = 0; i < n; i++) {
            q[i * n + i] = 1;
        }
        double[] v = new double[n];
        for (int k = 0; k < n - 1; k++) {
            double norm = 0;
            for (int i = k; i < n; i++) {
                norm += r[i * n + k] * r[i * n + k];
            }
            norm = Math.sqrt(norm);
            if (norm == 0) {
                continue;
            }
            double alpha = r[k * n + k] >= 0 ? -norm : norm;
            double vNorm = 0;
            for (int i = k; i < n; i++) {
                v[i] = r[i * n + k] - (i == k ? alpha : 0);
                vNorm += v[i] * v[i];
            }
            vNorm = Math.sqrt(vNorm);
            if (vNorm == 0) {
                continue;
            }
            for (int i = k; i < n; i++) {
                v[i] /= vNorm;
            }
            // R = (I - 2vv^T) R on rows k..n-1; Q = Q (I - 2vv^T) on columns k..n-1.
            for (int j = 0; j < n; j++) {
                double dot = 0;
                for (int i = k; i < n; i++) {
                    dot += v[i] * r[i * n + j];
                }
                for (int i = k; i < n; i++) {
                    r[i * n + j] -= 2 * v[i] * dot;
                }
            }
            for (int i = 0; i < n; i++) {
                double dot = 0;
                for (int j = k; j < n; j++) {
                    dot += q[i * n + j] * v[j];
                }
                for (int j = k; j < n; j++) {
                    q[i * n + j] -= 2 * dot * v[j];
                }
            }
        }
        for (int j = 0; j < n; j++) {
            if (r[j * n + j] < 0) {
                for (int i = 0; i < n; i++) {
                    q[i * n + j] = -q[i * n + j];
                }
            }
        }
        return q;
    }
}
