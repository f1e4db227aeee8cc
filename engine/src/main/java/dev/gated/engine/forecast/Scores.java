package dev.gated.engine.forecast;

import dev.gated.engine.data.timeseries.Panel;
import dev.gated.engine.data.timeseries.Series;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One forecaster's errors on a set of origins against the actual rows: over everything, per horizon step, and per
 * series (every target column pooled).
 *
 * @param overall  every origin, step and target
 * @param perStep  index h - 1
 * @param perSeries by series id, in panel order (only the series that have origins)
 */
public record Scores(String forecaster, ErrorMetrics overall, List<ErrorMetrics> perStep,
                     Map<String, ErrorMetrics> perSeries) {

    /**
     * Scores {@code f} against the panel's rows.
     *
     * @param stats per series of the panel (index-aligned), for the MASE scales
     */
    public static Scores of(String forecaster, Panel panel, Forecasts f, List<SeriesStatistics> stats) {
        int horizon = f.horizon();
        double[] levels = f.levels();
        ErrorMetrics.Accumulator all = new ErrorMetrics.Accumulator(levels);
        ErrorMetrics.Accumulator[] steps = new ErrorMetrics.Accumulator[horizon];
        for (int h = 0; h < horizon; h++) {
            steps[h] = new ErrorMetrics.Accumulator(levels);
        }
        Map<Integer, ErrorMetrics.Accumulator> series = new LinkedHashMap<>();
        for (int i = 0; i < f.origins().size(); i++) {
            Origin o = f.origins().get(i);
            Series s = panel.get(o.series());
            ErrorMetrics.Accumulator per = series.computeIfAbsent(o.series(),
                    k -> new ErrorMetrics.Accumulator(levels));
            for (int h = 0; h < horizon; h++) {
                for (int j = 0; j < f.point()[i][h].length; j++) {
                    double actual = s.value(j, o.row() + h + 1);
                    double p = f.point()[i][h][j];
                    double scale = stats.get(o.series()).maseScale(j);
                    double[] q = f.probabilistic() ? f.quantiles()[i][h][j] : null;
                    all.add(p, actual, scale, q);
                    steps[h].add(p, actual, scale, q);
                    per.add(p, actual, scale, q);
                }
            }
        }
        List<ErrorMetrics> perStep = new java.util.ArrayList<>();
        for (ErrorMetrics.Accumulator a : steps) {
            perStep.add(a.result());
        }
        Map<String, ErrorMetrics> perSeries = new LinkedHashMap<>();
        series.forEach((k, a) -> perSeries.put(panel.get(k).id(), a.result()));
        return new Scores(forecaster, all.result(), List.copyOf(perStep), perSeries);
    }
}
