package dev.gated.engine.train;

import dev.gated.engine.config.TaskKind;
import dev.gated.engine.config.TbpttConfig;
import dev.gated.engine.data.Dataset;
import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.forecast.ErrorMetrics;
import dev.gated.engine.forecast.ForecastData;
import dev.gated.engine.forecast.ForecastReport;
import dev.gated.engine.forecast.ForecastWindows;
import dev.gated.engine.forecast.Forecasts;
import dev.gated.engine.forecast.ModelForecaster;
import dev.gated.engine.forecast.Scores;
import dev.gated.engine.metrics.ClassificationMetrics;
import dev.gated.engine.model.SequenceModel;
import dev.gated.engine.model.StatefulStreams;
import dev.gated.engine.util.FloatArrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A model's loss and task metrics on a dataset, in inference mode: forecasting errors in the data's units (MSE,
 * MAE, RMSE, MAPE, sMAPE, MASE, and coverage and weighted quantile loss for quantile forecasts, see
 * {@link ErrorMetrics}), regression errors (MSE, MAE, RMSE), classification accuracy, macro F1 and the confusion
 * matrix, language-model perplexity and next-character accuracy. With {@code training.tbptt} a language model is
 * evaluated statefully: the split's text in streams (as many as the training batch size, fewer for a short text),
 * chunks of K1 steps, every step scored, the state carried from chunk to chunk starting from zeros.
 */
final class Evaluator {
    /** Examples per evaluation batch: large enough to be fast, small enough for a language model's logits. */
    static final int BATCH = 256;

    private final TaskKind task;
    private final List<String> classes;
    private final Optional<ForecastData> forecast;
    private final Optional<TbpttConfig> tbptt;
    private final int streams;

    Evaluator(JobData data) {
        this(data, Optional.empty(), 1);
    }

    /** {@code tbptt} present: language models are evaluated statefully over {@code streams} streams. */
    Evaluator(JobData data, Optional<TbpttConfig> tbptt, int streams) {
        this.task = data.task();
        this.classes = data.preprocessing().classes();
        this.forecast = data.forecast();
        this.tbptt = tbptt;
        this.streams = streams;
    }

    /**
     * @param predicted forecasting/regression: predictions [N, O] row-major in original units; else empty
     * @param actual    the matching targets
     * @param predictedClasses classification: the predicted class per example; else empty
     * @param actualClasses    classification: the true class per example
     * @param confusion classification: rows actual, columns predicted; else null
     */
    record Result(Map<String, Double> metrics, double[] predicted, double[] actual, int[] predictedClasses,
                  int[] actualClasses, long[][] confusion) {
    }

    /** Metrics named {@code prefix + name}: loss first, then the task's. */
    Result evaluate(SequenceModel model, Dataset data, String prefix) {
        if (forecast.isPresent()) {
            Map<String, Double> m = new LinkedHashMap<>();
            Forecasts f = forecasts(model, (ForecastWindows) data, m, prefix);
            m.putAll(Scores.of("model", forecast.get().panel(), f, forecast.get().statistics()).overall().toMap(prefix));
            return new Result(m, new double[0], new double[0], new int[0], new int[0], null);
        }
        if (tbptt.isPresent() && task == TaskKind.LANGUAGE_MODEL) {
            return stateful(model, data, prefix);
        }
        int n = data.size();
        double lossSum = 0;
        long rows = 0;
        int o = data.outputSize();
        boolean values = task == TaskKind.REGRESSION;
        double[] predicted = new double[values ? n * o : 0];
        double[] actual = new double[values ? n * o : 0];
        int[] predictedClasses = new int[task == TaskKind.CLASSIFY ? n : 0];
        int[] actualClasses = new int[predictedClasses.length];
        long correctSteps = 0;
        for (int from = 0; from < n; from += BATCH) {
            int to = Math.min(n, from + BATCH);
            SequenceBatch batch = data.batch(from, to);
            SequenceModel.Evaluation e = model.evaluate(batch);
            lossSum += e.loss() * e.rows();
            rows += e.rows();
            switch (task) {
                case FORECAST, REGRESSION -> {
                    double[] p = FloatArrays.toDouble(e.outputs());
                    double[] a = FloatArrays.toDouble(batch.y());
                    System.arraycopy(p, 0, predicted, from * o, p.length);
                    System.arraycopy(a, 0, actual, from * o, a.length);
                }
                case CLASSIFY -> {
                    int[] p = ClassificationMetrics.argmax(e.outputs(), e.rows(), o);
                    System.arraycopy(p, 0, predictedClasses, from, p.length);
                    System.arraycopy(batch.labels(), 0, actualClasses, from, p.length);
                }
                case LANGUAGE_MODEL -> correctSteps += correctSteps(batch, e, o);
            }
        }
        double loss = lossSum / rows;
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(prefix + "loss", loss);
        long[][] confusion = null;
        switch (task) {
            case FORECAST, REGRESSION -> {
                ErrorMetrics f = ErrorMetrics.of(predicted, actual);
                m.put(prefix + "mse", f.mse());
                m.put(prefix + "mae", f.mae());
                m.put(prefix + "rmse", f.rmse());
            }
            case CLASSIFY -> {
                ClassificationMetrics c = ClassificationMetrics.accumulator(o).add(predictedClasses, actualClasses)
                        .result();
                m.putAll(c.toMetrics(prefix, classes));
                confusion = c.confusion();
            }
            case LANGUAGE_MODEL -> languageModel(m, prefix, loss, correctSteps, rows);
        }
        return new Result(m, predicted, actual, predictedClasses, actualClasses, confusion);
    }

