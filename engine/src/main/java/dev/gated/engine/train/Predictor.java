package dev.gated.engine.train;

import dev.gated.engine.io.CsvCells;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.config.DataConfig;
import dev.gated.engine.data.Dataset;
import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.data.arrays.NpyArrays;
import dev.gated.engine.data.sequences.LabeledSequences;
import dev.gated.engine.data.timeseries.DataFormatException;
import dev.gated.engine.data.timeseries.Panel;
import dev.gated.engine.data.timeseries.PanelCsv;
import dev.gated.engine.data.timeseries.Series;
import dev.gated.engine.forecast.ForecastLayout;
import dev.gated.engine.forecast.ForecastRecord;
import dev.gated.engine.forecast.ForecastReport;
import dev.gated.engine.forecast.Forecasts;
import dev.gated.engine.forecast.ModelForecaster;
import dev.gated.engine.forecast.Origin;
import dev.gated.engine.forecast.Scaling;
import dev.gated.engine.forecast.SeriesStatistics;
import dev.gated.engine.forecast.Strategy;
import dev.gated.engine.forecast.WindowCodec;
import dev.gated.engine.io.AtomicFiles;
import dev.gated.engine.io.HostTensor;
import dev.gated.engine.io.Npy;
import dev.gated.engine.metrics.ClassificationMetrics;
import dev.gated.engine.model.SequenceModel;
import dev.gated.engine.util.FloatArrays;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Predictions of a trained model on new data, in the data's original units, written as CSV or .npy:
 * <ul>
 *   <li>forecasting: a CSV laid out like the training file; the forecasts of the whole horizon from every row with
 *       a window of history (or only from each series' last row), one output row per origin and step, with the
 *       quantiles of a probabilistic model;</li>
 *   <li>classification of words: a CSV or TSV file with the run's text column (the label column may be absent),
 *       read with the run's tokenizer and vocabulary; the predicted class and each class's probability;</li>
 *   <li>classification: a sequences CSV (the label column may be absent) or an .npy folder with {@code x.npy}
 *       (and {@code lengths.npy}); the predicted class and, in CSV, each class's probability;</li>
 *   <li>regression: an .npy folder; the predicted values.</li>
 * </ul>
 */
public final class Predictor {
    private Predictor() {
    }

    /** What was written. */
    public record Written(Path file, int rows) {
    }

    public static Written predict(TrainedRun run, SequenceModel model, Path input, Path output) throws IOException {
        return predict(run, model, input, output, false);
    }

    /** @param lastOnly forecasting: only from each series' last row (else from every row with enough history) */
    public static Written predict(TrainedRun run, SequenceModel model, Path input, Path output, boolean lastOnly)
            throws IOException {
        boolean npyOut = output.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy");
        if (!npyOut && !output.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
            throw new IllegalArgumentException("--output " + output + ": expected a file ending in .csv or .npy");
        }
        DataConfig d = run.config().data();
        Preprocessing pre = run.preprocessing();
        return switch (run.config().task().kind()) {
            case FORECAST -> forecast(run, model, input, output, npyOut, lastOnly);
            case CLASSIFY, REGRESSION -> examples(run, d, pre, model, input, output, npyOut);
            case LANGUAGE_MODEL -> throw new IllegalArgumentException("this run is a language model: use "
                    + "'gated generate " + run.runDir() + " --prompt TEXT' to sample text from it");
            case TRANSLATE -> throw new IllegalArgumentException("this run translates sentences: use "
                    + "'gated translate " + run.runDir() + "'");
        };
    }

    /**
     * Forecasts from a CSV laid out like the training file (the same target, input, known, id and date columns):
     * from every row with a window of history ({@code lastOnly}: each series' last row), {@code horizon} steps,
     * written one row per origin and step. Rows at a series' end whose targets are empty are its future part and
     * give the known columns' future values; calendar features and dates continue at the data's frequency.
     */
    private static Written forecast(TrainedRun run, SequenceModel model, Path input, Path output, boolean npyOut,
                                    boolean lastOnly) throws IOException {
        DataConfig d = run.config().data();
        ForecastRecord rec = run.preprocessing().forecast().orElseThrow(() -> new IllegalStateException(
                run.runDir() + ": the run's preprocessing record has no forecast section (a run of an older Gated?)"));
        ForecastLayout l = rec.layout();
        Panel panel = PanelCsv.read(input, JobData.csvLayout(d), d.nanPolicy(), true);
        List<SeriesStatistics> stats = new ArrayList<>();
        List<Origin> origins = new ArrayList<>();
        for (int i = 0; i < panel.size(); i++) {
            Series s = panel.get(i);
            Optional<SeriesStatistics> st = rec.statistics(s.id());
            if (st.isEmpty() && l.scaling() == Scaling.GLOBAL) {
                throw new DataFormatException(input + ": " + s.describe() + " was not a training series, and "
                        + "forecast.scaling global scales each series by its training rows' statistics; forecast only "
                        + "the training series " + rec.series().stream().map(SeriesStatistics::id).toList()
                        + ", or train with forecast.scaling: window");
            }
            stats.add(st.orElse(null));
            List<Origin> own = new ArrayList<>();
            // Known columns must be given for the steps a pass reads: the whole horizon when recursive.
            int needed = l.columns().known().isEmpty() ? 0 : l.strategy() == Strategy.DIRECT ? l.modelHorizon()
                    : l.horizon();
            for (int o = l.lookback(); o < s.observed(); o++) {
                if (o - l.lookback() >= s.segmentStart(o) && o + needed < s.length()) {
                    own.add(new Origin(i, o));
                }
            }
            if (own.isEmpty() || own.get(own.size() - 1).row() != s.observed() - 1) {
                throw new DataFormatException(input + ": " + s.describe() + " has " + s.observed() + " rows of history"
                        + " ending at line " + s.line(s.observed() - 1) + "; a forecast from its last row needs "
                        + (s.observed() < l.lookback() + 1 ? "at least " + (l.lookback() + 1) + " rows of history "
                        + "(window " + l.window() + (l.difference() > 0 ? " + difference " + l.difference() : "")
                        + ")" : "the known columns " + l.columns().known() + " for the " + needed + " rows after it "
                        + "(the file has " + (s.length() - s.observed()) + "): add them as rows with empty targets"));
            }
            origins.addAll(lastOnly ? List.of(own.get(own.size() - 1)) : own);
        }
        Forecasts f = new ModelForecaster(model, new WindowCodec(l), panel, stats).forecast(origins, l.horizon());
        int o = l.targets();
        if (npyOut) {
            float[] flat = new float[origins.size() * l.horizon() * o];
            for (int i = 0; i < origins.size(); i++) {
                for (int h = 0; h < l.horizon(); h++) {
                    for (int j = 0; j < o; j++) {
                        flat[(i * l.horizon() + h) * o + j] = (float) f.point()[i][h][j];
                    }
                }
            }
            Npy.write(output, HostTensor.ofFloats(Shape.of(origins.size(), l.horizon(), o), flat));
            return new Written(output, origins.size());
        }
        String dateName = d.dateColumn().orElse("");
        StringBuilder sb = new StringBuilder(panel.named() ? CsvCells.cell(d.idColumn().orElse("series")) + "," : "");
        sb.append(dateName.isEmpty() ? "origin_row" : CsvCells.cell("origin_" + dateName)).append(",step,")
                .append(dateName.isEmpty() ? "row" : CsvCells.cell(dateName));
        for (String t : l.columns().targets()) {
            sb.append(',').append(CsvCells.cell("predicted_" + t));
            for (double q : l.quantiles()) {
                sb.append(',').append(CsvCells.cell(t + "_q" + ForecastReport.level(q)));
            }
        }
        sb.append('\n');
        for (int i = 0; i < origins.size(); i++) {
            Series s = panel.get(origins.get(i).series());
            int origin = origins.get(i).row();
            for (int h = 0; h < l.horizon(); h++) {
                if (panel.named()) {
                    sb.append(CsvCells.cell(s.id())).append(',');
                }
                sb.append(CsvCells.cell(s.label(origin))).append(',').append(h + 1).append(',')
                        .append(CsvCells.cell(s.label(origin + h + 1)));
                for (int j = 0; j < o; j++) {
                    sb.append(',').append(CsvCells.number(f.point()[i][h][j]));
                    if (f.probabilistic()) {
                        for (double v : f.quantiles()[i][h][j]) {
                            sb.append(',').append(CsvCells.number(v));
                        }
                    }
                }
                sb.append('\n');
            }
        }
        AtomicFiles.write(output, sb.toString().getBytes(StandardCharsets.UTF_8));
        return new Written(output, origins.size() * l.horizon());
    }

    private static Written examples(TrainedRun run, DataConfig d, Preprocessing pre, SequenceModel model, Path input,
                                    Path output, boolean npyOut) throws IOException {
        boolean classify = run.config().task().kind() == dev.gated.engine.config.TaskKind.CLASSIFY;
        Dataset data;
        List<String> ids;
        double[] mean = pre.featureMean();
        double[] std = pre.featureStd();
        boolean words = pre.words().isPresent();
        if (words) {
            data = WordData.readForPrediction(input, run.config(), pre);
            ids = null;
        } else if (java.nio.file.Files.isDirectory(input)) {
            NpyArrays a = NpyArrays.readInputs(input);
            data = mean.length > 0 ? a.standardized(mean, std) : a;
            ids = null;
        } else {
            LabeledSequences seq = LabeledSequences.read(input, d.sequenceColumn(), d.inputColumns(), d.labelColumn(),
                    d.maxLength(), d.nanPolicy(), Optional.of(pre.classes()));
            data = mean.length > 0 ? seq.standardized(mean, std) : seq;
            ids = seq.sequenceIds();
        }
        if (!words && data.inputSize() != model.spec().inputSize()) {
            throw new IllegalArgumentException(input + ": expected " + model.spec().inputSize()
                    + " input features per step (as in training), found " + data.inputSize());
        }
        int n = data.size();
        int o = model.outputSize();
        float[] outputs = new float[n * o];
        for (int from = 0; from < n; from += Evaluator.BATCH) {
            int to = Math.min(n, from + Evaluator.BATCH);
            float[] out = model.predict(withoutTargets(data.batch(from, to), classify, o));
            System.arraycopy(out, 0, outputs, from * o, out.length);
        }
        List<String> classes = pre.classes();
        if (npyOut) {
            if (classify) {
                int[] labels = ClassificationMetrics.argmax(outputs, n, o);
                long[] l = new long[n];
                for (int i = 0; i < n; i++) {
                    l[i] = labels[i];
                }
                Npy.write(output, HostTensor.ofLongs(Shape.of(n), l));
            } else {
                Npy.write(output, HostTensor.ofFloats(Shape.of(n, o), outputs));
            }
            return new Written(output, n);
        }
        StringBuilder sb = new StringBuilder(ids == null ? "index" : CsvCells.cell(d.sequenceColumn()));
        if (classify) {
            sb.append(",predicted");
            for (String c : classes) {
                sb.append(',').append(CsvCells.cell("p_" + c));
            }
        } else {
            for (String c : pre.outputNames()) {
                sb.append(",predicted_").append(c);
            }
        }
        sb.append('\n');
        int[] labels = classify ? ClassificationMetrics.argmax(outputs, n, o) : null;
        for (int k = 0; k < n; k++) {
            sb.append(CsvCells.cell(ids == null ? Integer.toString(k) : ids.get(k)));
            if (classify) {
                sb.append(',').append(CsvCells.cell(classes.get(labels[k])));
                for (double p : softmax(outputs, k * o, o)) {
                    sb.append(',').append(String.format(Locale.ROOT, "%.6f", p));
                }
            } else {
                for (int j = 0; j < o; j++) {
                    sb.append(',').append(CsvCells.number(outputs[k * o + j]));
                }
            }
            sb.append('\n');
        }
        AtomicFiles.write(output, sb.toString().getBytes(StandardCharsets.UTF_8));
        return new Written(output, n);
    }

    /** Inputs read for prediction may carry placeholder targets of another width: predict ignores them. */
    private static SequenceBatch withoutTargets(SequenceBatch b, boolean classify, int outputs) {
        if (b.hasTokens()) {
            return classify ? SequenceBatch.ofTokens(b.seqLength(), b.batchSize(), outputs, b.tokens(), b.lengths(),
                    new int[b.batchSize()]) : SequenceBatch.ofTokens(b.seqLength(), b.batchSize(), outputs, b.tokens(),
                    b.lengths(), new float[b.batchSize() * outputs]);
        }
        return classify ? SequenceBatch.ofLabels(b.seqLength(), b.batchSize(), b.inputSize(), outputs, b.x(),
                b.lengths(), new int[b.batchSize()])
                : new SequenceBatch(b.seqLength(), b.batchSize(), b.inputSize(), outputs, b.x(), b.lengths(),
                new float[b.batchSize() * outputs]);
    }

    private static double[] softmax(float[] logits, int offset, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, logits[offset + i]);
        }
        double[] p = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp(logits[offset + i] - max);
            sum += p[i];
        }
        for (int i = 0; i < n; i++) {
            p[i] /= sum;
        }
        return p;
    }
}
