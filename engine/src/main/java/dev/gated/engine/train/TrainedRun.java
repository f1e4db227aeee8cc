package dev.gated.engine.train;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.checkpoint.CheckpointFiles;
import dev.gated.engine.checkpoint.CheckpointStore;
import dev.gated.engine.config.JobConfig;
import dev.gated.engine.config.JobFiles;
import dev.gated.engine.io.HostTensor;
import dev.gated.engine.io.SafeTensors;
import dev.gated.engine.data.Dataset;
import dev.gated.engine.forecast.ForecastReport;
import dev.gated.engine.forecast.ForecastWindows;
import dev.gated.engine.model.HeadLoss;
import dev.gated.engine.model.Objective;
import dev.gated.engine.model.SequenceModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A finished (or running) run, opened for evaluation, prediction or generation: its resolved job, its
 * preprocessing, and a model with the weights of a chosen checkpoint.
 *
 * @param runDir        the run folder
 * @param config        the run's resolved job ({@code job.yaml}; data paths are absolute)
 * @param preprocessing what the training split fitted ({@code preprocessing.json})
 */
public record TrainedRun(Path runDir, JobConfig config, Preprocessing preprocessing) {

    /**
     * Opens a run folder, or the run a job file writes ({@code output.dir/output.name}).
     *
     * @throws IllegalArgumentException naming what is missing when the path is neither
     */
    public static TrainedRun open(Path runOrJob) {
        Path runDir = runOrJob;
        if (Files.isRegularFile(runOrJob)) {
            JobConfig job = JobFiles.load(runOrJob);
            runDir = job.output().dir().resolve(job.output().name());
        }
        Path jobFile = runDir.resolve(RunFolder.JOB);
        if (!Files.isRegularFile(jobFile)) {
            throw new IllegalArgumentException(runOrJob + ": expected a run folder (with " + RunFolder.JOB
                    + ") or a job file whose run exists; found " + (Files.exists(runDir) ? "no " + jobFile
                    : "no run folder " + runDir + " (train it first)"));
        }
        JobConfig config = JobFiles.loadRecorded(jobFile);
        Path pre = runDir.resolve(RunFolder.PREPROCESSING);
        try {
            return new TrainedRun(runDir, config, Preprocessing.fromJson(Files.readString(pre, StandardCharsets.UTF_8),
                    pre.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + pre + ": " + e.getMessage(), e);
        }
    }

    /** The run's data, read again as the job describes it (same split, same fitted preprocessing). */
    public JobData data() {
        return JobData.load(config, runDir, null, preprocessing);
    }

    /**
     * The weights to use: {@code best} or {@code last} (the checkpoints), {@code model} ({@value RunFolder#MODEL}),
     * or a path to a checkpoint or weights file. The default, {@code null}, is {@value RunFolder#MODEL} if present,
     * else the newest checkpoint.
     */
    public Weights weights(String choice) {
        CheckpointStore store = new CheckpointStore(runDir);
        if (choice == null) {
            Path model = runDir.resolve(RunFolder.MODEL);
            if (Files.isRegularFile(model)) {
                return read(model);
            }
            CheckpointStore.Loaded l = store.latest().found().orElseThrow(() -> new IllegalStateException(
                    runDir + " has neither " + RunFolder.MODEL + " nor a usable checkpoint"));
            return new Weights(l.file(), l.checkpoint().modelTensors());
        }
        return switch (choice) {
            case "model" -> read(runDir.resolve(RunFolder.MODEL));
            case "best" -> read(store.directory().resolve(CheckpointStore.BEST_FILE));
            case "last" -> read(store.directory().resolve(CheckpointStore.LAST_FILE));
            default -> read(Path.of(choice));
        };
    }

    /** Weights and the file they came from. */
    public record Weights(Path file, Map<String, HostTensor> tensors) {
    }

    private static Weights read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no such weights or checkpoint file");
        }
        try {
            Map<String, String> meta = SafeTensors.read(file).metadata();
            if (CheckpointFiles.FORMAT.equals(meta.get("format"))) {
                return new Weights(file, CheckpointFiles.read(file).modelTensors());
            }
            return new Weights(file, SafeTensors.read(file).tensors());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** A model of this run's shape on {@code backend}, holding {@code weights}. */
    public SequenceModel model(Backend backend, Weights weights) {
        int inputSize = inputSize();
        int outputSize = outputSize();
        // The stacking decides the parameter names (layer norms) and how the layers run; init and dropout do not
        // matter for a model whose weights are loaded and only evaluated.
        SequenceModel model = TrainingJob.newModel(backend, config.model(), preprocessing, inputSize, outputSize,
                objective(), 0, dev.gated.engine.model.Init.DEFAULT, dev.gated.engine.model.Dropout.NONE, headLoss(),
                dev.gated.engine.backend.DType.FLOAT32);
        try {
            ModelFiles.load(model, weights.tensors(), weights.file().toString());
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * Loss and task metrics of the model on one split of the run's data ({@code train}, {@code validation} or
     * {@code test}), named {@code <split>_<metric>}; forecasting adds every naive baseline's, the skill and the
     * verdict ({@link ForecastReport#metrics}).
     */
    public Map<String, Double> evaluate(SequenceModel model, JobData data, String split) {
        return evaluation(model, data, split).metrics();
    }

    /** {@link #evaluate}'s metrics, and for forecasting the report they come from. */
    public record Evaluation(Map<String, Double> metrics, Optional<ForecastReport> report) {
    }

    /** As {@link #evaluate}, keeping a forecasting run's whole report. */
    public Evaluation evaluation(SequenceModel model, JobData data, String split) {
        String prefix = prefix(split);
        Dataset d = split(data, split);
        // A tbptt run is evaluated as it was validated: statefully, over as many streams as it trained.
        Evaluator evaluator = new Evaluator(data, config.training().tbptt(), config.training().batchSize());
        if (data.forecast().isPresent()) {
            Map<String, Double> m = new LinkedHashMap<>();
            ForecastReport r = evaluator.report(model, (ForecastWindows) d, split, m, prefix);
            m.putAll(r.metrics(prefix));
            return new Evaluation(m, Optional.of(r));
        }
        return new Evaluation(new LinkedHashMap<>(evaluator.evaluate(model, d, prefix).metrics()), Optional.empty());
    }

    private static String prefix(String split) {
        return split.equals("validation") ? "val_" : split + "_";
    }

    private Dataset split(JobData data, String split) {
        return switch (split) {
            case "train" -> data.train();
            case "validation" -> data.validation().orElseThrow(() -> new IllegalArgumentException(
                    "--split validation: this run's validation split is empty (data.split " + config.data().split()
                            + ")"));
            case "test" -> data.test().orElseThrow(() -> new IllegalArgumentException(
                    "--split test: this run's test split is empty (data.split " + config.data().split() + ")"));
            default -> throw new IllegalArgumentException("--split: expected train, validation or test, found '"
                    + split + "'");
        };
    }

    /** The loss the run trained with (the pinball loss for quantile forecasts). */
    public HeadLoss headLoss() {
        return preprocessing.forecast().filter(f -> f.layout().quantiles().length > 0)
                .<HeadLoss>map(f -> new HeadLoss.Quantile(f.layout().outputLevels()))
                .orElseGet(() -> HeadLoss.defaultFor(objective()));
    }

    public Objective objective() {
        return JobData.objective(config.task().kind());
    }

    public int inputSize() {
        if (config.model().embedding().isPresent()) {
            return config.model().embedding().get().dim();
        }
        return config.task().kind() == dev.gated.engine.config.TaskKind.LANGUAGE_MODEL
                ? preprocessing.vocabulary().size() : preprocessing.inputNames().size();
    }

    public int outputSize() {
        return switch (config.task().kind()) {
            case FORECAST, REGRESSION -> preprocessing.outputNames().size();
            case CLASSIFY -> preprocessing.classes().size();
            case LANGUAGE_MODEL -> preprocessing.vocabulary().size();
            case TRANSLATE -> throw new IllegalStateException("a translation run has a target vocabulary, not one "
                    + "output layer of a sequence model");
        };
    }
}