    /** A language model over the split's text in streams of carried state (see the class comment). */
    private Result stateful(SequenceModel model, Dataset data, String prefix) {
        TbpttBatches chunks = new TbpttBatches(data, streams, tbptt.get(), prefix + "split");
        double lossSum = 0;
        long rows = 0;
        long correct = 0;
        try (StatefulStreams s = new StatefulStreams(model, chunks.streams())) {
            for (long j = 0; j < chunks.chunks(); j++) {
                SequenceBatch batch = chunks.whole(j);
                SequenceModel.Evaluation e = s.evaluate(batch);
                lossSum += e.loss() * e.rows();
                rows += e.rows();
                correct += correctSteps(batch, e, data.outputSize());
            }
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(prefix + "loss", lossSum / rows);
        languageModel(m, prefix, lossSum / rows, correct, rows);
        return new Result(m, new double[0], new double[0], new int[0], new int[0], null);
    }

    private static void languageModel(Map<String, Double> m, String prefix, double loss, long correct, long rows) {
        m.put(prefix + "perplexity", Math.exp(loss));
        m.put(prefix + "accuracy", correct / (double) rows);
    }

    /** Valid steps of a language-model batch whose most likely next character is the right one. */
    private static long correctSteps(SequenceBatch batch, SequenceModel.Evaluation e, int o) {
        int[] p = ClassificationMetrics.argmax(e.outputs(), e.rows(), o);
        int k = 0;
        long correct = 0;
        for (int t = 0; t < batch.seqLength(); t++) {
            for (int b = 0; b < batch.batchSize(); b++) {
                if (t < batch.lengths()[b]) {
                    correct += p[k++] == batch.labels()[t * batch.batchSize() + b] ? 1 : 0;
                }
            }
        }
        return correct;
    }

    /**
     * The model's forecasts for the windows of a forecasting part, in the data's units, and (into {@code metrics})
     * its loss there: one inference pass per batch gives both for a direct forecast; a recursive one is rolled
     * out over the whole horizon after the one-step loss.
     */
    Forecasts forecasts(SequenceModel model, ForecastWindows windows, Map<String, Double> metrics, String prefix) {
        ForecastData fd = forecast.orElseThrow();
        int n = windows.size();
        int o = windows.outputSize();
        float[] outputs = new float[n * o];
        double lossSum = 0;
        for (int from = 0; from < n; from += BATCH) {
            int to = Math.min(n, from + BATCH);
            SequenceModel.Evaluation e = model.evaluate(windows.batch(from, to));
            lossSum += e.loss() * e.rows();
            System.arraycopy(e.outputs(), 0, outputs, from * o, e.outputs().length);
        }
        metrics.put(prefix + "loss", lossSum / n);
        ModelForecaster forecaster = new ModelForecaster(model, fd.codec(), fd.panel(), fd.statistics());
        if (fd.layout().strategy() == dev.gated.engine.forecast.Strategy.RECURSIVE) {
            return forecaster.forecast(windows.origins(), fd.layout().horizon());
        }
        List<dev.gated.engine.forecast.WindowCodec.Encoded> enc = new java.util.ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            enc.add(windows.encoded(k));
        }
        return forecaster.decode(windows.origins(), enc, outputs);
    }

    /** The test split's forecast report: the model and every baseline on the test windows. */
    ForecastReport report(SequenceModel model, ForecastWindows windows, String split, Map<String, Double> metrics,
                          String prefix) {
        Forecasts f = forecasts(model, windows, metrics, prefix);
        return ForecastReport.of(split, forecast.orElseThrow(), f);
    }
}
