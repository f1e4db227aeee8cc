package dev.gated.cli.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The health plot of a run ({@code health.png}) from its {@code health.jsonl} rows, three charts against the step:
 * the gradient norm per layer and gate, the fraction of saturated activations per layer and gate, and the update
 * ratio ||update|| / ||weights|| per layer. Written like {@link Plots}: checked first, then atomically.
 */
public final class HealthPlots {
    static final int WIDTH = 900;
    static final int HEIGHT = 380;

    private HealthPlots() {
    }

    /**
     * @param rows health rows: {@code step} and the {@code grad_norm_<layer>_<gate>}, {@code saturation_*} and
     *             {@code update_ratio_*} columns
     * @param png  the image to write
     * @return {@code png}
     * @throws IllegalArgumentException when there are no rows or none of the three kinds of columns
     */
    public static Path health(List<Map<String, Double>> rows, Path png) throws IOException {
        Objects.requireNonNull(png, "png");
        return Plots.writePng(healthImage(rows), png);
    }

    /** As {@link #health}, the image itself (the HTML report inlines it). */
    public static BufferedImage healthImage(List<Map<String, Double>> rows) {
        if (rows == null || rows.isEmpty()) {
            throw new IllegalArgumentException("health: no health rows to plot");
        }
        Set<String> keys = new LinkedHashSet<>();
        rows.forEach(r -> keys.addAll(r.keySet()));
        Map<String, List<String>> charts = new LinkedHashMap<>();
        // Per-gate norms only: the ih/hh totals and the head would crowd the chart.
        add(charts, "gradient norm per layer and gate (before clipping)", keys,
                k -> k.startsWith("grad_norm_l"));
        add(charts, "fraction of saturated gate activations", keys, k -> k.startsWith("saturation_"));
        add(charts, "update ratio ||update|| / ||weights||", keys, k -> k.startsWith("update_ratio_"));
        if (charts.isEmpty()) {
            throw new IllegalArgumentException("health: the rows have no grad_norm_l*, saturation_* or update_ratio_* "
                    + "columns (keys: " + keys + ")");
        }
        List<XYChart> drawn = new ArrayList<>();
        for (Map.Entry<String, List<String>> chart : charts.entrySet()) {
            XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(chart.getKey()).xAxisTitle("step")
                    .yAxisTitle("").build();
            Plots.styleCommon(c.getStyler());
            c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
            c.getStyler().setXAxisDecimalPattern("#");
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (String key : chart.getValue()) {
                List<Double> xs = new ArrayList<>();
                List<Double> ys = new ArrayList<>();
                for (Map<String, Double> r : rows) {
                    Double v = r.get(key);
                    Double step = r.get("step");
                    if (v != null && Double.isFinite(v) && step != null) {
                        xs.add(step);
                        ys.add(v);
                        min = Math.min(min, v);
                        max = Math.max(max, v);
                    }
                }
                if (!xs.isEmpty()) {
                    XYSeries s = c.addSeries(label(key), xs, ys);
                    s.setMarker(xs.size() <= 40 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
                }
            }
            if (min > 0 && max / min > 100) {
                c.getStyler().setYAxisLogarithmic(true);
            }
            drawn.add(c);
        }
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT * drawn.size(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            for (int i = 0; i < drawn.size(); i++) {
                g.drawImage(BitmapEncoder.getBufferedImage(drawn.get(i)), 0, i * HEIGHT, null);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /** "grad_norm_l0_i" -> "l0_i": the layer (and direction) and gate; the chart's title says the rest. */
    static String label(String key) {
        for (String prefix : List.of("grad_norm_", "saturation_", "update_ratio_")) {
            if (key.startsWith(prefix)) {
                return key.substring(prefix.length());
            }
        }
        return key;
    }

    private static void add(Map<String, List<String>> charts, String title, Set<String> keys, Predicate<String> take) {
        List<String> members = keys.stream().filter(take).toList();
        if (!members.isEmpty()) {
            charts.put(title, members);
        }
    }
}
