package dev.gated.it;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.DType;
import dev.gated.engine.checkpoint.Checkpoint;
import dev.gated.engine.checkpoint.CheckpointFiles;
import dev.gated.engine.checkpoint.TrainingState;
import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.model.Embedding;
import dev.gated.engine.model.Objective;
import dev.gated.engine.model.Optimizer;
import dev.gated.engine.model.SequenceModel;
import dev.gated.engine.rnn.CellType;
import dev.gated.engine.rnn.RnnSpec;
import dev.gated.engine.train.ModelFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A whole training run the way the trainer does it (forward-backward, global-norm clipping, optimizer step) on a
 * stream of variable-length batches that depends only on the seed and the step, so two backends, or a run and its
 * resumed twin, see exactly the same data.
 */
final class ParityTraining {
    static final int INPUT = 5;
    static final int HIDDEN = 12;
    static final int LAYERS = 2;
    static final int OUTPUTS = 3;
    static final int SEQ = 9;
    static final int BATCH = 6;
    static final long SEED = 20261123;
    /** Token runs: an embedding of VOCAB ids (padding id 0) into EMBED-vectors feeds the RNN. */
    static final int VOCAB = 11;
    static final int EMBED = 4;

    private ParityTraining() {
    }

    /**
     * One configuration of a run.
     *
     * @param clip      the global gradient-norm bound (as {@code training.clip_grad_norm}); chosen so that some steps
     *                  are clipped and some are not
     * @param embedding null for float inputs; else the batches carry token ids ({@link #batch(Config, int)})
     */
    record Config(CellType cell, Optimizer.Settings optimizer, double clip, int steps, Embedding embedding) {
        Config(CellType cell, Optimizer.Settings optimizer, double clip, int steps) {
            this(cell, optimizer, clip, steps, null);
        }

        String name() {
            return cell + " " + LAYERS + " layers bi, " + optimizer.kind().key()
                    + (optimizer.momentum() > 0 ? " momentum " + optimizer.momentum() : "") + " lr " + optimizer.lr()
                    + ", clip " + clip + ", " + steps + " steps"
                    + (embedding == null ? "" : ", embedding " + embedding.vocabSize() + "x" + embedding.dim());
        }

        RnnSpec spec(DType dtype) {
            return new RnnSpec(cell, embedding == null ? INPUT : embedding.dim(), HIDDEN, LAYERS, true, dtype);
        }

        SequenceModel model(Backend backend, DType dtype, long seed) {
            return embedding == null ? new SequenceModel(backend, spec(dtype), OUTPUTS, Objective.REGRESSION, seed)
                    : SequenceModel.withEmbedding(backend, embedding, spec(dtype), OUTPUTS, Objective.REGRESSION,
                            seed);
        }
    }

    static Config adam(CellType cell) {
        return new Config(cell, Optimizer.Settings.adam(Optimizer.Kind.ADAM, 0.01, 0), 0.5, 120);
    }

    static Config sgdMomentum(CellType cell) {
        return new Config(cell, Optimizer.Settings.sgd(0.05, 0.9, 0), 0.5, 120);
    }

    /** As {@link #adam}, reading token ids through a trainable embedding. */
    static Config adamEmbedding(CellType cell) {
        return new Config(cell, Optimizer.Settings.adam(Optimizer.Kind.ADAM, 0.01, 0), 0.5, 120,
                new Embedding(VOCAB, EMBED));
    }

    /** As {@link #sgdMomentum}, reading token ids through a trainable embedding. */
    static Config sgdMomentumEmbedding(CellType cell) {
        return new Config(cell, Optimizer.Settings.sgd(0.05, 0.9, 0), 0.5, 120, new Embedding(VOCAB, EMBED));
    }

    /** The end of a run: every step's loss, how many steps were clipped, and every parameter by name. */
    record Outcome(double[] losses, int clippedSteps, Map<String, double[]> weights) {
        double finalLoss() {
            return losses[losses.length - 1];
        }
    }

    /** Batch {@code step} of the stream of {@code c}: float inputs, or token ids for a config with an embedding. */
    static SequenceBatch batch(Config c, int step) {
        return c.embedding() == null ? batch(step) : tokenBatch(step);
    }

    /**
     * Token batch {@code step}: lengths in [1, SEQ], ids uniform in [0, VOCAB) at valid steps (the padding id 0
     * included, whose row must stay zero), 0 at padded steps; targets sin(sum of a fixed value per id / sqrt(len)).
     */
    static SequenceBatch tokenBatch(int step) {
        SplittableRandom table = new SplittableRandom(SEED);
        double[] value = new double[VOCAB * OUTPUTS];
        for (int i = 0; i < value.length; i++) {
            value[i] = table.nextDouble(-1, 1);
        }
        SplittableRandom r = new SplittableRandom(SEED * 37 + step);
        int[] tokens = new int[SEQ * BATCH];
        int[] lengths = new int[BATCH];
        float[] y = new float[BATCH * OUTPUTS];
        for (int b = 0; b < BATCH; b++) {
            lengths[b] = b == 0 ? SEQ : 1 + r.nextInt(SEQ);
            double[] acc = new double[OUTPUTS];
            for (int t = 0; t < lengths[b]; t++) {
                int id = r.nextInt(VOCAB);
                tokens[t * BATCH + b] = id;
                for (int o = 0; o < OUTPUTS; o++) {
                    acc[o] += value[id * OUTPUTS + o];
                }
            }
            for (int o = 0; o < OUTPUTS; o++) {
                y[b * OUTPUTS + o] = (float) Math.sin(acc[o] / Math.sqrt(lengths[b]));
            }
        }
        return SequenceBatch.ofTokens(SEQ, BATCH, OUTPUTS, tokens, lengths, y);
    }

