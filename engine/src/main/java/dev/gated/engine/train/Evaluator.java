package dev.gated.engine.train;

import dev.gated.engine.config.TaskKind;
import dev.gated.engine.data.Dataset;
import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.data.timeseries.ForecastMetrics;
import dev.gated.engine.data.timeseries.Standardizer;
import dev.gated.engine.metrics.ClassificationMetrics;
import dev.gated.engine.model.SequenceModel;
import dev.gated.engine.util.FloatArrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A model's loss and task metrics on a dataset, in inference mode: forecasting and regression errors (MSE, MAE,
 * RMSE, and MAPE for forecasting) in the data's original units, classification accuracy, macro F1 and the
 * confusion matrix, language-model perplexity and next-character accuracy.
 */
final class Evaluator {
    /** Examples per evaluation batch: large enough to be fast, small enough for a language model's logits. */
    static final int BATCH = 256;

    private final TaskKind task;
    private final Optional<Standardizer> standardizer;
    private final List<String> targets;
    private final List<String> classes;

    Evaluator(JobData data) {
        this.task = data.task();
        this.standardizer = data.standardizer();
        this.targets = data.preprocessing().outputNames();
        this.classes = data.preprocessing().classes();
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
        int n = data.size();
        double lossSum = 0;
        long rows = 0;
        int o = data.outputSize();
        boolean values = task == TaskKind.FORECAST || task == TaskKind.REGRESSION;
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
                    if (standardizer.isPresent()) {
                        p = standardizer.get().inverse(targets, p);
                        a = standardizer.get().inverse(targets, a);
                    }
                    System.arraycopy(p, 0, predicted, from * o, p.length);
                    System.arraycopy(a, 0, actual, from * o, a.length);
                }
                case CLASSIFY -> {
                    int[] p = ClassificationMetrics.argmax(e.outputs(), e.rows(), o);
                    System.arraycopy(p, 0, predictedClasses, from, p.length);
                    System.arraycopy(batch.labels(), 0, actualClasses, from, p.length);
                }
                case LANGUAGE_MODEL -> {
                    int[] p = ClassificationMetrics.argmax(e.outputs(), e.rows(), o);
                    int k = 0;
                    for (int t = 0; t < batch.seqLength(); t++) {
                        for (int b = 0; b < batch.batchSize(); b++) {
                            if (t < batch.lengths()[b]) {
                                correctSteps += p[k++] == batch.labels()[t * batch.batchSize() + b] ? 1 : 0;
                            }
                        }
                    }
                }
            }
        }
        double loss = lossSum / rows;
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(prefix + "loss", loss);
        long[][] confusion = null;
        switch (task) {
            case FORECAST, REGRESSION -> {
                ForecastMetrics f = ForecastMetrics.of(predicted, actual);
                m.put(prefix + "mse", f.mse());
                m.put(prefix + "mae", f.mae());
                m.put(prefix + "rmse", f.rmse());
                if (task == TaskKind.FORECAST && f.mapeCount() > 0) {
                    m.put(prefix + "mape", f.mape());
                }
            }
            case CLASSIFY -> {
                ClassificationMetrics c = ClassificationMetrics.accumulator(o).add(predictedClasses, actualClasses)
                        .result();
                m.putAll(c.toMetrics(prefix, classes));
                confusion = c.confusion();
            }
            case LANGUAGE_MODEL -> {
                m.put(prefix + "perplexity", Math.exp(loss));
                m.put(prefix + "accuracy", correctSteps / (double) rows);
            }
        }
        return new Result(m, predicted, actual, predictedClasses, actualClasses, confusion);
    }

    /** The naive last-value forecast's errors on the test windows (original units), as {@code test_baseline_*}. */
    static void putBaseline(Map<String, Double> m, dev.gated.engine.data.timeseries.Windows rawTest) {
        ForecastMetrics base = ForecastMetrics.lastValueBaseline(rawTest);
        m.put("test_baseline_mse", base.mse());
        m.put("test_baseline_mae", base.mae());
        m.put("test_baseline_rmse", base.rmse());
        if (base.mapeCount() > 0) {
            m.put("test_baseline_mape", base.mape());
        }
    }
}
