package dev.gated.cli.report;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG plots of forecasts: one small chart per horizon step with the prediction interval, several series of a
 * global model side by side, and the folds of a backtest. Inputs are plain arrays (NaN: no value, a gap in the
 * line); like {@link Plots}, each method checks its input before it writes, and writes atomically.
 */
public final class ForecastPlots {
    /** At most this many charts in one image. */
    static final int MAX_PANELS = 12;
    static final int PANEL_WIDTH = 560;
    static final int PANEL_HEIGHT = 300;
    static final int COLUMNS = 2;
    /** The prediction interval's fill. */
    static final Color BAND_COLOR = new Color(0xF4, 0xC2, 0xC2);
    /** One colour per backtest fold (Tableau 10). */
    static final Color[] FOLD_COLORS = {new Color(0xD6, 0x27, 0x28), new Color(0x1F, 0x77, 0xB4),
            new Color(0x2C, 0xA0, 0x2C), new Color(0xFF, 0x7F, 0x0E), new Color(0x94, 0x67, 0xBD),
            new Color(0x8C, 0x56, 0x4B), new Color(0xE3, 0x77, 0xC2), new Color(0x7F, 0x7F, 0x7F),
            new Color(0xBC, 0xBD, 0x22), new Color(0x17, 0xBE, 0xCF)};

    private ForecastPlots() {
    }

    /**
     * One horizon step of a multi-step forecast over the test origins.
     *
     * @param labels    the target dates, one per point
     * @param lower     the prediction interval's lower bound per point, or null (then upper is null too)
     */
    public record StepLine(int step, List<String> labels, double[] actual, double[] predicted, double[] lower,
                           double[] upper) {
        void check() {
            int n = labels.size();
            if (n == 0) {
                throw new IllegalArgumentException("step " + step + ": no points to plot");
            }
            if (actual.length != n || predicted.length != n) {
                throw new IllegalArgumentException("step " + step + ": " + n + " labels, " + actual.length
                        + " actual and " + predicted.length + " predicted values; expected as many of each");
            }
            if ((lower == null) != (upper == null)) {
                throw new IllegalArgumentException("step " + step + ": give both interval bounds or neither");
            }
            if (lower != null && (lower.length != n || upper.length != n)) {
                throw new IllegalArgumentException("step " + step + ": the interval bounds have " + lower.length
                        + " and " + upper.length + " values for " + n + " points");
            }
        }
    }

    /** A backtest fold's forecasts, starting at index {@code start} of the backtest's labels. */
    public record FoldLine(String name, int start, double[] predicted) {
    }

    /** One series of a global model: actual against forecast. */
    public record SeriesLine(String name, List<String> labels, double[] actual, double[] predicted) {
    }

    /** The steps a plot shows for a horizon: all when it has at most 12, else 12 spread evenly from 1 to H. */
    public static int[] stepsToShow(int horizon) {
        if (horizon < 1) {
            throw new IllegalArgumentException("horizon: expected >= 1, got " + horizon);
        }
        int n = Math.min(horizon, MAX_PANELS);
        int[] steps = new int[n];
        for (int i = 0; i < n; i++) {
            steps[i] = n == 1 ? 1 : (int) Math.round(1 + (horizon - 1) * (double) i / (n - 1));
        }
        return steps;
    }

    /**
     * A grid of charts, one per horizon step: the actual values (dark), the forecast for that step (red) and, when
     * given, the prediction interval as a shaded band labelled {@code bandLabel}.
     */
    public static Path byStep(String title, String yLabel, List<StepLine> steps, String bandLabel, Path png)
            throws IOException {
        Objects.requireNonNull(png, "png");
        if (steps == null || steps.isEmpty() || steps.size() > MAX_PANELS) {
            throw new IllegalArgumentException("byStep: expected 1 to " + MAX_PANELS + " steps, got "
                    + (steps == null ? "none" : steps.size()));
        }
        steps.forEach(StepLine::check);
        List<XYChart> charts = new ArrayList<>();
        int width = steps.size() == 1 ? 2 * PANEL_WIDTH : PANEL_WIDTH;
        for (StepLine s : steps) {
            XYChart c = panel(s.step() + (s.step() == 1 ? " step" : " steps") + " ahead", yLabel, s.labels(), width,
                    PANEL_HEIGHT + 40);
            int n = s.labels().size();
            if (s.lower() != null) {
                band(c, bandLabel == null ? "interval" : bandLabel, s.lower(), s.upper(), n);
            }
            Plots.addLine(c, "actual", s.actual(), Plots.ACTUAL_COLOR, n);
            Plots.addLine(c, "forecast", s.predicted(), Plots.PREDICTED_COLOR, n);
            charts.add(c);
        }
        return Plots.writePng(Plots.grid(charts, COLUMNS, width, PANEL_HEIGHT + 40, title), png);
    }

