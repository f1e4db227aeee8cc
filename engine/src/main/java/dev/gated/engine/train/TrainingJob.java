package dev.gated.engine.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.Backends;
import dev.gated.engine.backend.DType;
import dev.gated.engine.checkpoint.Checkpoint;
import dev.gated.engine.checkpoint.CheckpointStore;
import dev.gated.engine.config.JobConfig;
import dev.gated.engine.config.JobFiles;
import dev.gated.engine.config.ModelConfig;
import dev.gated.engine.config.OptimizerOptions;
import dev.gated.engine.config.TaskKind;
import dev.gated.engine.config.TrainingConfig;
import dev.gated.engine.data.Dataset;
import dev.gated.engine.data.text.CharVocabulary;
import dev.gated.engine.data.timeseries.Panel;
import dev.gated.engine.forecast.ForecastData;
import dev.gated.engine.forecast.ForecastReport;
import dev.gated.engine.forecast.ForecastWindows;
import dev.gated.engine.io.AtomicFiles;
import dev.gated.engine.io.CsvCells;
import dev.gated.engine.io.HostTensor;
import dev.gated.engine.model.Dropout;
import dev.gated.engine.model.EarlyStopping;
import dev.gated.engine.model.HeadLoss;
import dev.gated.engine.model.Init;
import dev.gated.engine.model.LrSchedule;
import dev.gated.engine.model.Objective;
import dev.gated.engine.model.Optimizer;
import dev.gated.engine.model.Penalties;
import dev.gated.engine.model.SequenceModel;
import dev.gated.engine.model.TextGenerator;
import dev.gated.engine.rnn.RnnSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * One {@code gated train}: reads the job file, prepares the run folder, the data, the backend, the model and the
 * optimizer (or restores them from the newest checkpoint), runs the {@link Trainer}, evaluates the best weights on
 * the test split, and writes the run's files. The caller draws the plots from the {@link Result} and reports the
 * end ({@link TrainingListener#onEnd}), so its summary can list them.
 */
public final class TrainingJob {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TrainingJob() {
    }

    /**
     * @param jobFile   the job file
     * @param overrides {@code section.key=value} settings applied before validation (the CLI's {@code --set},
     *                  {@code --seed}, {@code --device})
     * @param resume    what to do when the run folder already holds a run
     * @param overwrite replace an existing run folder
     * @param rows      forecasting: which rows of each series train, validate and test (a backtest fold); null:
     *                  {@code data.split}
     */
    public record Options(Path jobFile, List<String> overrides, RunFolder.Resume resume, boolean overwrite,
                          JobData.RowPlan rows) {
        public Options {
            overrides = List.copyOf(overrides);
            if (overwrite && resume == RunFolder.Resume.REQUIRED) {
                throw new IllegalArgumentException("--resume and --overwrite exclude each other: resume continues "
                        + "the run, overwrite deletes it");
            }
        }

        /** The rows of {@code data.split}. */
        public Options(Path jobFile, List<String> overrides, RunFolder.Resume resume, boolean overwrite) {
            this(jobFile, overrides, resume, overwrite, null);
        }
    }

    /** Forecasting: the test split's forecasts of the model and the baselines, for the plots. */
    public record Forecast(Panel panel, ForecastReport report) {
    }

    /**
     * @param finished   false when the run was stopped (a checkpoint was written; resume to continue)
     * @param epochRows  the metrics rows of every epoch so far
     * @param summary    final figures in display order (best validation loss, test metrics, baselines)
     * @param forecast   forecasting runs with a test split: what to plot as predicted vs. actual
     * @param confusion  classification runs with a test split: the confusion matrix (rows actual)
     * @param classes    class names for the confusion matrix
     * @param files      files written that a user will want to open
     */
    public record Result(Path runDir, JobConfig config, boolean finished, long steps, double seconds,
                         List<Map<String, Double>> epochRows, Map<String, Double> summary, Optional<Forecast> forecast,
                         Optional<long[][]> confusion, List<String> classes, List<Path> files) {
    }

    /**
     * Where a job computes when it does not use {@code training.device}: a backend made in process and the model's
     * dtype. The parity suite runs the same job on two backends (and on the float64 reference backend) this way,
     * so that what it compares is exactly what {@code gated train} runs.
     *
     * @param backend makes the backend; the job closes it
     * @param dtype   the model's dtype ({@code gated train} always uses float32)
     * @param reason  why this backend, for {@link TrainingListener.Start#backendReason()}
     */
    public record Compute(Supplier<Backend> backend, DType dtype, String reason) {
        public Compute {
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(dtype, "dtype");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Runs the job; {@code stopRequested} is polled after every step (a graceful stop writes a checkpoint). */
    public static Result run(Options options, TrainingListener listener, BooleanSupplier stopRequested) {
        return run(options, listener, stopRequested, null);
    }

    /**
     * As {@link #run(Options, TrainingListener, BooleanSupplier)}, on {@code compute} instead of the backend that
     * {@code training.device} selects in float32 (null: that one).
     */
    public static Result run(Options options, TrainingListener listener, BooleanSupplier stopRequested,
                             Compute compute) {
        Path jobFile = options.jobFile();
        Path baseDir = jobFile.toAbsolutePath().getParent();
        JobConfig config = JobFiles.load(jobFile, options.overrides()).withPathsResolved(baseDir);
        Path runDir = config.output().dir().resolve(config.output().name());
        boolean resuming = prepareFolder(runDir, config, options);
        if (config.task().kind() == TaskKind.TRANSLATE) {
            return TranslationJob.run(config, runDir, resuming, listener, stopRequested, compute);
        }

        JobData data = JobData.load(config, baseDir, options.rows());
        config = resolveLength(config, data);
        data.warnings().forEach(listener::onWarning);
        WordData.report(data, listener);
        Backends.Selection selection = compute == null
                ? Backends.select(config.training().device(), config.training().precision())
                : new Backends.Selection(compute.backend().get(), compute.reason());
        DType dtype = compute == null ? DType.FLOAT32 : compute.dtype();
        try (Backend backend = selection.backend();
             SequenceModel model = newModel(backend, config.model(), data.preprocessing(), data.inputSize(),
                     data.outputSize(), data.objective(), config.training().seed(), config.model().init(),
                     config.model().dropout(), data.headLoss(), dtype);
             Optimizer optimizer = new Optimizer(model, optimizerSettings(config.training()));
             Penalties penalties = new Penalties(model, config.training().l1(), config.training().l2(),
                     config.training().penalizeBiases())) {
            String configYaml = JobFiles.toYaml(config);
            Trainer.Position pos = new Trainer.Position();
            Path resumedFrom = null;
            MetricsLog metrics;
            MetricsLog health;
            CheckpointStore store = new CheckpointStore(runDir, config.training().keepCheckpoints());
            if (resuming) {
                CheckpointStore.Latest latest = store.latest();
                latest.skipped().forEach(s -> listener.onWarning("skipped checkpoint " + s.file() + ": " + s.reason()));
                CheckpointStore.Loaded loaded = latest.found().orElseThrow(() -> new IllegalStateException(
                        "--resume: no usable checkpoint in " + store.directory() + "\n" + latest.report()));
                Checkpoint c = loaded.checkpoint();
                String written = c.state().optimizer();
                if (!written.equals(optimizer.settings().kind().key())) {
                    throw new IllegalStateException("--resume: " + loaded.file() + " was written with optimizer "
                            + written + ", the job says " + optimizer.settings().kind().key());
                }
                pos = Trainer.restore(c, model, optimizer, loaded.file().toString());
                resumedFrom = loaded.file();
                metrics = MetricsLog.resume(runDir, pos.step);
                health = MetricsLog.resume(runDir, pos.step, RunFolder.HEALTH_JSONL, RunFolder.HEALTH_CSV);
            } else {
                Files.createDirectories(runDir);
                JobFiles.writeResolved(config, runDir.resolve(RunFolder.JOB));
                AtomicFiles.write(runDir.resolve(RunFolder.PREPROCESSING),
                        data.preprocessing().toJson().getBytes(StandardCharsets.UTF_8));
                // Pre-trained word vectors replace the embedding's own initialisation; init_from may replace both.
                data.pretrainedEmbedding().ifPresent(w -> model.writeParameter(SequenceModel.EMBEDDING_WEIGHT, w));
                if (config.model().initFrom().isPresent()) {
                    ModelFiles.load(model, config.model().initFrom().get());
                }
                metrics = MetricsLog.create(runDir);
                health = MetricsLog.create(runDir, RunFolder.HEALTH_JSONL, RunFolder.HEALTH_CSV);
            }
            TrainingConfig tc = config.training();
            Trainer.Settings settings = new Trainer.Settings(tc.epochs(), tc.batchSize(), tc.shuffle(), tc.seed(),
                    tc.clipGradNorm(), tc.checkpointEverySteps(), configYaml, tc.clipGradValue(), tc.inputNoise(),
                    tc.learningRate(), tc.lrSchedule(), tc.earlyStopping(), tc.health(), tc.bucketing(),
                    tc.curriculum(), tc.tbptt());
            Trainer trainer = new Trainer(model, optimizer, data, settings, store, metrics, listener, stopRequested,
                    penalties, health);
            listener.onStart(new TrainingListener.Start(runDir, backend.name() + " (" + backend.description() + ")",
                    selection.reason(), model.parameterCount(), trainer.trainExamples(), trainer.stepsPerEpoch(),
                    config.training().epochs(), pos.step, resumedFrom));
            long start = System.nanoTime();
            Trainer.Outcome outcome = trainer.run(pos);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (outcome == Trainer.Outcome.INTERRUPTED) {
                return new Result(runDir, config, false, pos.step, seconds, metrics.rows(), Map.of(), Optional.empty(),
                        Optional.empty(), List.of(), List.of());
            }
            return finish(config, data, model, store, runDir, metrics, pos, seconds, listener);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /** Checks the run folder against the options; returns whether to resume. */
    private static boolean prepareFolder(Path runDir, JobConfig config, Options options) {
        boolean inUse = RunFolder.inUse(runDir);
        RunFolder.Resume resume = options.resume();
        if (options.overwrite()) {
            RunFolder.delete(runDir);
            return false;
        }
        if (resume == RunFolder.Resume.REQUIRED && !RunFolder.hasCheckpoint(runDir)) {
            throw new IllegalStateException("--resume: " + (inUse ? runDir + " has no checkpoint to resume from"
                    : "there is no run at " + runDir) + "; run without --resume to start it");
        }
        if (resume != RunFolder.Resume.NEVER && RunFolder.hasCheckpoint(runDir)) {
            checkSameRun(runDir, config);
            return true;
        }
        if (inUse && resume != RunFolder.Resume.AUTO) {
            throw new IllegalStateException("the run folder " + runDir + " already exists; pass --resume to continue "
                    + "that run, --overwrite to replace it, or --set output.name=NEW_NAME to start another");
        }
        if (inUse) {
            // AUTO and no checkpoint yet: the previous attempt stopped before its first checkpoint.
            RunFolder.delete(runDir);
        }
        return false;
    }

    /** A resumed run must be the same experiment: same data, model, task and the settings that fix the order. */
    private static void checkSameRun(Path runDir, JobConfig config) {
        Path saved = runDir.resolve(RunFolder.JOB);
        if (!Files.isRegularFile(saved)) {
            return;
        }
        JobConfig old = JobFiles.loadRecorded(saved);
        List<String> diff = new ArrayList<>();
        if (!old.data().equals(config.data())) {
            diff.add("data");
        }
        if (!old.model().equals(config.model())) {
            diff.add("model");
        }
        if (!old.task().equals(config.task())) {
            diff.add("task");
        }
        TrainingConfig a = old.training();
        TrainingConfig b = config.training();
        if (a.optimizer() != b.optimizer() || a.learningRate() != b.learningRate() || a.momentum() != b.momentum()
                || a.weightDecay() != b.weightDecay() || !a.optimizerOptions().equals(b.optimizerOptions())) {
            diff.add("training.optimizer/learning_rate/momentum/weight_decay (or the optimizer's own settings)");
        }
        if (a.batchSize() != b.batchSize() || a.shuffle() != b.shuffle() || a.seed() != b.seed()
                || !a.tbptt().equals(b.tbptt())) {
            diff.add("training.batch_size/shuffle/seed/tbptt");
        }
        if (!a.lrSchedule().equals(b.lrSchedule()) || !a.earlyStopping().equals(b.earlyStopping())
                || !a.clipGradNorm().equals(b.clipGradNorm()) || !a.clipGradValue().equals(b.clipGradValue())
                || a.l1() != b.l1() || a.l2() != b.l2() || a.penalizeBiases() != b.penalizeBiases()
                || a.inputNoise() != b.inputNoise() || a.health().onNonFinite() != b.health().onNonFinite()
                || a.health().rollbackLrFactor() != b.health().rollbackLrFactor()) {
            diff.add("training.lr_schedule/early_stopping/clip_grad_norm/clip_grad_value/l1/l2/penalize_biases/"
                    + "input_noise/on_nonfinite/rollback_lr_factor");
        }
        boolean runLengthSchedule = b.lrSchedule() instanceof LrSchedule.Cosine
                || b.lrSchedule() instanceof LrSchedule.OneCycle;
        // training.steps becomes epochs with the data: the same data (checked above) gives the same epochs.
        if (runLengthSchedule && b.steps().isEmpty() && a.epochs() != b.epochs()) {
            diff.add("training.epochs (the " + b.lrSchedule().kind() + " schedule spans the whole run)");
        }
        if (!diff.isEmpty()) {
            throw new IllegalStateException("--resume: the job differs from the run in " + runDir + " in "
                    + String.join(", ", diff) + " (compare with " + saved + "); resume with the same settings "
                    + "(epochs, device, precision and checkpointing may change), or start a new run with --set output.name=...");
        }
    }

    /** {@code training.steps} as whole epochs of the training set; the curriculum must end before them. */
    static JobConfig resolveLength(JobConfig config, JobData data) {
        TrainingConfig t = config.training();
        if (t.steps().isEmpty()) {
            return config;
        }
        TrainingConfig r = t.withEpochsFor(t.tbptt().isPresent() ? TbpttBatches.chunks(data.train(), t.batchSize(),
                t.tbptt().get()) : (data.train().size() + t.batchSize() - 1) / t.batchSize());
        if (r.curriculum().isPresent() && r.curriculum().get().epochs() >= r.epochs()) {
            throw new IllegalArgumentException("training.curriculum.epochs: the curriculum must end before the run "
                    + "does; training.steps " + t.steps().get() + " makes " + r.epochs() + " epochs of "
                    + data.train().size() + " examples, found curriculum epochs " + r.curriculum().get().epochs());
        }
        return config.withTraining(r);
    }

    /**
     * A job's model, for training and for a trained run alike: with an embedding layer when the preprocessing has a
     * word vocabulary, else reading {@code inputSize} float features.
     */
    static SequenceModel newModel(Backend backend, ModelConfig m, Preprocessing p, int inputSize, int outputSize,
                                  Objective objective, long seed, Init init, Dropout dropout, HeadLoss loss,
                                  DType dtype) {
        if (p.words().isPresent()) {
            return WordData.model(backend, m, p.words().get(), outputSize, objective, seed, init, dropout, loss, dtype);
        }
        return new SequenceModel(backend, spec(m, inputSize, dtype), outputSize, objective, seed, init, dropout,
                m.stacking(), loss);
    }

    static RnnSpec spec(ModelConfig m, int inputSize) {
        return spec(m, inputSize, DType.FLOAT32);
    }

    static RnnSpec spec(ModelConfig m, int inputSize, DType dtype) {
        return new RnnSpec(m.cell(), inputSize, m.hidden(), m.layers(), m.bidirectional(), dtype);
    }

    static Optimizer.Settings optimizerSettings(TrainingConfig t) {
        OptimizerOptions o = t.optimizerOptions();
        return switch (t.optimizer()) {
            case SGD -> Optimizer.Settings.sgd(t.learningRate(), t.momentum(), t.weightDecay(), o.nesterov());
            case ADAM -> Optimizer.Settings.adam(Optimizer.Kind.ADAM, t.learningRate(), t.weightDecay(), o.beta1(),
                    o.beta2(), o.eps());
            case ADAMW -> Optimizer.Settings.adam(Optimizer.Kind.ADAMW, t.learningRate(), t.weightDecay(), o.beta1(),
                    o.beta2(), o.eps());
            case RMSPROP -> Optimizer.Settings.rmsprop(t.learningRate(), o.alpha(), o.eps(), t.weightDecay(),
                    t.momentum(), o.centered());
            case ADAGRAD -> Optimizer.Settings.adagrad(t.learningRate(), o.lrDecay(), t.weightDecay(), o.eps(),
                    o.initialAccumulatorValue());
        };
    }

    /**
     * Best weights → model.safetensors, test evaluation, predictions, summary. The model file holds the best
     * epoch's weights by the monitored validation metric; without a validation split (nothing to choose the best by
     * but the training loss) or with {@code restore_best: false}, the last epoch's.
     */
    private static Result finish(JobConfig config, JobData data, SequenceModel model, CheckpointStore store,
                                 Path runDir, MetricsLog metrics, Trainer.Position pos, double seconds,
                                 TrainingListener listener) throws IOException {
        List<Path> files = new ArrayList<>();
        Map<String, Double> summary = new LinkedHashMap<>();
        Optional<CheckpointStore.Loaded> best = store.best();
        boolean restoreBest = config.training().earlyStopping().map(EarlyStopping::restoreBest).orElse(true)
                && data.validation().isPresent();
        if (best.isPresent() && restoreBest) {
            ModelFiles.load(model, best.get().checkpoint().modelTensors(), best.get().file().toString());
        }
        String monitored = config.training().earlyStopping().map(EarlyStopping::metric)
                .orElse(data.validation().isPresent() ? "val_loss" : "train_loss");
        summary.put("best_" + monitored, pos.bestLoss);
        summary.put("best_epoch", (double) pos.bestEpoch);
        data.preprocessing().words().flatMap(WordsRecord::coverage).ifPresent(c -> {
            summary.put("embedding_coverage", c.fraction());
            summary.put("embedding_words_found", (double) c.found());
            summary.put("embedding_words", (double) c.words());
        });
        if (pos.stoppedEpoch > 0) {
            summary.put("stopped_early_after_epoch", (double) pos.stoppedEpoch);
        }
        switch (config.training().health().onNonFinite()) {
            case SKIP -> summary.put("skipped_batches", (double) pos.skipped);
            case ROLLBACK -> {
                summary.put("rollbacks", (double) pos.rollbacks);
                summary.put("rollback_lr_factor", pos.lrFactor);
            }
            case STOP -> {
            }
        }
        Map<String, HostTensor> weights = ModelFiles.snapshot(model);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("task", config.task().kind().name().toLowerCase(Locale.ROOT));
        meta.put("step", Long.toString(pos.step));
        meta.put(ModelFiles.CONFIG, JobFiles.toYaml(config));
        meta.put(ModelFiles.PREPROCESSING, data.preprocessing().toJson());
        Path modelFile = runDir.resolve(RunFolder.MODEL);
        ModelFiles.write(modelFile, weights, meta);
        files.add(modelFile);

        Optional<Forecast> forecast = Optional.empty();
        Optional<long[][]> confusion = Optional.empty();
        Evaluator evaluator = new Evaluator(data, config.training().tbptt(), config.training().batchSize());
        if (data.test().isPresent() && data.forecast().isPresent()) {
            ForecastData fd = data.forecast().get();
            Map<String, Double> loss = new LinkedHashMap<>();
            ForecastReport report = evaluator.report(model, (ForecastWindows) data.test().get(), "test", loss, "test_");
            summary.putAll(loss);
            summary.putAll(report.metrics("test_"));
            Path predictions = runDir.resolve(RunFolder.PREDICTIONS);
            AtomicFiles.write(predictions, report.csv(fd.panel(), config.data().dateColumn().orElse(""))
                    .getBytes(StandardCharsets.UTF_8));
            Path forecastFile = runDir.resolve(RunFolder.FORECAST);
            AtomicFiles.write(forecastFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(
                    report.toJson(fd.layout(), fd.season(), config.training().epochs())));
            files.add(predictions);
            files.add(forecastFile);
            forecast = Optional.of(new Forecast(fd.panel(), report));
            listener.onReport("test split: the model and the naive baselines", report.table());
            if (!report.beatsBaselines()) {
                listener.onWarning("the model does not beat the naive baselines on the test split: it loses to "
                        + String.join("; ", report.losingTo()) + ". Try: " + String.join("; ",
                        report.advice(fd.layout(), fd.season(), config.training().epochs())));
            }
        } else if (data.test().isPresent()) {
            Dataset test = data.test().get();
            Evaluator.Result r = evaluator.evaluate(model, test, "test_");
            summary.putAll(r.metrics());
            Path predictions = runDir.resolve(RunFolder.PREDICTIONS);
            switch (data.task()) {
                case FORECAST -> throw new IllegalStateException("forecasting is reported above");
                case REGRESSION -> {
                    List<String> ids = new ArrayList<>();
                    for (int k = 0; k < test.size(); k++) {
                        ids.add(Integer.toString(k));
                    }
                    writePredictions(predictions, "test_index", ids, data.preprocessing().outputNames(), r.actual(),
                            r.predicted());
                }
                case CLASSIFY -> {
                    confusion = Optional.ofNullable(r.confusion());
                    writeClassPredictions(predictions, data, r);
                }
                case LANGUAGE_MODEL -> {
                }
            }
            if (data.task() != TaskKind.LANGUAGE_MODEL) {
                files.add(predictions);
            }
        }
        if (data.task() == TaskKind.LANGUAGE_MODEL) {
            CharVocabulary vocab = CharVocabulary.of(data.preprocessing().vocabulary());
            String prompt = vocab.decode(new int[] {data.train().batch(new int[] {0}).labels()[0]});
            String sample = TextGenerator.generate(model, vocab, prompt, 400, 0.8, 0, config.training().seed());
            Path sampleFile = runDir.resolve(RunFolder.SAMPLE);
            AtomicFiles.write(sampleFile, (sample + "\n").getBytes(StandardCharsets.UTF_8));
            files.add(sampleFile);
        }
        files.add(runDir.resolve(MetricsLog.CSV));
        files.add(writeSummary(runDir, pos.step, pos.epoch, summary));
        return new Result(runDir, config, true, pos.step, seconds, metrics.rows(), summary, forecast, confusion,
                data.preprocessing().classes(), files);
    }

    /** {@code summary.json}: steps, epochs and the summary's figures (null where not finite). */
    static Path writeSummary(Path runDir, long steps, int epochs, Map<String, Double> summary) throws IOException {
        ObjectNode s = JSON.createObjectNode();
        s.put("steps", steps);
        s.put("epochs", epochs);
        summary.forEach((k, v) -> {
            if (Double.isFinite(v)) {
                s.put(k, v);
            } else {
                s.putNull(k);
            }
        });
        Path summaryFile = runDir.resolve(RunFolder.SUMMARY);
        AtomicFiles.write(summaryFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(s));
        return summaryFile;
    }

    private static void writePredictions(Path file, String keyName, List<String> keys, List<String> columns,
                                         double[] actual, double[] predicted) throws IOException {
        StringBuilder sb = new StringBuilder(CsvCells.cell(keyName));
        for (String c : columns) {
            sb.append(',').append(CsvCells.cell("actual_" + c)).append(',').append(CsvCells.cell("predicted_" + c));
        }
        sb.append('\n');
        int o = columns.size();
        for (int k = 0; k < keys.size(); k++) {
            sb.append(CsvCells.cell(keys.get(k)));
            for (int j = 0; j < o; j++) {
                sb.append(',').append(CsvCells.number(actual[k * o + j])).append(',').append(CsvCells.number(predicted[k * o + j]));
            }
            sb.append('\n');
        }
        AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void writeClassPredictions(Path file, JobData data, Evaluator.Result r) throws IOException {
        List<String> classes = data.preprocessing().classes();
        List<String> ids = data.testIds().orElse(null);
        StringBuilder sb = new StringBuilder(ids == null ? "test_index" : "sequence").append(",actual,predicted\n");
        for (int k = 0; k < r.predictedClasses().length; k++) {
            sb.append(CsvCells.cell(ids == null ? Integer.toString(k) : ids.get(k))).append(',')
                    .append(CsvCells.cell(classes.get(r.actualClasses()[k]))).append(',')
                    .append(CsvCells.cell(classes.get(r.predictedClasses()[k]))).append('\n');
        }
        AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
    }
}
