package dev.gated.cli.report;

import dev.gated.engine.tune.Direction;
import dev.gated.engine.tune.Param;
import dev.gated.engine.tune.SearchSpace;
import dev.gated.engine.tune.TrialState;
import dev.gated.engine.tune.TrialView;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG plots of a study ({@code gated tune}): the optimisation history, the objective against each parameter, and
 * the parameters' importance. Written like {@link Plots}: the input is checked first (an
 * {@link IllegalArgumentException} when there is nothing to draw, so the caller can skip the plot), then the image
 * is written atomically.
 */
public final class TuningPlots {
    static final int HISTORY_WIDTH = 900;
    static final int HISTORY_HEIGHT = 420;
    /** Size of one small chart in {@link #parameters}, and the grid's columns. */
    static final int PARAM_WIDTH = 420;
    static final int PARAM_HEIGHT = 320;
    static final int PARAM_COLUMNS = 3;
    static final int IMPORTANCE_WIDTH = 720;
    static final int IMPORTANCE_HEIGHT = 420;
    /** Longer choice values are cut on the x axis of {@link #parameters}. */
    private static final int MAX_LABEL = 14;

    private static final Color COMPLETE_COLOR = new Color(0x1F, 0x77, 0xB4);
    private static final Color PRUNED_COLOR = new Color(0xA0, 0xA0, 0xA0);
    private static final Color BEST_COLOR = Plots.PREDICTED_COLOR;
    /** Half transparent, so that trials at the same spot show as a darker point. */
    private static final Color POINT_COLOR = new Color(0x1F, 0x77, 0xB4, 0x99);

    private TuningPlots() {
    }

    /**
     * The optimisation history: each COMPLETE trial's objective against its number, each PRUNED trial at its last
     * reported epoch's value (another marker and colour: not an objective, the trial stopped there), and the best
     * objective so far as a step line.
     *
     * @throws IllegalArgumentException when no trial is COMPLETE with a finite value
     */
    public static Path history(List<TrialView> trials, Direction direction, String metric, Path png)
            throws IOException {
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(png, "png");
        List<TrialView> complete = complete(trials, "history", metric);
        List<TrialView> pruned = trials.stream()
                .filter(t -> t.state() == TrialState.PRUNED && Double.isFinite(lastValue(t)))
                .sorted(Comparator.comparingInt(TrialView::number)).toList();

        XYChart c = new XYChartBuilder().width(HISTORY_WIDTH).height(HISTORY_HEIGHT)
                .title("optimisation history (" + direction.name().toLowerCase(Locale.ROOT) + " " + name(metric)
                        + ")")
                .xAxisTitle("trial").yAxisTitle(name(metric)).build();
        Plots.styleCommon(c.getStyler());
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        c.getStyler().setXAxisDecimalPattern("#");
        c.getStyler().setLegendPadding(14); // the default crowds the step line's sample against the text before it

        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        List<Double> best = new ArrayList<>();
        double bestSoFar = Double.NaN;
        for (TrialView t : complete) {
            xs.add((double) t.number());
            ys.add(t.value());
            bestSoFar = direction.better(t.value(), bestSoFar) ? t.value() : bestSoFar;
            best.add(bestSoFar);
        }
        List<Double> bestXs = new ArrayList<>(xs);
        int last = trials.stream().mapToInt(TrialView::number).max().orElse(0);
        if (last > bestXs.get(bestXs.size() - 1)) { // carry the line on to the last trial
            bestXs.add((double) last);
            best.add(bestSoFar);
        }
        scatter(c.addSeries("complete", xs, ys), SeriesMarkers.CIRCLE, COMPLETE_COLOR);
        List<Double> all = new ArrayList<>(ys);
        if (!pruned.isEmpty()) {
            List<Double> px = pruned.stream().map(t -> (double) t.number()).toList();
            List<Double> py = pruned.stream().map(TuningPlots::lastValue).toList();
            scatter(c.addSeries("pruned (last epoch's value)", px, py), SeriesMarkers.DIAMOND, PRUNED_COLOR);
            all.addAll(py);
        }
        XYSeries line = c.addSeries("best so far", bestXs, best);
        line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
        line.setMarker(SeriesMarkers.NONE);
        line.setLineColor(BEST_COLOR);
        logYIfWide(c, all);
        return Plots.writePng(BitmapEncoder.getBufferedImage(c), png);
    }

