package dev.gated.it;

import dev.gated.engine.backend.Shape;
import dev.gated.engine.checkpoint.Checkpoint;
import dev.gated.engine.checkpoint.CheckpointFiles;
import dev.gated.engine.checkpoint.CheckpointStore;
import dev.gated.engine.io.HostTensor;
import dev.gated.engine.io.Npy;
import dev.gated.engine.train.RunFolder;
import dev.gated.engine.train.TrainingJob;
import dev.gated.engine.train.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Whole training jobs with the numerics-touching toolkit options switched on, run through {@link TrainingJob} (the
 * code {@code gated train} runs) on a backend given in process. Together the runs cover: dropout on the input,
 * output and between layers; input noise; L1 and L2; clipping by norm and by value; the step, exponential, cosine
 * (with warmup), one-cycle and reduce-on-plateau schedules; SGD with Nesterov momentum, Adam, AdamW, RMSprop
 * (centered, momentum) and Adagrad; layer norm and residual connections; bucketing and the curriculum; and
 * {@code on_nonfinite: skip} on a series whose targets make whole batches overflow float32.
 */
final class ToolkitParityRuns {
    /** npy data: examples, longest sequence, features, targets. */
    static final int N = 120;
    static final int T = 8;
    static final int INPUT = 3;
    static final int OUTPUTS = 2;
    static final long DATA_SEED = 61;

    /** csv data of the skip run: rows, window, batch size, and the rows whose target is near float32's maximum. */
    static final int ROWS = 300;
    static final int WINDOW = 8;
    static final int SKIP_BATCH = 16;
    /** Unshuffled, window k's target is row k + WINDOW, so batch 3 (windows 48..63) holds exactly rows 56..71. */
    static final int SPIKE_FROM = 3 * SKIP_BATCH + WINDOW;
    static final int SPIKE_TO = SPIKE_FROM + SKIP_BATCH;
    /**
     * The head-bias gradient of an all-spike batch is the sum of 16 elements of 2(pred - y)/16, about 6.6e38: past
     * float32's 3.4e38, so infinite on every side that stores float32, while every element and the loss (a double)
     * stay finite. Batches without a spike are ordinary.
     */
    static final double SPIKE = 3.3e38;

    private ToolkitParityRuns() {
    }

    /**
     * One job.
     *
     * @param name       short name, also the run folder
     * @param csvSkip    the on_nonfinite skip run on the spiked series (else the npy regression data)
     * @param model      lines of the model section
     * @param training   lines of the training section (besides batch size, epochs, seed)
     * @param clip       the job's clip_grad_norm, or 0 (to check that clipping acts on some steps)
     */
    record Config(String name, boolean csvSkip, int epochs, String model, String training, double clip) {
        int batchSize() {
            return csvSkip ? SKIP_BATCH : 8;
        }
    }