    /** A naive forecaster's values over the same points as a {@link StepLine} (NaN: none). */
    public record BaselineLine(String name, double[] values) {
    }

    /** Dashed, muted colours for the baselines, so the model's forecast stays the line that stands out. */
    static final Color[] BASELINE_COLORS = {new Color(0x1F, 0x77, 0xB4), new Color(0x2C, 0xA0, 0x2C),
            new Color(0x94, 0x67, 0xBD), new Color(0x8C, 0x56, 0x4B), new Color(0x7F, 0x7F, 0x7F),
            new Color(0xBC, 0xBD, 0x22)};

    /**
     * One wide chart of one horizon step: the interval band (when the line has one), the actual values, the model's
     * forecast and each baseline's forecast as a thin dashed line.
     */
    public static java.awt.image.BufferedImage withBaselines(String title, String yLabel, StepLine line,
                                                             String bandLabel, List<BaselineLine> baselines) {
        line.check();
        int n = line.labels().size();
        for (BaselineLine b : baselines) {
            if (b.values().length != n) {
                throw new IllegalArgumentException("withBaselines: baseline " + b.name() + " has "
                        + b.values().length + " values for " + n + " points");
            }
        }
        XYChart c = panel(title, yLabel, line.labels(), 2 * PANEL_WIDTH, PANEL_HEIGHT + 120);
        if (line.lower() != null) {
            band(c, bandLabel == null ? "interval" : bandLabel, line.lower(), line.upper(), n);
        }
        for (int i = 0; i < baselines.size(); i++) {
            XYSeries s = Plots.addLine(c, baselines.get(i).name(), baselines.get(i).values(),
                    BASELINE_COLORS[i % BASELINE_COLORS.length], n);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineWidth(1f);
            s.setLineStyle(new java.awt.BasicStroke(1f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER,
                    10f, new float[] {4f, 4f}, 0f));
        }
        Plots.addLine(c, "actual", line.actual(), Plots.ACTUAL_COLOR, n);
        Plots.addLine(c, "forecast", line.predicted(), Plots.PREDICTED_COLOR, n);
        return org.knowm.xchart.BitmapEncoder.getBufferedImage(c);
    }

