package dev.gated.cli.report;

import dev.gated.engine.data.timeseries.Panel;
import dev.gated.engine.data.timeseries.Series;
import dev.gated.engine.forecast.ForecastReport;
import dev.gated.engine.forecast.Forecasts;
import dev.gated.engine.forecast.Origin;
import dev.gated.engine.forecast.SeriesRange;
import dev.gated.engine.train.Backtest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A forecasting run's charts, drawn by {@link ForecastPlots} from the engine's forecasts: the test split per horizon
 * step (with the prediction interval of a quantile forecast), a grid of the series of a global model, and a
 * backtest's folds.
 */
public final class ForecastCharts {
    /** At most this many series get a chart in the grid. */
    static final int GRID_SERIES = 12;

    private ForecastCharts() {
    }

    /**
     * {@code forecast.png} (one per target column when there are several: {@code forecast-<column>.png}) for the
     * first series, and {@code forecast-series.png} for a panel of several series.
     */
    public static List<Path> test(Panel panel, ForecastReport report, Path runDir) throws IOException {
        List<Path> files = new ArrayList<>();
        Forecasts f = report.model().forecasts();
        List<String> targets = panel.columns().targets();
        int first = f.origins().get(0).series();
        Series s = panel.get(first);
        String band = f.probabilistic() ? interval(f.levels()) : null;
        for (int j = 0; j < targets.size(); j++) {
            List<ForecastPlots.StepLine> steps = new ArrayList<>();
            for (int h : ForecastPlots.stepsToShow(f.horizon())) {
                steps.add(stepLine(s, first, f, h, j));
            }
            String col = targets.get(j);
            String where = panel.named() ? " of " + s.describe() : "";
            files.add(ForecastPlots.byStep("test split: " + col + where + ", forecast vs. actual by horizon step",
                    col, steps, band, runDir.resolve(targets.size() == 1 ? "forecast.png"
                            : "forecast-" + safe(col) + ".png")));
        }
        if (panel.size() > 1) {
            List<ForecastPlots.SeriesLine> lines = new ArrayList<>();
            for (int i = 0; i < panel.size() && lines.size() < GRID_SERIES; i++) {
                ForecastPlots.StepLine l = stepLine(panel.get(i), i, f, 1, 0);
                if (!l.labels().isEmpty()) {
                    lines.add(new ForecastPlots.SeriesLine(panel.get(i).id(), l.labels(), l.actual(), l.predicted()));
                }
            }
            files.add(ForecastPlots.seriesGrid("test split: " + targets.get(0) + ", one step ahead, per series",
                    lines, runDir.resolve("forecast-series.png")));
        }
        return files;
    }

    /** One step's forecasts of series {@code index} (its origins in {@code f}), target j. */
    private static ForecastPlots.StepLine stepLine(Series s, int index, Forecasts f, int h, int j) {
        List<String> labels = new ArrayList<>();
        List<double[]> v = new ArrayList<>();
        for (int i = 0; i < f.origins().size(); i++) {
            Origin o = f.origins().get(i);
            if (o.series() != index) {
                continue;
            }
            int row = o.row() + h;
            labels.add(s.label(row));
            double[][] q = f.probabilistic() ? f.quantiles()[i][h - 1] : null;
            v.add(new double[] {s.value(j, row), f.point()[i][h - 1][j], q == null ? Double.NaN : q[j][0],
                    q == null ? Double.NaN : q[j][q[j].length - 1]});
        }
        double[][] cols = new double[4][v.size()];
        for (int k = 0; k < v.size(); k++) {
            for (int c = 0; c < 4; c++) {
                cols[c][k] = v.get(k)[c];
            }
        }
        boolean band = f.probabilistic();
        return new ForecastPlots.StepLine(h, labels, cols[0], cols[1], band ? cols[2] : null, band ? cols[3] : null);
    }

    /** {@code backtest.png}: the first series' first target and every fold's one-step forecasts. */
    public static Path backtest(Backtest.Result r) throws IOException {
        Panel panel = r.panel();
        Series s = panel.get(0);
        SeriesRange firstFold = r.folds().get(0).ranges().get(0);
        int foldRows = firstFold.testEnd() - firstFold.testStart();
        int from = Math.max(0, firstFold.testStart() - 2 * foldRows);
        int to = r.folds().get(r.folds().size() - 1).ranges().get(0).testEnd();
        List<String> labels = new ArrayList<>();
        double[] actual = new double[to - from];
        for (int row = from; row < to; row++) {
            labels.add(s.label(row));
            actual[row - from] = s.value(0, row);
        }
        List<ForecastPlots.FoldLine> folds = new ArrayList<>();
        for (Backtest.Fold fold : r.folds()) {
            SeriesRange range = fold.ranges().get(0);
            double[] p = new double[range.testEnd() - range.testStart()];
            Arrays.fill(p, Double.NaN);
            Forecasts f = fold.report().model().forecasts();
            for (int i = 0; i < f.origins().size(); i++) {
                Origin o = f.origins().get(i);
                if (o.series() == 0) {
                    p[o.row() + 1 - range.testStart()] = f.point()[i][0][0];
                }
            }
            folds.add(new ForecastPlots.FoldLine("fold " + fold.fold(), range.testStart() - from, p));
        }
        String col = panel.columns().targets().get(0);
        return ForecastPlots.backtest("backtest: " + col + (panel.named() ? " of " + s.describe() : "")
                + ", one step ahead, " + r.folds().size() + " folds", col, labels, actual, folds,
                r.dir().resolve("backtest.png"));
    }

    private static String interval(double[] levels) {
        double lo = levels[0];
        double hi = levels[levels.length - 1];
        return String.format(Locale.ROOT, "%.0f%% interval (q%s-q%s)", 100 * (hi - lo), ForecastReport.level(lo),
                ForecastReport.level(hi));
    }

    static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