    static List<Config> configs() {
        return List.of(
                new Config("lstm sgd nesterov, cosine warmup, every dropout, l1+l2, clip norm+value, layer norm + "
                        + "residual, bucketing + curriculum", false, 9,
                        lines("cell: lstm", "layers: 2", "hidden: 5", "layer_norm: true",
                                "residual: true", "dropout: {input: 0.1, output: 0.2, between: 0.2}"),
                        lines("optimizer: sgd", "learning_rate: 0.05", "momentum: 0.9", "nesterov: true",
                                "weight_decay: 0.001", "lr_schedule: {kind: cosine, warmup_steps: 10, min_lr: 0.001}",
                                "l1: 0.0001", "l2: 0.001", "clip_grad_norm: 1.5", "clip_grad_value: 0.05",
                                "bucketing: {buckets: 4}", "curriculum: {start_length: 3, epochs: 4}"), 1.5),
                new Config("gru adam, one_cycle, input noise, between dropout, l2, clip norm, residual, bucketing",
                        false, 9,
                        lines("cell: gru", "layers: 2", "hidden: 6", "residual: true", "dropout: {between: 0.3}"),
                        lines("optimizer: adam", "learning_rate: 0.01", "lr_schedule: {kind: one_cycle, max_lr: 0.02}",
                                "input_noise: 0.05", "l2: 0.001", "clip_grad_norm: 1.0", "bucketing: true"), 1.0),
                new Config("lstm adamw, step schedule, input/output dropout, input noise, l1, clip value, curriculum",
                        false, 9,
                        lines("cell: lstm", "hidden: 7", "dropout: {input: 0.2, output: 0.1}"),
                        lines("optimizer: adamw", "learning_rate: 0.01", "weight_decay: 0.01",
                                "lr_schedule: {kind: step, step_size: 3, gamma: 0.5}", "input_noise: 0.1",
                                "l1: 0.0001", "clip_grad_value: 0.1", "curriculum: {start_length: 2, epochs: 3}"), 0),
                new Config("gru rmsprop centered + momentum, reduce_on_plateau, layer norm, output dropout, clip norm",
                        false, 9,
                        lines("cell: gru", "layers: 2", "bidirectional: true", "hidden: 5", "layer_norm: true",
                                "dropout: {output: 0.1}"),
                        lines("optimizer: rmsprop", "learning_rate: 0.005", "centered: true", "momentum: 0.5",
                                "lr_schedule: {kind: reduce_on_plateau, patience: 0, factor: 0.5}",
                                "clip_grad_norm: 1.0"), 1.0),
                new Config("lstm adagrad, exponential schedule, on_nonfinite skip on overflowing batches, clip norm",
                        true, 8,
                        lines("cell: lstm", "layers: 2", "hidden: 6"),
                        lines("optimizer: adagrad", "learning_rate: 0.05", "lr_decay: 0.01",
                                "lr_schedule: {kind: exponential, gamma: 0.9}", "on_nonfinite: skip",
                                "clip_grad_norm: 1.0", "shuffle: false"), 1.0));
    }

    private static String lines(String... l) {
        StringBuilder sb = new StringBuilder();
        for (String s : l) {
            sb.append("  ").append(s).append('\n');
        }
        return sb.toString();
    }

    /** One optimizer step as the listener saw it (loss, pre-clipping global norm, learning rate). */
    record Step(double loss, double gradNorm, double lr) {
    }

    /**
     * The end of a run.
     *
     * @param steps     every step, in order
     * @param rows      the metrics rows (one per epoch)
     * @param weights   every model tensor of the last checkpoint (written after the last epoch)
     * @param optimizer every optimizer-state tensor of the last checkpoint
     * @param summary   the run's summary (skipped_batches for the skip run)
     */
    record Outcome(List<Step> steps, List<Map<String, Double>> rows, Map<String, double[]> weights,
                   Map<String, double[]> optimizer, Map<String, Double> summary) {
        double[] column(java.util.function.ToDoubleFunction<Step> f) {
            return steps.stream().mapToDouble(f).toArray();
        }
    }

