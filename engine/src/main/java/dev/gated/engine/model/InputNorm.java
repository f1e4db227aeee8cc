package dev.gated.engine.model;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.rnn.RnnMode;
import dev.gated.engine.rnn.RnnSpec;

/**
 * {@code model.input_norm: batch}: a {@link BatchNorm} over the float input features x [T, B, I] before the first
 * layer (and before input dropout), with the statistics of each feature over every valid step and batch entry, and
 * its running statistics at {@link RunningStats} site {@code site}. Token inputs (an embedding) have none.
 */
final class InputNorm {
    private final Backend backend;
    private final RnnSpec spec;
    private final RunningStats stats;
    private final int site;

    InputNorm(Backend backend, RnnSpec spec, RunningStats stats, int site) {
        this.backend = backend;
        this.spec = spec;
        this.stats = stats;
        this.site = site;
    }

    Buffers buffers(int seqLength, int batch) {
        return new Buffers(seqLength, batch);
    }

    /**
     * The normalised inputs, a new tensor the caller closes: batch statistics (moving the running ones) in a
     * training forward, the running statistics otherwise. {@code wb}: weight and bias.
     */
    Tensor forward(Buffers nb, Tensor x, int[] lengths, RnnMode mode, Tensor[] wb) {
        Tensor out = backend.allocate(spec.dtype(), x.shape());
        try {
            nb.norm.setValidRows(LayerStack.validRows(lengths, nb.seqLength, nb.batch));
            if (mode == RnnMode.TRAINING) {
                nb.norm.forwardTraining(rows(x), wb[0], wb[1], rows(out), nb.xhat, nb.rstd, stats.mean(site),
                        stats.var(site));
                stats.tracked(site);
            } else {
                nb.norm.forwardEval(rows(x), wb[0], wb[1], stats.mean(site), stats.var(site), rows(out));
            }
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /** The weight and bias gradients ({@code grads}, overwritten) from the gradient of the normalised inputs. */
    void backward(Buffers nb, Tensor dOut, Tensor[] wb, Tensor[] grads) {
        // The gradient of the raw inputs is not needed (they are data); it lands in scratch.
        nb.norm.backward(rows(dOut), wb[0], nb.xhat, nb.rstd, rows(nb.dx), grads[0], grads[1]);
    }

    private Tensor rows(Tensor t) {
        return t.reshape(t.shape().numel() / spec.inputSize(), spec.inputSize());
    }

    /** Per batch geometry: the op's scratch, what backward needs, and the gradient of the raw inputs. */
    final class Buffers implements AutoCloseable {
        final int seqLength;
        final int batch;
        final BatchNorm norm;
        final Tensor xhat;
        final Tensor rstd;
        final Tensor dx;

        Buffers(int seqLength, int batch) {
            this.seqLength = seqLength;
            this.batch = batch;
            int n = seqLength * batch;
            int f = spec.inputSize();
            norm = new BatchNorm(backend, spec.dtype(), n, f);
            xhat = backend.allocate(spec.dtype(), Shape.of(n, f));
            rstd = backend.allocate(spec.dtype(), Shape.of(1, f));
            dx = backend.allocate(spec.dtype(), Shape.of(n, f));
        }

        @Override
        public void close() {
            norm.close();
            xhat.close();
            rstd.close();
            dx.close();
        }
    }
}
