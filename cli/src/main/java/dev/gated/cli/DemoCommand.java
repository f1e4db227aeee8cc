package dev.gated.cli;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.Backends;
import dev.gated.engine.backend.DType;
import dev.gated.engine.backend.DeviceMode;
import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.data.SineWaves;
import dev.gated.engine.model.Optimizer;
import dev.gated.engine.model.SequenceModel;
import dev.gated.engine.rnn.CellType;
import dev.gated.engine.rnn.RnnSpec;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Trains a {@link SequenceModel} on {@link SineWaves} and shows the loss falling. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = Gated.Version.class,
        description = {"Train a small LSTM (or GRU) on a generated sine-wave forecasting task and print the loss "
                + "falling.",
                "",
                "Each sample is a window of sin(omega*t + phase) with its own random frequency and phase; the model "
                        + "predicts the next value. It reads the RNN's output at the last step through a linear "
                        + "head and trains with MSE and plain SGD (float32). The final line compares its error on "
                        + "held-out windows with the naive forecast 'same as the last value'.",
                ""})
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--cell", defaultValue = "lstm", paramLabel = "lstm|gru",
            description = "Recurrent cell (default: ${DEFAULT-VALUE}).")
    CellType cell;

    @Option(names = "--layers", defaultValue = "1", paramLabel = "N", description = "RNN layers (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--hidden", defaultValue = "32", paramLabel = "N", description = "Hidden size (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--bidirectional", description = "Use a bidirectional RNN.")
    boolean bidirectional;

    @Option(names = "--steps", defaultValue = "1000", paramLabel = "N", description = "Training steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "32", paramLabel = "N", description = "Sequences per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "0.5", paramLabel = "RATE", description = "SGD learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "N",
            description = "Seed for the data and the initial weights (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--device", defaultValue = "auto", paramLabel = "auto|cpu|gpu",
            description = "Backend: auto (a usable GPU, else the CPU), cpu, or gpu (fail if none is usable) "
                    + "(default: ${DEFAULT-VALUE}).")
    DeviceMode device;

    @Option(names = "--window", defaultValue = "24", paramLabel = "T",
            description = "Steps per input window (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--log-every", defaultValue = "0", paramLabel = "N",
            description = "Print the loss every N steps (default: steps/10).")
    int logEvery;

    @Option(names = "--eval-samples", defaultValue = "512", paramLabel = "N",
            description = "Held-out windows for the evaluation loss (default: ${DEFAULT-VALUE}).")
    int evalSamples;

    @Override
    public Integer call() {
        positive("--layers", layers);
        positive("--hidden", hidden);
        positive("--steps", steps);
        positive("--batch", batch);
        positive("--window", window);
        positive("--eval-samples", evalSamples);
        if (logEvery < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--log-every: expected >= 0, got " + logEvery);
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--lr: expected a finite value > 0, got " + lr);
        }
        int every = logEvery > 0 ? logEvery : Math.max(1, steps / 10);
        PrintWriter out = spec.commandLine().getOut();
        long start = System.nanoTime();

        // One seed fixes everything: the initial weights, the training stream and the held-out windows.
        SplittableRandom root = new SplittableRandom(seed);
        long initSeed = root.nextLong();
        SplittableRandom trainData = root.split();
        SplittableRandom evalData = root.split();
        SineWaves task = SineWaves.of(window);
        SequenceBatch eval = task.batch(evalSamples, evalData);
        double baseline = eval.lastValueMse();
        RnnSpec rnn = new RnnSpec(cell, 1, hidden, layers, bidirectional, DType.FLOAT32);

        Backends.Selection selection = Backends.select(device);
        try (Backend backend = selection.backend();
             SequenceModel model = new SequenceModel(backend, rnn, 1, initSeed);
             Optimizer sgd = new Optimizer(model, Optimizer.Settings.sgd(lr, 0, 0))) {
            out.printf(Locale.ROOT, "backend: %s (%s)%n", backend.name(), backend.description());
            out.printf(Locale.ROOT, "  why: %s%n", selection.reason());
            out.printf(Locale.ROOT, "model: %s -> linear head (1 output), %,d parameters%n", rnn, model.parameterCount());
            out.printf(Locale.ROOT, "task: sine waves, window %d steps, omega %.1f..%.1f rad/step, predict the next "
                    + "value; batch %d, SGD lr %s, %d steps, seed %d%n", window, task.minOmega(), task.maxOmega(), batch,
                    lr, steps, seed);
            out.printf(Locale.ROOT, "step %6d/%d  eval mse %.6f%n", 0, steps, model.loss(eval));
            out.flush();
            double sum = 0;
            int n = 0;
            double evalLoss = Double.NaN;
            long trainStart = System.nanoTime();
            for (int s = 1; s <= steps; s++) {
                double loss = model.forwardBackward(task.batch(batch, trainData));
                sgd.step();
                if (!Double.isFinite(loss)) {
                    throw new IllegalStateException("training diverged at step " + s + " (loss " + loss
                            + "); try a smaller --lr");
                }
                sum += loss;
                n++;
                if (s % every == 0 || s == steps) {
                    evalLoss = model.loss(eval);
                    out.printf(Locale.ROOT, "step %6d/%d  train loss %.6f  eval mse %.6f%n", s, steps, sum / n, evalLoss);
                    out.flush();
                    sum = 0;
                    n = 0;
                }
            }
            double trainSeconds = (System.nanoTime() - trainStart) / 1e9;
            double ratio = baseline / evalLoss;
            out.printf(Locale.ROOT, "final: eval mse %.6f vs naive last-value baseline %.6f on %d held-out windows "
                    + "(%s)%n", evalLoss, baseline, evalSamples,
                    evalLoss < baseline ? String.format(Locale.ROOT, "%.1fx lower", ratio)
                            : "not below the baseline yet: try more --steps or another --lr");
            out.printf(Locale.ROOT, "time: %.2f s wall, %.2f ms per training step%n",
                    (System.nanoTime() - start) / 1e9, trainSeconds * 1e3 / steps);
        }
        return Gated.OK;
    }

    private void positive(String option, int value) {
        if (value < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + ": expected >= 1, got " + value);
        }
    }
}