    /** Writes the data and the job for {@code c} under {@code dir} (once) and returns the job file. */
    static synchronized Path job(Config c, Path dir) {
        try {
            Path data = c.csvSkip() ? spikedCsv(dir) : npyData(dir);
            String name = "job-" + Integer.toHexString(c.name().hashCode());
            Path job = dir.resolve(name + ".yaml");
            if (Files.exists(job)) {
                return job;
            }
            String dataSection = c.csvSkip()
                    ? lines("kind: csv", "path: " + data.toAbsolutePath(), "input_columns: [a]",
                            "target_columns: [b]", "window: " + WINDOW, "standardize: false")
                    : lines("kind: npy", "path: " + data.toAbsolutePath(), "split: [0.8, 0.1, 0.1]");
            Files.writeString(job, "data:\n" + dataSection
                    + "model:\n" + c.model()
                    + "task:\n  kind: " + (c.csvSkip() ? "forecast\nforecast:\n  target: value\n  difference: 0"
                    : "regression") + "\n"
                    + "training:\n" + c.training()
                    + lines("batch_size: " + c.batchSize(), "epochs: " + c.epochs(), "seed: 7", "device: cpu")
                    + "output:\n" + lines("dir: " + dir.resolve("runs").toAbsolutePath(), "plots: false"));
            return job;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code job} on {@code compute} in the run folder {@code runName}. */
    static Outcome run(Path job, String runName, TrainingJob.Compute compute) {
        List<Step> steps = new ArrayList<>();
        TrainingJob.Result r = TrainingJob.run(new TrainingJob.Options(job, List.of("output.name=" + runName),
                RunFolder.Resume.NEVER, false), new TrainingListener() {
                    @Override
                    public void onStep(TrainingListener.Step s) {
                        steps.add(new ToolkitParityRuns.Step(s.loss(), s.gradNorm(), s.learningRate()));
                    }
                }, () -> false, compute);
        if (!r.finished()) {
            throw new IllegalStateException(runName + ": the run did not finish");
        }
        Checkpoint last = CheckpointFiles.read(r.runDir().resolve("checkpoints").resolve(CheckpointStore.LAST_FILE));
        return new Outcome(steps, r.epochRows(), doubles(last.modelTensors()), doubles(last.optimizerTensors()),
                r.summary());
    }

    private static Map<String, double[]> doubles(Map<String, HostTensor> tensors) {
        Map<String, double[]> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> out.put(k, v.toDoubleArray()));
        return out;
    }

    /** Variable-length regression sequences (lengths 1..T, unsorted); targets smooth functions of the inputs. */
    private static Path npyData(Path dir) throws IOException {
        Path data = dir.resolve("npy");
        if (Files.isDirectory(data)) {
            return data;
        }
        Files.createDirectories(data);
        SplittableRandom r = new SplittableRandom(DATA_SEED);
        float[] x = new float[N * T * INPUT];
        float[] y = new float[N * OUTPUTS];
        long[] lengths = new long[N];
        for (int k = 0; k < N; k++) {
            lengths[k] = 1 + r.nextInt(T);
            double sum = 0;
            double last = 0;
            for (int t = 0; t < lengths[k]; t++) {
                for (int i = 0; i < INPUT; i++) {
                    float v = (float) r.nextDouble(-1, 1);
                    x[(k * T + t) * INPUT + i] = v;
                    sum += v * (i + 1);
                    last = v;
                }
            }
            y[k * OUTPUTS] = (float) Math.tanh(sum / Math.sqrt(lengths[k]));
            y[k * OUTPUTS + 1] = (float) (0.5 * last + 0.1 * lengths[k]);
        }
        Npy.write(data.resolve("x.npy"), HostTensor.ofFloats(Shape.of(N, T, INPUT), x));
        Npy.write(data.resolve("y.npy"), HostTensor.ofFloats(Shape.of(N, OUTPUTS), y));
        Npy.write(data.resolve("lengths.npy"), HostTensor.ofLongs(Shape.of(N), lengths));
        return data;
    }

    /** A two-column series; the target b is near float32's maximum in rows SPIKE_FROM .. SPIKE_TO - 1. */
    private static Path spikedCsv(Path dir) throws IOException {
        Path csv = dir.resolve("spiked.csv");
        if (Files.exists(csv)) {
            return csv;
        }
        StringBuilder sb = new StringBuilder("t,a,b\n");
        for (int t = 0; t < ROWS; t++) {
            double a = Math.sin(0.37 * t) + 0.5 * Math.sin(0.11 * t + 1);
            double b = t >= SPIKE_FROM && t < SPIKE_TO ? SPIKE : Math.cos(0.37 * t);
            sb.append(t).append(',').append(String.format(Locale.ROOT, "%.6f,%s", a, Double.toString(b)))
                    .append('\n');
        }
        return Files.writeString(csv, sb);
    }
}
