package dev.gated.engine.train;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.Backends;
import dev.gated.engine.backend.DType;
import dev.gated.engine.checkpoint.Checkpoint;
import dev.gated.engine.checkpoint.CheckpointStore;
import dev.gated.engine.config.EmbeddingConfig;
import dev.gated.engine.config.JobConfig;
import dev.gated.engine.config.JobFiles;
import dev.gated.engine.config.ModelConfig;
import dev.gated.engine.config.TrainingConfig;
import dev.gated.engine.config.TranslationConfig;
import dev.gated.engine.io.AtomicFiles;
import dev.gated.engine.model.EarlyStopping;
import dev.gated.engine.model.Optimizer;
import dev.gated.engine.model.seq2seq.Seq2SeqModel;
import dev.gated.engine.model.seq2seq.Seq2SeqSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * A {@code task: translate} job: the parallel corpus ({@link TranslationData}), an encoder–decoder
 * ({@link Seq2SeqModel}), the {@link TranslationTrainer}, and at the end the test split translated greedily and
 * with beam search, scored with BLEU and chrF ({@link TranslationReport}). The run folder holds what every run
 * holds (job.yaml, preprocessing.json, checkpoints, metrics, model.safetensors, summary.json) plus
 * {@code translations.tsv} and {@code attention.json}.
 */
final class TranslationJob {
    private TranslationJob() {
    }

