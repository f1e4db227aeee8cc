package dev.gated.engine.train;

import dev.gated.engine.backend.Shape;
import dev.gated.engine.config.DataConfig;
import dev.gated.engine.data.Dataset;
import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.data.arrays.NpyArrays;
import dev.gated.engine.data.sequences.LabeledSequences;
import dev.gated.engine.data.timeseries.Standardizer;
import dev.gated.engine.data.timeseries.TimeSeries;
import dev.gated.engine.data.timeseries.TimeSeriesCsv;
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
 *   <li>forecasting: a CSV with the job's input and target columns (the history); one forecast per window of
 *       {@code window} rows ending at each row, for the row {@code horizon} steps later (also past the end of the
 *       file);</li>
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
        boolean npyOut = output.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy");
        if (!npyOut && !output.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
            throw new IllegalArgumentException("--output " + output + ": expected a file ending in .csv or .npy");
        }
        DataConfig d = run.config().data();
        Preprocessing pre = run.preprocessing();
        return switch (run.config().task().kind()) {
            case FORECAST -> forecast(d, pre, model, input, output, npyOut);
            case CLASSIFY, REGRESSION -> examples(run, d, pre, model, input, output, npyOut);
            case LANGUAGE_MODEL -> throw new IllegalArgumentException("this run is a language model: use "
                    + "'gated generate " + run.runDir() + " --prompt TEXT' to sample text from it");
        };
    }

    private static Written forecast(DataConfig d, Preprocessing pre, SequenceModel model, Path input, Path output,
                                    boolean npyOut) throws IOException {
        TimeSeries s = TimeSeriesCsv.read(input, d.inputColumns(), d.targetColumns(), d.dateColumn().orElse(null),
                d.nanPolicy());
        int w = d.window();
        if (s.length() < w) {
            throw new IllegalArgumentException(input + ": expected at least window = " + w + " rows of history, found "
                    + s.length());
        }
        Optional<Standardizer> st = pre.columnScaling().isEmpty() ? Optional.empty()
                : Optional.of(Standardizer.fromMap(pre.columnScaling()));
        int in = d.inputColumns().size();
        int o = d.targetColumns().size();
        int count = s.length() - w + 1;
        double[] predicted = new double[count * o];
        for (int from = 0; from < count; from += Evaluator.BATCH) {
            int b = Math.min(Evaluator.BATCH, count - from);
            float[] x = new float[w * b * in];
            for (int k = 0; k < b; k++) {
                for (int t = 0; t < w; t++) {
                    for (int i = 0; i < in; i++) {
                        String col = d.inputColumns().get(i);
                        double v = s.value(col, from + k + t);
                        x[(t * b + k) * in + i] = (float) (st.isPresent() ? st.get().transform(col, v) : v);
                    }
                }
            }
            int[] lengths = new int[b];
            java.util.Arrays.fill(lengths, w);
            float[] out = model.predict(new SequenceBatch(w, b, in, o, x, lengths, new float[b * o]));
            double[] values = st.isPresent() ? st.get().inverse(d.targetColumns(), out) : FloatArrays.toDouble(out);
            System.arraycopy(values, 0, predicted, from * o, values.length);
        }
        if (npyOut) {
            Npy.write(output, HostTensor.ofFloats(Shape.of(count, o), FloatArrays.toFloat(predicted)));
            return new Written(output, count);
        }
        StringBuilder sb = new StringBuilder(d.dateColumn().map(c -> "last_" + c).orElse("last_row"))
                .append(",steps_ahead");
        for (String c : d.targetColumns()) {
            sb.append(",predicted_").append(c);
        }
        sb.append('\n');
        List<String> dates = s.dates().orElse(null);
        for (int k = 0; k < count; k++) {
            int last = k + w - 1;
            sb.append(Csv.cell(dates == null ? Integer.toString(last) : dates.get(last))).append(',')
                    .append(d.horizon());
            for (int j = 0; j < o; j++) {
                sb.append(',').append(Csv.number(predicted[k * o + j]));
            }
            sb.append('\n');
        }
        AtomicFiles.write(output, sb.toString().getBytes(StandardCharsets.UTF_8));
        return new Written(output, count);
    }

    private static Written examples(TrainedRun run, DataConfig d, Preprocessing pre, SequenceModel model, Path input,
                                    Path output, boolean npyOut) throws IOException {
        boolean classify = run.config().task().kind() == dev.gated.engine.config.TaskKind.CLASSIFY;
        Dataset data;
        List<String> ids;
        double[] mean = pre.featureMean();
        double[] std = pre.featureStd();
        if (java.nio.file.Files.isDirectory(input)) {
            NpyArrays a = NpyArrays.readInputs(input);
            data = mean.length > 0 ? a.standardized(mean, std) : a;
            ids = null;
        } else {
            LabeledSequences seq = LabeledSequences.read(input, d.sequenceColumn(), d.inputColumns(), d.labelColumn(),
                    d.maxLength(), d.nanPolicy(), Optional.of(pre.classes()));
            data = mean.length > 0 ? seq.standardized(mean, std) : seq;
            ids = seq.sequenceIds();
        }
        if (data.inputSize() != model.spec().inputSize()) {
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
        StringBuilder sb = new StringBuilder(ids == null ? "index" : Csv.cell(d.sequenceColumn()));
        if (classify) {
            sb.append(",predicted");
            for (String c : classes) {
                sb.append(',').append(Csv.cell("p_" + c));
            }
        } else {
            for (String c : pre.outputNames()) {
                sb.append(",predicted_").append(c);
            }
        }
        sb.append('\n');
        int[] labels = classify ? ClassificationMetrics.argmax(outputs, n, o) : null;
        for (int k = 0; k < n; k++) {
            sb.append(Csv.cell(ids == null ? Integer.toString(k) : ids.get(k)));
            if (classify) {
                sb.append(',').append(Csv.cell(classes.get(labels[k])));
                for (double p : softmax(outputs, k * o, o)) {
                    sb.append(',').append(String.format(Locale.ROOT, "%.6f", p));
                }
            } else {
                for (int j = 0; j < o; j++) {
                    sb.append(',').append(Csv.number(outputs[k * o + j]));
                }
            }
            sb.append('\n');
        }
        AtomicFiles.write(output, sb.toString().getBytes(StandardCharsets.UTF_8));
        return new Written(output, n);
    }

    /** Inputs read for prediction may carry placeholder targets of another width: predict ignores them. */
    private static SequenceBatch withoutTargets(SequenceBatch b, boolean classify, int outputs) {
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
