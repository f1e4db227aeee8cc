package dev.gated.engine.forecast;

import dev.gated.engine.data.timeseries.Panel;
import dev.gated.engine.data.timeseries.Series;

import java.util.ArrayList;
import java.util.List;

/**
 * The naive forecasts every forecasting run is compared with, read from the series itself (in the data's units)
 * using only rows up to the origin and in the origin's segment (the rows since the last break):
 * <ul>
 *   <li>{@code last_value}: {@code y(o)} for every step (the random walk, "tomorrow = today");</li>
 *   <li>{@code seasonal_naive}: the value one season before the target, {@code y(o + h - m * ceil(h / m))} for
 *       season m (only when m &gt; 1; with less than a season of history, the last value);</li>
 *   <li>{@code drift}: the last value plus h times the average change over the history,
 *       {@code y(o) + h * (y(o) - y(a)) / (o - a)} with a the segment's first row;</li>
 *   <li>{@code moving_average}: the mean of the last k values (fewer when the history is shorter).</li>
 * </ul>
 */
public final class Baselines {
    /** Every baseline's name, as in metric keys. */
    public static final java.util.List<String> NAMES = java.util.List.of("last_value", "seasonal_naive", "drift",
            "moving_average");

    private Baselines() {
    }

    /** The baselines of a run, in report order (seasonal naive only when {@code season > 1}). */
    public static List<Forecaster> all(Panel panel, int season, int movingAverage) {
        List<Forecaster> out = new ArrayList<>();
        out.add(new Naive("last_value", panel, (s, j, a, o, h) -> s.value(j, o)));
        if (season > 1) {
            out.add(new Naive("seasonal_naive", panel, (s, j, a, o, h) -> {
                int back = season * ((h + season - 1) / season);
                int row = o + h - back;
                return row >= a ? s.value(j, row) : s.value(j, o);
            }));
        }
        out.add(new Naive("drift", panel, (s, j, a, o, h) -> o == a ? s.value(j, o)
                : s.value(j, o) + h * (s.value(j, o) - s.value(j, a)) / (o - a)));
        out.add(new Naive("moving_average", panel, (s, j, a, o, h) -> {
            int from = Math.max(a, o - movingAverage + 1);
            double sum = 0;
            for (int r = from; r <= o; r++) {
                sum += s.value(j, r);
            }
            return sum / (o - from + 1);
        }));
        return out;
    }

    /** A baseline's value of target j for step h from origin o, with a the first row of o's segment. */
    private interface Rule {
        double value(Series s, int j, int a, int o, int h);
    }

    private record Naive(String name, Panel panel, Rule rule) implements Forecaster {
        @Override
        public Forecasts forecast(List<Origin> origins, int horizon) {
            int targets = panel.columns().targets().size();
            double[][][] point = new double[origins.size()][horizon][targets];
            for (int i = 0; i < origins.size(); i++) {
                Origin o = origins.get(i);
                Series s = panel.get(o.series());
                int a = s.segmentStart(o.row());
                for (int j = 0; j < targets; j++) {
                    for (int h = 1; h <= horizon; h++) {
                        point[i][h - 1][j] = rule.value(s, j, a, o.row(), h);
                    }
                }
            }
            return new Forecasts(origins, point, null, new double[0]);
        }
    }
}
