package dev.gated.engine.forecast;

import dev.gated.engine.data.timeseries.DataFormatException;
import dev.gated.engine.data.timeseries.Panel;
import dev.gated.engine.data.timeseries.Series;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A forecasting job's data: the panel, which rows of each series train, validate and test, the statistics fitted on
 * each series' training rows only, and the encoded windows of each part.
 */
public final class ForecastData {
    private final Panel panel;
    private final WindowCodec codec;
    private final List<SeriesRange> ranges;
    private final List<SeriesStatistics> stats;
    private final int season;
    private final int movingAverage;
    private final ForecastWindows[] parts = new ForecastWindows[3];
    private final List<String> warnings = new ArrayList<>();

    /**
     * @param ranges        per series of the panel (index-aligned)
     * @param season        the seasonal period (1: none)
     * @param movingAverage the moving-average baseline's length
     * @param stride        rows between consecutive origins
     * @throws DataFormatException when no series has a training window (a horizon or window too long for the data)
     */
    public ForecastData(Panel panel, ForecastLayout layout, List<SeriesRange> ranges, int season, int movingAverage,
                        int stride) {
        if (ranges.size() != panel.size()) {
            throw new IllegalArgumentException("ranges: expected one per series (" + panel.size() + "), got "
                    + ranges.size());
        }
        this.panel = panel;
        this.codec = new WindowCodec(layout);
        this.ranges = List.copyOf(ranges);
        this.season = season;
        this.movingAverage = movingAverage;
        List<SeriesStatistics> st = new ArrayList<>();
        for (int i = 0; i < panel.size(); i++) {
            SeriesRange r = ranges.get(i);
            st.add(SeriesStatistics.fit(panel.get(i), r.trainStart(), r.trainEnd(), layout.targets(),
                    layout.difference(), Math.max(1, season)));
        }
        this.stats = List.copyOf(st);
        String[] names = {"train", "validation", "test"};
        for (int part = 0; part < 3; part++) {
            // Training windows carry the network's own horizon; evaluation windows need the whole forecast horizon.
            int steps = part == 0 ? layout.modelHorizon() : layout.horizon();
            List<Origin> origins = new ArrayList<>();
            List<WindowCodec.Encoded> enc = new ArrayList<>();
            for (int i = 0; i < panel.size(); i++) {
                Series s = panel.get(i);
                List<Origin> own = ranges.get(i).origins(s, i, part, layout.lookback(), steps, stride);
                if (part == 0 && own.isEmpty()) {
                    warnings.add(tooShort(s, ranges.get(i), layout, "training") + "; it is left out of training");
                }
                for (Origin o : own) {
                    origins.add(o);
                    enc.add(codec.encode(s, stats.get(i), o.row(), true));
                }
            }
            parts[part] = new ForecastWindows(layout, origins, enc);
            if (part > 0 && origins.isEmpty() && hasRows(part)) {
                warnings.add("the " + names[part] + " split is too short for one window of " + layout.window()
                        + " rows + horizon " + layout.horizon() + " in every series; it is skipped");
            }
        }
        if (parts[0].size() == 0) {
            Series s = panel.get(0);
            throw new DataFormatException(panel.source() + ": " + tooShort(s, ranges.get(0), layout, "training")
                    + (panel.size() > 1 ? " (and so has every other series)" : "") + "; use a shorter data.window or "
                    + "data.horizon, a smaller forecast.difference, a larger training fraction, or more rows");
        }
    }

    private boolean hasRows(int part) {
        return ranges.stream().anyMatch(r -> r.to(part) > r.from(part));
    }

    private static String tooShort(Series s, SeriesRange r, ForecastLayout l, String part) {
        return s.describe() + " has " + (r.trainEnd() - r.trainStart()) + " " + part + " rows (of " + s.observed()
                + "); one window needs window " + l.window() + (l.difference() > 0 ? " + difference "
                + l.difference() : "") + " + horizon " + l.modelHorizon() + " = "
                + (l.window() + l.difference() + l.modelHorizon()) + " rows";
    }

    /** The chronological split of every series by fractions: see {@link SeriesRange#ofFractions}. */
    public static List<SeriesRange> split(Panel panel, double train, double validation) {
        List<SeriesRange> out = new ArrayList<>();
        for (Series s : panel.series()) {
            out.add(SeriesRange.ofFractions(s.observed(), train, validation));
        }
        return out;
    }

    public Panel panel() {
        return panel;
    }

    public WindowCodec codec() {
        return codec;
    }

    public ForecastLayout layout() {
        return codec.layout();
    }

    public List<SeriesRange> ranges() {
        return ranges;
    }

    public List<SeriesStatistics> statistics() {
        return stats;
    }

    public int season() {
        return season;
    }

    /** The windows of part 0 (train), 1 (validation) or 2 (test); possibly empty. */
    public ForecastWindows part(int part) {
        return parts[part];
    }

    public ForecastWindows train() {
        return parts[0];
    }

    public List<String> warnings() {
        return warnings;
    }

    /** The naive baselines on this panel. */
    public List<Forecaster> baselines() {
        return Baselines.all(panel, season, movingAverage);
    }

    /** What the run saves to encode and decode as training did. */
    public ForecastRecord record() {
        return new ForecastRecord(codec.layout(), season, panel.frequency().map(f -> f.describe()), movingAverage,
                stats);
    }

    /** The record's frequency, if the panel has dates. */
    public Optional<String> frequency() {
        return panel.frequency().map(f -> f.describe());
    }
}