    /** Batch {@code step} of the stream: lengths in [1, SEQ] (unsorted), targets a smooth function of the inputs. */
    static SequenceBatch batch(int step) {
        SplittableRandom r = new SplittableRandom(SEED * 31 + step);
        float[] x = new float[SEQ * BATCH * INPUT];
        int[] lengths = new int[BATCH];
        float[] y = new float[BATCH * OUTPUTS];
        for (int b = 0; b < BATCH; b++) {
            lengths[b] = b == 0 ? SEQ : 1 + r.nextInt(SEQ);
            double[] acc = new double[OUTPUTS];
            for (int t = 0; t < lengths[b]; t++) {
                for (int i = 0; i < INPUT; i++) {
                    float v = (float) r.nextDouble(-1, 1);
                    x[(t * BATCH + b) * INPUT + i] = v;
                    acc[i % OUTPUTS] += v;
                }
            }
            for (int o = 0; o < OUTPUTS; o++) {
                y[b * OUTPUTS + o] = (float) Math.sin(acc[o] / Math.sqrt(lengths[b]));
            }
        }
        return new SequenceBatch(SEQ, BATCH, INPUT, OUTPUTS, x, lengths, y);
    }

    /** Trains from a fresh model for {@code c.steps()} steps. */
    static Outcome run(Backend backend, DType dtype, Config c) {
        try (SequenceModel model = c.model(backend, dtype, SEED); Optimizer opt = new Optimizer(model, c.optimizer())) {
            double[] losses = new double[c.steps()];
            int clipped = train(model, opt, c, 0, c.steps(), losses);
            return new Outcome(losses, clipped, weights(model));
        }
    }

    /**
     * Trains {@code atStep} steps on {@code first}, writes a checkpoint file exactly as the trainer does (weights,
     * optimizer state and step, float32 safetensors), loads it into a fresh model on {@code second} and finishes the
     * run there.
     */
    static Outcome runResumed(Backend first, DType firstDType, Backend second, DType secondDType, Config c,
                              int atStep, Path dir) throws IOException {
        double[] losses = new double[c.steps()];
        int clipped;
        Path file = dir.resolve("step-" + atStep + ".safetensors");
        try (SequenceModel model = c.model(first, firstDType, SEED); Optimizer opt = new Optimizer(model, c.optimizer())) {
            clipped = train(model, opt, c, 0, atStep, losses);
            TrainingState state = new TrainingState(atStep, 0, atStep, new long[] {SEED}, c.optimizer().kind().key(),
                    opt.steps(), opt.learningRate());
            CheckpointFiles.write(file, new Checkpoint(ModelFiles.snapshot(model), opt.exportState(), state, "",
                    Map.of()));
        }
        Checkpoint loaded = CheckpointFiles.read(file);
        // A different seed: every weight must come from the checkpoint, none from the fresh initialisation.
        try (SequenceModel model = c.model(second, secondDType, SEED + 1);
             Optimizer opt = new Optimizer(model, c.optimizer())) {
            ModelFiles.load(model, loaded.modelTensors(), file.toString());
            opt.importState(loaded.optimizerTensors(), loaded.state().optimizerStep());
            opt.setLearningRate(loaded.state().learningRate());
            clipped += train(model, opt, c, (int) loaded.state().step(), c.steps(), losses);
            return new Outcome(losses, clipped, weights(model));
        }
    }

    private static int train(SequenceModel model, Optimizer opt, Config c, int from, int to, double[] losses) {
        int clipped = 0;
        for (int step = from; step < to; step++) {
            losses[step] = model.forwardBackward(batch(c, step));
            double norm = model.clipGradientNorm(c.clip());
            if (!Double.isFinite(losses[step]) || !Double.isFinite(norm)) {
                throw new IllegalStateException(model.backend().name() + ": " + c.name() + " diverged at step " + step
                        + " (loss " + losses[step] + ", gradient norm " + norm + ")");
            }
            if (norm > c.clip()) {
                clipped++;
            }
            opt.step();
        }
        return clipped;
    }

    private static Map<String, double[]> weights(SequenceModel model) {
        Map<String, double[]> w = new LinkedHashMap<>();
        for (String name : model.parameterNames()) {
            w.put(name, model.readParameter(name));
        }
        return w;
    }
}
