package dev.gated.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.backend.DType;
import dev.gated.engine.config.DataConfig;
import dev.gated.engine.conformance.ReferenceBackend;
import dev.gated.engine.data.timeseries.Panel;
import dev.gated.engine.data.timeseries.PanelCsv;
import dev.gated.engine.data.timeseries.Series;
import dev.gated.engine.export.OnnxExport;
import dev.gated.engine.export.Ort;
import dev.gated.engine.export.OrtAvailable;
import dev.gated.engine.forecast.ForecastLayout;
import dev.gated.engine.forecast.ForecastRecord;
import dev.gated.engine.forecast.WindowCodec;
import dev.gated.engine.model.SequenceModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A tiny forecasting job trained in process (reference backend), exported to ONNX, and run in ONNX Runtime on the
 * windows {@code gated predict} forecasts from: the graph's {@code forecast} output, in the data's units, equals
 * {@link Predictor}'s CSV (point forecast and quantiles) within 1e-5 relative. Two jobs: window scaling with a
 * difference, quantiles, calendar features (future rows) and a stacked bidirectional GRU with residual and layer
 * norm; and global scaling, a change target, a point forecast and a one-layer LSTM.
 */
class OnnxExportEndToEndTest {
    private static final Path DATA = Path.of("..", "examples", "forecast", "synthetic-trend-season.csv");

    private static final String QUANTILES = """
            data: {kind: csv, path: series.csv, date_column: month, target_columns: [value], window: 12, horizon: 3,
                   calendar: [month]}
            task: {kind: forecast}
            forecast: {scaling: window, difference: 1, quantiles: [0.1, 0.5, 0.9]}
            model: {cell: gru, hidden: 6, layers: 2, bidirectional: true, residual: true, layer_norm: true,
                    dropout: {between: 0.1}}
            training: {steps: 12, batch_size: 16, learning_rate: 0.01, seed: 3}
            """;
    private static final String POINT = """
            data: {kind: csv, path: series.csv, date_column: month, target_columns: [value], window: 8, horizon: 2}
            task: {kind: forecast}
            forecast: {scaling: global, target: change}
            model: {cell: lstm, hidden: 5}
            training: {steps: 12, batch_size: 16, learning_rate: 0.01, seed: 4}
            """;

    @ParameterizedTest
    @ValueSource(strings = {QUANTILES, POINT})
    void ortForecastsAsGatedPredict(String job, @TempDir Path dir) throws IOException {
        OrtAvailable.assume();
        Files.copy(DATA, dir.resolve("series.csv"));
        Path jobFile = dir.resolve("job.yaml");
        Files.writeString(jobFile, job + "output: {dir: " + dir.resolve("runs") + ", name: r}\n");
        TrainingJob.Result result = TrainingJob.run(new TrainingJob.Options(jobFile, List.of(), RunFolder.Resume.NEVER,
                false), new TrainingListener() { }, () -> false,
                new TrainingJob.Compute(ReferenceBackend::new, DType.FLOAT32, "test"));
        assertTrue(result.finished());

        TrainedRun run = TrainedRun.open(result.runDir());
        Path input = dir.resolve("series.csv");
        try (ReferenceBackend backend = new ReferenceBackend();
             SequenceModel model = run.model(backend, run.weights("model"))) {
            Path predicted = dir.resolve("predicted.csv");
            Predictor.predict(run, model, input, predicted);
            List<double[]> expected = predictionRows(predicted);

            // The windows predict forecasts from, encoded as it encodes them (WindowCodec): the graph's inputs.
            ForecastRecord rec = run.preprocessing().forecast().orElseThrow();
            ForecastLayout l = rec.layout();
            WindowCodec codec = new WindowCodec(l);
            DataConfig d = run.config().data();
            Panel panel = PanelCsv.read(input, JobData.csvLayout(d), d.nanPolicy(), true);
            Series s = panel.get(0);
            List<WindowCodec.Encoded> windows = new ArrayList<>();
            for (int o = l.lookback(); o < s.observed(); o++) {
                windows.add(codec.encode(s, rec.statistics(s.id()).orElse(null), o, false));
            }
            Map<String, float[]> ort = Ort.run(OnnxExport.ofRun(run, model, "test", Map.of()).bytes(),
                    inputs(l, windows));
            float[] forecast = ort.get(OnnxExport.FORECAST);
            int hm = l.modelHorizon();
            int q = l.quantileCount();
            assertEquals(windows.size() * hm, expected.size(), "rows of predicted.csv");
            assertEquals(expected.size() * q, forecast.length);
            for (int r = 0; r < expected.size(); r++) {
                double[] row = expected.get(r);
                // predicted_value is the median (index 1 of 0.1, 0.5, 0.9), then the quantiles ascending.
                assertClose(row[0], forecast[r * q + l.medianIndex()], "row " + r + " point");
                for (int k = 0; k < row.length - 1; k++) {
                    assertClose(row[1 + k], forecast[r * q + k], "row " + r + " quantile " + k);
                }
            }
        }
    }

    private static Map<String, Ort.Input> inputs(ForecastLayout l, List<WindowCodec.Encoded> windows) {
        int b = windows.size();
        int t = l.seqLength();
        int in = l.inputSize();
        int j = l.targets();
        int d = l.difference();
        float[] x = new float[t * b * in];
        float[] scale = new float[b * j];
        float[] base = new float[b * j];
        float[] recent = new float[b * j * d];
        int[] lens = new int[b];
        for (int w = 0; w < b; w++) {
            WindowCodec.Encoded e = windows.get(w);
            lens[w] = t;
            for (int step = 0; step < t; step++) {
                System.arraycopy(e.x(), step * in, x, (step * b + w) * in, in);
            }
            for (int k = 0; k < j; k++) {
                scale[w * j + k] = (float) e.scale()[k];
                base[w * j + k] = (float) e.base()[k];
                for (int i = 0; i < d; i++) {
                    recent[(w * j + k) * d + i] = (float) e.recent()[k][i];
                }
            }
        }
        Map<String, Ort.Input> m = new LinkedHashMap<>();
        m.put(OnnxExport.X, Ort.Input.floats(x, t, b, in));
        m.put(OnnxExport.SEQUENCE_LENS, Ort.Input.ints(lens, b));
        m.put(OnnxExport.TARGET_SCALE, Ort.Input.floats(scale, b, j));
        m.put(OnnxExport.TARGET_BASE, Ort.Input.floats(base, b, j));
        if (d > 0) {
            m.put(OnnxExport.RECENT, Ort.Input.floats(recent, b, j, d));
        }
        return m;
    }

    /** predicted.csv's value columns (origin_month, step, month, predicted_value[, value_qNN...]). */
    private static List<double[]> predictionRows(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        List<double[]> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",");
            double[] v = new double[cells.length - 3];
            for (int i = 0; i < v.length; i++) {
                v[i] = Double.parseDouble(cells[3 + i]);
            }
            rows.add(v);
        }
        return rows;
    }

    private static void assertClose(double expected, double actual, String what) {
        double err = Math.abs(actual - expected) / Math.max(Math.abs(expected), 1);
        assertTrue(err <= 1e-5, what + ": ONNX Runtime " + actual + ", gated predict " + expected
                + " (relative error " + err + ")");
    }
}