    /**
     * The objective of each COMPLETE trial against each parameter, one small chart per parameter in a grid: a log
     * x axis for log parameters; a choice's values at 0, 1, ... labelled with the values. A parameter that no
     * complete trial set (an inactive conditional one) has no chart.
     *
     * @throws IllegalArgumentException when no trial is COMPLETE with a finite value, or none of them set any
     *                                  parameter of {@code space}
     */
    public static Path parameters(SearchSpace space, List<TrialView> trials, String metric, Path png)
            throws IOException {
        Objects.requireNonNull(space, "space");
        Objects.requireNonNull(png, "png");
        List<TrialView> complete = complete(trials, "parameters", metric);
        List<XYChart> charts = new ArrayList<>();
        for (Param p : space.params()) {
            XYChart c = paramChart(p, complete, metric);
            if (c != null) {
                charts.add(c);
            }
        }
        if (charts.isEmpty()) {
            throw new IllegalArgumentException("parameters: no complete trial sets any parameter of the search space "
                    + space.params().stream().map(Param::key).toList());
        }
        return Plots.writePng(Plots.grid(charts, PARAM_COLUMNS, PARAM_WIDTH, PARAM_HEIGHT,
                name(metric) + " against each parameter (" + complete.size() + " complete trials)"), png);
    }

    /**
     * The parameters' importance as bars, in the map's order (as {@code ParamImportance.of} gives it: largest
     * first).
     *
     * @param importance each parameter's share of the objective's variance, finite and &ge; 0
     * @throws IllegalArgumentException when the map is empty, has a negative or non-finite share, or all shares
     *                                  are 0 (too few complete trials to tell anything)
     */
    public static Path importance(Map<String, Double> importance, String metric, Path png) throws IOException {
        Objects.requireNonNull(png, "png");
        if (importance == null || importance.isEmpty()) {
            throw new IllegalArgumentException("importance: no parameters to plot");
        }
        for (Map.Entry<String, Double> e : importance.entrySet()) {
            if (e.getValue() == null || !Double.isFinite(e.getValue()) || e.getValue() < 0) {
                throw new IllegalArgumentException("importance: " + e.getKey() + " has share " + e.getValue()
                        + "; expected a finite value >= 0");
            }
        }
        if (importance.values().stream().allMatch(v -> v == 0)) {
            throw new IllegalArgumentException("importance: every share is 0 (too few complete trials, or no "
                    + "parameter explains any of the objective's variance)");
        }
        CategoryChart c = new CategoryChartBuilder().width(IMPORTANCE_WIDTH).height(IMPORTANCE_HEIGHT)
                .title("parameter importance for " + name(metric))
                .xAxisTitle("").yAxisTitle("share of the variance of " + name(metric) + " ranks (first order)")
                .build();
        Plots.styleCommon(c.getStyler());
        c.getStyler().setLegendVisible(false);
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisDecimalPattern("0.00");
        boolean crowded = importance.size() > 4 || importance.keySet().stream().anyMatch(k -> k.length() > 16);
        c.getStyler().setXAxisLabelRotation(crowded ? 30 : 0);
        // The share in each bar's name: XChart's bar labels sit inside the bar, unreadable on a short one.
        List<String> names = importance.entrySet().stream()
                .map(e -> e.getKey() + String.format(Locale.ROOT, " (%.2f)", e.getValue())).toList();
        CategorySeries s = c.addSeries("importance", names, new ArrayList<>(importance.values()));
        s.setFillColor(COMPLETE_COLOR);
        return Plots.writePng(BitmapEncoder.getBufferedImage(c), png);
    }

