package dev.gated.engine.forecast;

import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.data.timeseries.Panel;
import dev.gated.engine.data.timeseries.Series;
import dev.gated.engine.data.timeseries.SeriesRows;
import dev.gated.engine.model.SequenceModel;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The trained network as a {@link Forecaster}: windows encoded by the {@link WindowCodec}, run in inference mode in
 * batches, decoded back to the data's units. {@link Strategy#DIRECT} forecasts every step in one pass;
 * {@link Strategy#RECURSIVE} forecasts one step, writes its point forecast (the median) over the series' next row,
 * and repeats.
 */
public final class ModelForecaster implements Forecaster {
    /** Windows per inference batch. */
    static final int BATCH = 256;

    private final SequenceModel model;
    private final WindowCodec codec;
    private final Panel panel;
    private final List<SeriesStatistics> stats;

    public ModelForecaster(SequenceModel model, WindowCodec codec, Panel panel, List<SeriesStatistics> stats) {
        this.model = model;
        this.codec = codec;
        this.panel = panel;
        this.stats = stats;
    }

    @Override
    public String name() {
        return "model";
    }

    @Override
    public Forecasts forecast(List<Origin> origins, int horizon) {
        ForecastLayout l = codec.layout();
        if (l.strategy() == Strategy.DIRECT) {
            if (horizon != l.horizon()) {
                throw new IllegalArgumentException("horizon: this model forecasts " + l.horizon() + " steps, asked "
                        + "for " + horizon);
            }
            List<WindowCodec.Encoded> enc = new ArrayList<>(origins.size());
            for (Origin o : origins) {
                enc.add(codec.encode(panel.get(o.series()), stats.get(o.series()), o.row(), false));
            }
            return decode(origins, enc, predict(l, enc));
        }
        int n = origins.size();
        int targets = l.targets();
        int q = l.quantileCount();
        double[][][][] decoded = new double[n][horizon][][];
        double[][][] path = new double[n][targets][horizon];
        for (int h = 0; h < horizon; h++) {
            List<WindowCodec.Encoded> enc = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Origin o = origins.get(i);
                SeriesRows rows = new Extended(panel.get(o.series()), o.row(), path[i], h, targets);
                enc.add(codec.encode(rows, stats.get(o.series()), o.row() + h, false));
            }
            float[] out = predict(l, enc);
            for (int i = 0; i < n; i++) {
                double[][] step = codec.decode(enc.get(i), out, i * l.outputSize())[0];
                decoded[i][h] = step;
                for (int j = 0; j < targets; j++) {
                    path[i][j][h] = step[j][l.medianIndex()];
                }
            }
        }
        return Forecasts.ofDecoded(origins, decoded, l.quantiles(), q == 1 ? 0 : l.medianIndex());
    }

    /** The network's outputs for encoded windows, {@code [window][outputSize]} flattened. */
    float[] predict(ForecastLayout l, List<WindowCodec.Encoded> enc) {
        int out = l.outputSize();
        float[] all = new float[enc.size() * out];
        for (int from = 0; from < enc.size(); from += BATCH) {
            int b = Math.min(BATCH, enc.size() - from);
            int start = from;
            SequenceBatch batch = ForecastWindows.batch(l, b, k -> enc.get(start + k));
            System.arraycopy(model.predict(batch), 0, all, from * out, b * out);
        }
        return all;
    }

    /** Decodes direct outputs of encoded windows ({@code outputs[i * outputSize ...]} for window i). */
    public Forecasts decode(List<Origin> origins, List<WindowCodec.Encoded> enc, float[] outputs) {
        return decode(codec, origins, enc, outputs);
    }

    static Forecasts decode(WindowCodec codec, List<Origin> origins, List<WindowCodec.Encoded> enc, float[] outputs) {
        ForecastLayout l = codec.layout();
        double[][][][] decoded = new double[origins.size()][][][];
        for (int i = 0; i < origins.size(); i++) {
            decoded[i] = codec.decode(enc.get(i), outputs, i * l.outputSize());
        }
        return Forecasts.ofDecoded(origins, decoded, l.quantiles(), l.quantileCount() == 1 ? 0 : l.medianIndex());
    }

    /** A series whose targets after the origin are the forecasts made so far (a recursive forecast's history). */
    private record Extended(Series s, int origin, double[][] path, int filled, int targets) implements SeriesRows {
        @Override
        public String id() {
            return s.id();
        }

        @Override
        public double value(int c, int row) {
            if (c < targets && row > origin) {
                int k = row - origin - 1;
                if (k < filled) {
                    return path[c][k];
                }
            }
            return row < s.length() ? s.value(c, row) : Double.NaN;
        }

        @Override
        public LocalDateTime date(int row) {
            return s.date(row);
        }
    }
}