    static TrainingJob.Result run(JobConfig config, Path runDir, boolean resuming, TrainingListener listener,
                                  BooleanSupplier stopRequested, TrainingJob.Compute compute) {
        TranslationCorpus corpus = TranslationData.load(config, config.data().path(), null);
        corpus.notes().forEach(listener::onWarning);
        report(corpus, listener);
        Backends.Selection selection = compute == null
                ? Backends.select(config.training().device(), config.training().precision())
                : new Backends.Selection(compute.backend().get(), compute.reason());
        DType dtype = compute == null ? DType.FLOAT32 : compute.dtype();
        TrainingConfig tc = config.training();
        TranslationConfig t = config.translation().orElseThrow();
        Preprocessing preprocessing = corpus.preprocessing();
        try (Backend backend = selection.backend();
             Seq2SeqModel model = newModel(backend, config, corpus.record(), dtype);
             Optimizer optimizer = new Optimizer(model, TrainingJob.optimizerSettings(tc))) {
            String configYaml = JobFiles.toYaml(config);
            CheckpointStore store = new CheckpointStore(runDir, tc.keepCheckpoints());
            TranslationTrainer.Position pos = new TranslationTrainer.Position();
            Path resumedFrom = null;
            MetricsLog metrics;
            if (resuming) {
                CheckpointStore.Latest latest = store.latest();
                latest.skipped().forEach(s -> listener.onWarning("skipped checkpoint " + s.file() + ": " + s.reason()));
                CheckpointStore.Loaded loaded = latest.found().orElseThrow(() -> new IllegalStateException(
                        "--resume: no usable checkpoint in " + store.directory() + "\n" + latest.report()));
                Checkpoint c = loaded.checkpoint();
                pos = TranslationTrainer.restore(c, model, optimizer, loaded.file().toString());
                resumedFrom = loaded.file();
                metrics = MetricsLog.resume(runDir, pos.step);
            } else {
                Files.createDirectories(runDir);
                JobFiles.writeResolved(config, runDir.resolve(RunFolder.JOB));
                AtomicFiles.write(runDir.resolve(RunFolder.PREPROCESSING),
                        preprocessing.toJson().getBytes(StandardCharsets.UTF_8));
                corpus.pretrainedSource().ifPresent(w -> model.writeParameter(SOURCE_EMBEDDING, toDouble(w)));
                if (config.model().initFrom().isPresent()) {
                    ModelFiles.load(model, config.model().initFrom().get());
                }
                metrics = MetricsLog.create(runDir);
            }
            TranslationTrainer.Settings settings = new TranslationTrainer.Settings(tc.epochs(), tc.batchSize(),
                    tc.seed(), tc.clipGradNorm(), tc.checkpointEverySteps(), configYaml, tc.learningRate(),
                    tc.lrSchedule(), tc.earlyStopping(), tc.bucketing(), t.teacherForcingStart(),
                    t.teacherForcingEnd());
            TranslationTrainer trainer = new TranslationTrainer(model, optimizer, corpus.splits().train(),
                    corpus.splits().validation(), settings, store, metrics, listener, stopRequested);
            listener.onStart(new TrainingListener.Start(runDir, backend.name() + " (" + backend.description() + ")",
                    selection.reason(), model.parameterCount(), corpus.splits().train().size(),
                    trainer.stepsPerEpoch(), tc.epochs(), pos.step, resumedFrom));
            long start = System.nanoTime();
            TranslationTrainer.Outcome outcome = trainer.run(pos);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (outcome == TranslationTrainer.Outcome.INTERRUPTED) {
                return new TrainingJob.Result(runDir, config, false, pos.step, seconds, metrics.rows(), Map.of(),
                        Optional.empty(), Optional.empty(), List.of(), List.of());
            }
            boolean restoreBest = tc.earlyStopping().map(EarlyStopping::restoreBest).orElse(true)
                    && !corpus.splits().validation().isEmpty();
            Optional<CheckpointStore.Loaded> best = store.best();
            if (best.isPresent() && restoreBest) {
                ModelFiles.load(model, best.get().checkpoint().modelTensors(), best.get().file().toString());
            }
            Map<String, Double> summary = new LinkedHashMap<>();
            summary.put(corpus.splits().validation().isEmpty() ? "best_train_loss" : "best_val_loss", pos.bestLoss);
            summary.put("best_epoch", (double) pos.bestEpoch);
            if (pos.stoppedEpoch > 0) {
                summary.put("stopped_early_after_epoch", (double) pos.stoppedEpoch);
            }
            corpus.coverage().ifPresent(c -> summary.put("embedding_coverage", c.fraction()));
            summary.put("train_seconds", seconds);
            TranslationReport report = new TranslationReport(model, corpus.record(), t);
            List<Path> files = report.write(runDir, corpus.splits().test(), summary, listener);
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("task", "translate");
            meta.put("step", Long.toString(pos.step));
            meta.put(ModelFiles.CONFIG, configYaml);
            meta.put(ModelFiles.PREPROCESSING, preprocessing.toJson());
            Path modelFile = runDir.resolve(RunFolder.MODEL);
            ModelFiles.write(modelFile, ModelFiles.snapshot(model), meta);
            files.add(0, modelFile);
            files.add(TrainingJob.writeSummary(runDir, pos.step, pos.epoch, summary));
            files.add(runDir.resolve(MetricsLog.CSV));
            return new TrainingJob.Result(runDir, config, true, pos.step, seconds, metrics.rows(), summary,
                    Optional.empty(), Optional.empty(), List.of(), files);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    static final String SOURCE_EMBEDDING = "encoder.embedding.weight";

    /** The model a translation job (or a trained translation run) uses. */
    static Seq2SeqModel newModel(Backend backend, JobConfig config, TranslationRecord record, DType dtype) {
        ModelConfig m = config.model();
        EmbeddingConfig e = m.embedding().orElse(null);
        int dim = e == null ? EmbeddingConfig.DEFAULT_DIM : e.dim();
        boolean freeze = e != null && e.freeze();
        TranslationConfig t = config.translation().orElseThrow();
        Seq2SeqSpec spec = new Seq2SeqSpec(m.cell(), record.sourceVocabulary().size(),
                record.targetVocabulary().size(), dim, m.hidden(), m.layers(), m.bidirectional(), t.attention(),
                dtype, freeze, m.dropout());
        return new Seq2SeqModel(backend, spec, config.training().seed());
    }

    private static void report(TranslationCorpus corpus, TrainingListener listener) {
        List<String> lines = new java.util.ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%d training, %d validation, %d test pairs; vocabularies: %d source "
                        + "and %d target words (4 special tokens included)", corpus.splits().train().size(),
                corpus.splits().validation().size(), corpus.splits().test().size(),
                corpus.sourceVocabulary().size(), corpus.targetVocabulary().size()));
        corpus.coverage().ifPresent(c -> lines.add("pre-trained source embedding: " + c.summary()));
        listener.onReport("translation data", lines);
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