    /** One parameter's chart, or null when no complete trial set it. */
    private static XYChart paramChart(Param p, List<TrialView> complete, String metric) {
        boolean choice = p instanceof Param.Choice;
        boolean log = p instanceof Param.Uniform u && u.log() || p instanceof Param.IntRange r && r.log();
        List<Object> values = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (TrialView t : complete) {
            Object v = t.params().get(p.key());
            if (v != null && (choice || v instanceof Number n && (!log || n.doubleValue() > 0))) {
                values.add(v);
                ys.add(t.value());
            } // else not set, or not a value this axis can show
        }
        if (values.isEmpty()) {
            return null;
        }
        XYChart c = new XYChartBuilder().width(PARAM_WIDTH).height(PARAM_HEIGHT).title(p.key())
                .xAxisTitle(p.key()).yAxisTitle(name(metric)).build();
        Plots.styleCommon(c.getStyler());
        c.getStyler().setLegendVisible(false);
        c.getStyler().setPlotContentSize(0.8); // keeps the outer points off the frame
        List<Double> xs = new ArrayList<>();
        if (choice) {
            List<Object> categories = categories((Param.Choice) p, values);
            values.forEach(v -> xs.add((double) indexOf(categories, v)));
            sortByX(xs, ys);
            List<String> labels = new ArrayList<>();
            for (Object cat : categories) {
                String name = String.valueOf(cat);
                name = name.length() > MAX_LABEL ? name.substring(0, MAX_LABEL - 1) + "\u2026" : name;
                labels.add(labels.contains(name) ? name + " #" + (labels.size() + 1) : name); // unique, see below
            }
            // Upright labels always fit, so XChart labels every category rather than every other one.
            boolean longNames = labels.stream().anyMatch(l -> l.length() > 8);
            c.getStyler().setXAxisLabelRotation(labels.size() > 4 ? 90 : longNames ? 30 : 0);
            // XChart 3.8.8 puts the ticks on the points' distinct x values, in the order they come, when those
            // are evenly spaced: 0, 1, ... in order (only the categories some trial took, points sorted by x).
            // Otherwise it widens the tick spacing until the labels are unique, which blanks between categories
            // never are: it loops forever. Hence also no axis min/max.
            c.getStyler().setxAxisTickLabelsFormattingFunction(x -> {
                long i = Math.round(x);
                return Math.abs(x - i) > 1e-9 || i < 0 || i >= labels.size() ? "" : labels.get((int) i);
            });
        } else {
            values.forEach(v -> xs.add(((Number) v).doubleValue()));
            c.getStyler().setXAxisLogarithmic(log);
            if (p instanceof Param.IntRange && !log) {
                c.getStyler().setXAxisDecimalPattern("#");
            }
        }
        scatter(c.addSeries(p.key(), xs, ys), SeriesMarkers.CIRCLE, POINT_COLOR);
        logYIfWide(c, ys);
        return c;
    }

    /** Sorts the points by x, keeping each y with its x. */
    private static void sortByX(List<Double> xs, List<Double> ys) {
        List<double[]> points = new ArrayList<>();
        for (int i = 0; i < xs.size(); i++) {
            points.add(new double[] {xs.get(i), ys.get(i)});
        }
        points.sort(Comparator.comparingDouble(pt -> pt[0]));
        for (int i = 0; i < points.size(); i++) {
            xs.set(i, points.get(i)[0]);
            ys.set(i, points.get(i)[1]);
        }
    }

    /**
     * The categories some trial took, in the space's order, then values outside it (a study resumed after its
     * space changed) in the order they come.
     */
    private static List<Object> categories(Param.Choice p, List<Object> taken) {
        List<Object> order = new ArrayList<>();
        for (Object c : p.values()) {
            if (taken.stream().anyMatch(t -> same(c, t))) {
                order.add(c);
            }
        }
        for (Object t : taken) {
            if (order.stream().noneMatch(c -> same(c, t))) {
                order.add(t);
            }
        }
        return order;
    }

    private static int indexOf(List<Object> categories, Object v) {
        for (int i = 0; i < categories.size(); i++) {
            if (same(categories.get(i), v)) {
                return i;
            }
        }
        throw new IllegalStateException(v + " is not among " + categories);
    }

    /** Numbers compare as numbers (2 == 2.0), as in the search space's conditions. */
    private static boolean same(Object a, Object b) {
        return a instanceof Number x && b instanceof Number y ? x.doubleValue() == y.doubleValue() : a.equals(b);
    }

    /** The COMPLETE trials with a finite value, by number; none: the plot is not drawn. */
    private static List<TrialView> complete(List<TrialView> trials, String plot, String metric) {
        if (trials == null) {
            throw new IllegalArgumentException(plot + ": trials must not be null");
        }
        List<TrialView> complete = trials.stream()
                .filter(t -> t.state() == TrialState.COMPLETE && Double.isFinite(t.value()))
                .sorted(Comparator.comparingInt(TrialView::number)).toList();
        if (complete.isEmpty()) {
            throw new IllegalArgumentException(plot + ": no complete trial with a finite " + name(metric) + " among "
                    + trials.size() + " trials");
        }
        return complete;
    }

    /** The value a trial reported at its last epoch, or NaN. */
    private static double lastValue(TrialView t) {
        Double v = t.intermediate().isEmpty() ? null : t.intermediate().get(t.lastEpoch());
        return v == null ? Double.NaN : v;
    }

    private static void scatter(XYSeries s, Marker marker, Color color) {
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(marker);
        s.setMarkerColor(color);
    }

    /** A log y axis when every value is positive and they span more than a factor of 100, as in {@link Plots}. */
    private static void logYIfWide(XYChart c, List<Double> ys) {
        double min = ys.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double max = ys.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        c.getStyler().setYAxisLogarithmic(min > 0 && max / min > 100);
    }

    private static String name(String metric) {
        return metric == null || metric.isBlank() ? "objective" : metric;
    }
}