    /**
     * A backtest: the actual series over {@code labels} and each fold's forecasts over its own rows, one colour per
     * fold (at most {@value #MAX_PANELS} folds).
     */
    public static Path backtest(String title, String yLabel, List<String> labels, double[] actual,
                                List<FoldLine> folds, Path png) throws IOException {
        Objects.requireNonNull(png, "png");
        int n = labels.size();
        if (n == 0 || actual.length != n) {
            throw new IllegalArgumentException("backtest: " + n + " labels and " + actual.length + " actual values; "
                    + "expected at least one and as many of each");
        }
        if (folds.isEmpty() || folds.size() > FOLD_COLORS.length) {
            throw new IllegalArgumentException("backtest: expected 1 to " + FOLD_COLORS.length + " folds, got "
                    + folds.size());
        }
        for (FoldLine f : folds) {
            if (f.start() < 0 || f.start() + f.predicted().length > n) {
                throw new IllegalArgumentException("backtest: " + f.name() + " covers points " + f.start() + " to "
                        + (f.start() + f.predicted().length - 1) + ", outside the " + n + " labels");
            }
        }
        XYChart c = new XYChartBuilder().width(2 * PANEL_WIDTH).height(PANEL_HEIGHT + 120).title(title)
                .xAxisTitle(labels.get(0) + " \u2026 " + labels.get(n - 1)).yAxisTitle(yLabel).build();
        style(c);
        Plots.labelTicks(c, labels, n);
        for (int i = 0; i < folds.size(); i++) {
            FoldLine f = folds.get(i);
            double[] full = new double[n];
            java.util.Arrays.fill(full, Double.NaN);
            System.arraycopy(f.predicted(), 0, full, f.start(), f.predicted().length);
            XYSeries s = Plots.addLine(c, f.name(), full, FOLD_COLORS[i], n);
            s.setMarker(f.predicted().length <= 40 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            s.setLineWidth(3f);
        }
        // The actual values last and thin, so they stay visible over the forecasts.
        XYSeries a = Plots.addLine(c, "actual", actual, Plots.ACTUAL_COLOR, n);
        a.setMarker(SeriesMarkers.NONE);
        a.setLineWidth(1f);
        return Plots.writePng(org.knowm.xchart.BitmapEncoder.getBufferedImage(c), png);
    }

    /** Small charts of several series (the first {@value #MAX_PANELS}), actual against forecast. */
    public static Path seriesGrid(String title, List<SeriesLine> series, Path png) throws IOException {
        Objects.requireNonNull(png, "png");
        if (series.isEmpty()) {
            throw new IllegalArgumentException("seriesGrid: no series to plot");
        }
        List<XYChart> charts = new ArrayList<>();
        for (SeriesLine s : series.subList(0, Math.min(MAX_PANELS, series.size()))) {
            int n = s.labels().size();
            if (n == 0 || s.actual().length != n || s.predicted().length != n) {
                throw new IllegalArgumentException("seriesGrid: series '" + s.name() + "' has " + n + " labels, "
                        + s.actual().length + " actual and " + s.predicted().length + " predicted values");
            }
            XYChart c = panel(s.name(), "", s.labels(), PANEL_WIDTH, PANEL_HEIGHT);
            Plots.addLine(c, "actual", s.actual(), Plots.ACTUAL_COLOR, n);
            Plots.addLine(c, "forecast", s.predicted(), Plots.PREDICTED_COLOR, n);
            charts.add(c);
        }
        return Plots.writePng(Plots.grid(charts, COLUMNS, PANEL_WIDTH, PANEL_HEIGHT, title), png);
    }

    private static XYChart panel(String title, String yLabel, List<String> labels, int width, int height) {
        int n = labels.size();
        XYChart c = new XYChartBuilder().width(width).height(height).title(title)
                .xAxisTitle(n == 1 ? labels.get(0) : labels.get(0) + " \u2026 " + labels.get(n - 1))
                .yAxisTitle(yLabel == null ? "" : yLabel).build();
        style(c);
        Plots.labelTicks(c, labels, n);
        return c;
    }

    private static void style(XYChart c) {
        Plots.styleCommon(c.getStyler());
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    }

    /**
     * The interval as filled polygons, one per run of points with both bounds: the upper bound left to right, then
     * the lower bound right to left (a gap in either bound leaves a gap in the band).
     */
    private static void band(XYChart c, String name, double[] lower, double[] upper, int n) {
        int i = 0;
        int part = 0;
        while (i < n) {
            if (!Double.isFinite(lower[i]) || !Double.isFinite(upper[i])) {
                i++;
                continue;
            }
            int j = i;
            while (j < n && Double.isFinite(lower[j]) && Double.isFinite(upper[j])) {
                j++;
            }
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (int k = i; k < j; k++) {
                xs.add((double) k);
                ys.add(upper[k]);
            }
            for (int k = j - 1; k >= i; k--) {
                xs.add((double) k);
                ys.add(lower[k]);
            }
            XYSeries s = c.addSeries(part == 0 ? name : name + " (" + part + ")", xs, ys);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
            s.setFillColor(BAND_COLOR);
            s.setLineColor(BAND_COLOR);
            s.setMarker(SeriesMarkers.NONE);
            s.setShowInLegend(part == 0);
            part++;
            i = j;
        }
    }
}
