package dev.gated.cli.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG plots of a run: training curves, a forecast against the actual series, and a confusion matrix (heat maps
 * are drawn by {@link Heatmaps}, as the attention plots of {@link AttentionPlots} are).
 *
 * <p>Drawn with XChart on an off-screen image, so they work without a display ({@code java.awt.headless} is set to
 * {@code true} unless the property was already set). Each method checks its input before touching the file
 * system, then writes the image to a temporary file next to {@code png} and moves it over {@code png}, so a reader
 * never sees a half-written image and bad input leaves an existing file as it was.
 */
public final class Plots {
    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        // ImageIO buffers a stream in a temporary file by default; plots are small, and a container with a
        // read-only root filesystem has no writable java.io.tmpdir ("Can't create cache file!").
        ImageIO.setUseCache(false);
    }

    /** Size of one small chart in {@link #trainingCurves}. */
    static final int CURVE_WIDTH = 520;
    static final int CURVE_HEIGHT = 340;
    /** Columns of the grid in {@link #trainingCurves} (fewer when there is only one chart). */
    static final int CURVE_COLUMNS = 2;
    /** At most this many charts in {@link #trainingCurves}: "loss" and the first five other metrics. */
    static final int MAX_CURVE_CHARTS = 6;
    /** Size of {@link #predictedVsActual}. */
    static final int SERIES_WIDTH = 1000;
    static final int SERIES_HEIGHT = 420;

    /** Keys of an epoch row that are not metrics, or too many to plot one by one. */
    private static final Set<String> NOT_PLOTTED = Set.of("epoch", "step", "lr", "seconds", "samples_per_s",
            "grad_norm_max");
    private static final List<String> NOT_PLOTTED_PREFIXES = List.of("val_precision_", "val_recall_");

    static final Color ACTUAL_COLOR = new Color(0x33, 0x33, 0x33);
    static final Color PREDICTED_COLOR = new Color(0xD6, 0x27, 0x28);
    private static final Color TRAIN_COLOR = new Color(0x1F, 0x77, 0xB4);
    private static final Color VAL_COLOR = new Color(0xFF, 0x7F, 0x0E);

    private Plots() {
    }

    /**
     * Draws the training curves of a run: a grid of small charts, two to a row. The first, "loss", has
     * {@code train_loss} and {@code val_loss} against the epoch; then one chart per other metric in the order the
     * keys first appear (at most {@value #MAX_CURVE_CHARTS} charts in all). A {@code val_X} metric shares its chart
     * with {@code train_X} when the rows have both. {@code epoch}, {@code step}, {@code lr}, {@code seconds},
     * {@code samples_per_s}, {@code grad_norm_max} and the per-class {@code val_precision_*}/{@code val_recall_*} are not drawn. A chart's
     * y axis is logarithmic when all its values are positive and span more than a factor of 100.
     *
     * @param epochRows one map per epoch, as in metrics.csv; a row may lack keys, and missing, null or non-finite
     *                  values are left out of the lines. A row without "epoch" is placed at its 1-based position.
     * @param png       the image to write (replaced if it exists; its folder is created if missing)
     * @return {@code png}
     * @throws IllegalArgumentException if there are no rows or nothing to draw
     * @throws IOException              if the image cannot be written
     */
    public static Path trainingCurves(List<Map<String, Double>> epochRows, Path png) throws IOException {
        Objects.requireNonNull(png, "png");
        return writePng(trainingCurvesImage(epochRows), png);
    }

    /** As {@link #trainingCurves}, the image itself (the HTML report inlines it). */
    public static BufferedImage trainingCurvesImage(List<Map<String, Double>> epochRows) {
        if (epochRows == null || epochRows.isEmpty()) {
            throw new IllegalArgumentException("trainingCurves: no epoch rows to plot");
        }
        double[] epochs = new double[epochRows.size()];
        Set<String> keys = new LinkedHashSet<>();
        for (int i = 0; i < epochRows.size(); i++) {
            Map<String, Double> row = epochRows.get(i);
            if (row == null) {
                throw new IllegalArgumentException("trainingCurves: epoch row " + i + " is null");
            }
            Double epoch = row.get("epoch");
            epochs[i] = epoch != null && Double.isFinite(epoch) ? epoch : i + 1;
            keys.addAll(row.keySet());
        }

        // chart title -> the metric keys drawn in it
        Map<String, List<String>> charts = new LinkedHashMap<>();
        List<String> lossKeys = new ArrayList<>();
        for (String k : List.of("train_loss", "val_loss")) {
            if (hasPoints(epochRows, k)) {
                lossKeys.add(k);
            }
        }
        if (!lossKeys.isEmpty()) {
            charts.put("loss", lossKeys);
        }
        Set<String> used = new LinkedHashSet<>(List.of("train_loss", "val_loss"));
        for (String k : keys) {
            if (used.contains(k) || !plotted(k) || !hasPoints(epochRows, k)) {
                continue;
            }
            List<String> members = new ArrayList<>();
            String title = k;
            if (k.startsWith("val_") || k.startsWith("train_")) {
                String base = k.substring(k.indexOf('_') + 1);
                String train = "train_" + base;
                String val = "val_" + base;
                if (plotted(train) && plotted(val) && hasPoints(epochRows, train) && hasPoints(epochRows, val)) {
                    members.add(train);
                    members.add(val);
                    title = base;
                }
            }
            if (members.isEmpty()) {
                members.add(k);
            }
            used.addAll(members);
            if (charts.size() < MAX_CURVE_CHARTS) {
                charts.putIfAbsent(charts.containsKey(title) ? k : title, members);
            }
        }
        if (charts.isEmpty()) {
            throw new IllegalArgumentException("trainingCurves: the rows have no metric values to plot (keys: "
                    + keys + ")");
        }

        List<XYChart> drawn = new ArrayList<>();
        for (Map.Entry<String, List<String>> chart : charts.entrySet()) {
            XYChart c = new XYChartBuilder().width(CURVE_WIDTH).height(CURVE_HEIGHT)
                    .title(chart.getKey()).xAxisTitle("epoch").yAxisTitle("").build();
            styleCommon(c.getStyler());
            c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
            c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
            c.getStyler().setLegendVisible(chart.getValue().size() > 1);
            c.getStyler().setXAxisDecimalPattern(integral(epochs) ? "#" : "#.##");
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (String key : chart.getValue()) {
                List<Double> xs = new ArrayList<>();
                List<Double> ys = new ArrayList<>();
                for (int i = 0; i < epochRows.size(); i++) {
                    Double v = epochRows.get(i).get(key);
                    if (v != null && Double.isFinite(v)) {
                        xs.add(epochs[i]);
                        ys.add(v);
                        min = Math.min(min, v);
                        max = Math.max(max, v);
                    }
                }
                XYSeries s = c.addSeries(key, xs, ys);
                s.setMarker(xs.size() <= 60 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
                s.setLineColor(key.startsWith("val_") && chart.getValue().size() > 1 ? VAL_COLOR : TRAIN_COLOR);
                s.setMarkerColor(s.getLineColor());
            }
            if (min > 0 && max / min > 100) {
                c.getStyler().setYAxisLogarithmic(true);
            }
            drawn.add(c);
        }
        return grid(drawn, CURVE_COLUMNS, CURVE_WIDTH, CURVE_HEIGHT, null);
    }

    /** Charts of one size in a grid of at most {@code columns} a row, under an optional title line. */
    static BufferedImage grid(List<XYChart> charts, int columns, int width, int height, String title) {
        int cols = Math.min(columns, charts.size());
        int rows = (charts.size() + cols - 1) / cols;
        int top = title == null ? 0 : 30;
        BufferedImage grid = new BufferedImage(cols * width, top + rows * height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grid.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
            if (title != null) {
                g.setRenderingHint(java.awt.RenderingHints.KEY_TEXT_ANTIALIASING,
                        java.awt.RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
                g.setColor(Color.BLACK);
                g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
                g.drawString(title, 10, 20);
            }
            for (int i = 0; i < charts.size(); i++) {
                g.drawImage(BitmapEncoder.getBufferedImage(charts.get(i)), (i % cols) * width,
                        top + (i / cols) * height, null);
            }
        } finally {
            g.dispose();
        }
        return grid;
    }

    /**
     * Draws a forecast against the actual series, e.g. over the test split: two lines against the time index.
     * When {@code xLabels} are given (dates, say), the ticks show the labels at the index they fall on and the x
     * axis title names the first and the last label.
     *
     * @param title     the chart's title
     * @param xLabels   one label per point, or null to show the index
     * @param actual    the actual values
     * @param predicted the predicted values, as many as {@code actual}; NaN where there is no prediction
     * @param unitLabel the y axis title (the target's name and unit), or null
     * @param png       the image to write (replaced if it exists; its folder is created if missing)
     * @return {@code png}
     * @throws IllegalArgumentException if there are no points or the lengths differ
     * @throws IOException              if the image cannot be written
     */
    public static Path predictedVsActual(String title, List<String> xLabels, double[] actual, double[] predicted,
                                         String unitLabel, Path png) throws IOException {
        Objects.requireNonNull(png, "png");
        return writePng(predictedVsActualImage(title, xLabels, actual, predicted, unitLabel), png);
    }

    /** As {@link #predictedVsActual}, the image itself. */
    public static BufferedImage predictedVsActualImage(String title, List<String> xLabels, double[] actual,
                                                       double[] predicted, String unitLabel) {
        if (actual == null || predicted == null) {
            throw new IllegalArgumentException("predictedVsActual: actual and predicted must not be null");
        }
        if (actual.length == 0) {
            throw new IllegalArgumentException("predictedVsActual: no points to plot");
        }
        if (predicted.length != actual.length) {
            throw new IllegalArgumentException("predictedVsActual: " + actual.length + " actual values but "
                    + predicted.length + " predicted values");
        }
        if (xLabels != null && xLabels.size() != actual.length) {
            throw new IllegalArgumentException("predictedVsActual: " + xLabels.size() + " x labels for "
                    + actual.length + " points");
        }
        int n = actual.length;
        String xTitle = "index";
        if (xLabels != null) {
            xTitle = n == 1 ? String.valueOf(xLabels.get(0))
                    : xLabels.get(0) + " \u2026 " + xLabels.get(n - 1) + " (" + n + " points)";
        }
        XYChart c = new XYChartBuilder().width(SERIES_WIDTH).height(SERIES_HEIGHT)
                .title(title == null ? "" : title).xAxisTitle(xTitle).yAxisTitle(unitLabel == null ? "" : unitLabel)
                .build();
        styleCommon(c.getStyler());
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        labelTicks(c, xLabels, n);
        addLine(c, "actual", actual, ACTUAL_COLOR, n);
        addLine(c, "predicted", predicted, PREDICTED_COLOR, n);
        return BitmapEncoder.getBufferedImage(c);
    }

    /**
     * Draws a confusion matrix as a heat map with the count in each cell: actual classes top to bottom, predicted
     * classes left to right, both in the order of {@code classNames}.
     *
     * @param counts     {@code counts[actual][predicted]}, non-negative, square
     * @param classNames one name per class (row), or null for "0", "1", ...
     * @param png        the image to write (replaced if it exists; its folder is created if missing)
     * @return {@code png}
     * @throws IllegalArgumentException if the matrix is empty or not square, has negative counts, or the names do
     *                                  not match it
     * @throws IOException              if the image cannot be written
     */
    public static Path confusionMatrix(long[][] counts, List<String> classNames, Path png) throws IOException {
        Objects.requireNonNull(png, "png");
        return writePng(confusionMatrixImage(counts, classNames), png);
    }

    /** As {@link #confusionMatrix}, the image itself. */
    public static BufferedImage confusionMatrixImage(long[][] counts, List<String> classNames) {
        if (counts == null || counts.length == 0) {
            throw new IllegalArgumentException("confusionMatrix: the matrix is empty");
        }
        int n = counts.length;
        for (int i = 0; i < n; i++) {
            if (counts[i] == null || counts[i].length != n) {
                throw new IllegalArgumentException("confusionMatrix: the matrix must be square (" + n + "x" + n
                        + ") but row " + i + " has " + (counts[i] == null ? 0 : counts[i].length) + " columns");
            }
            for (long v : counts[i]) {
                if (v < 0) {
                    throw new IllegalArgumentException("confusionMatrix: negative count " + v + " in row " + i);
                }
            }
        }
        if (classNames != null && classNames.size() != n) {
            throw new IllegalArgumentException("confusionMatrix: " + classNames.size() + " class names for a "
                    + n + "x" + n + " matrix");
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add(classNames == null ? String.valueOf(i) : String.valueOf(classNames.get(i)));
        }
        double[][] values = new double[n][n];
        long max = 0;
        for (int actual = 0; actual < n; actual++) {
            for (int predicted = 0; predicted < n; predicted++) {
                values[actual][predicted] = counts[actual][predicted];
                max = Math.max(max, counts[actual][predicted]);
            }
        }
        int[] size = confusionSize(n);
        Heatmaps.Style style = new Heatmaps.Style(size[0], size[1], n <= 20 ? "#" : null, n <= 10 ? 14 : 10,
                n > 6 ? 45 : 0);
        return Heatmaps.draw("confusion matrix", "predicted", "actual", names, names, values, 0,
                Math.max(1, max), style);
    }

    /**
     * The learning rate against {@code xKey} ("step" for health rows, "epoch" for epoch rows): one line, the y axis
     * logarithmic when the rate spans more than a factor of 100.
     *
     * @throws IllegalArgumentException when no row has both a finite {@code lr} and {@code xKey}
     */
    public static BufferedImage learningRateImage(List<Map<String, Double>> rows, String xKey) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (Map<String, Double> r : rows) {
            Double x = r.get(xKey);
            Double lr = r.get("lr");
            if (x != null && lr != null && Double.isFinite(x) && Double.isFinite(lr)) {
                xs.add(x);
                ys.add(lr);
            }
        }
        if (xs.isEmpty()) {
            throw new IllegalArgumentException("learningRate: no row has both lr and " + xKey);
        }
        XYChart c = new XYChartBuilder().width(SERIES_WIDTH).height(CURVE_HEIGHT).title("learning rate")
                .xAxisTitle(xKey).yAxisTitle("lr").build();
        styleCommon(c.getStyler());
        c.getStyler().setLegendVisible(false);
        c.getStyler().setXAxisDecimalPattern("#");
        XYSeries s = c.addSeries("lr", xs, ys);
        s.setMarker(xs.size() <= 60 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        s.setLineColor(TRAIN_COLOR);
        s.setMarkerColor(TRAIN_COLOR);
        double min = ys.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double max = ys.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        if (min > 0 && max / min > 100) {
            c.getStyler().setYAxisLogarithmic(true);
        }
        return BitmapEncoder.getBufferedImage(c);
    }

    /** The image as PNG bytes (the HTML report inlines them as a data: URI). */
    public static byte[] pngBytes(BufferedImage image) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no PNG writer available");
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a byte array does not fail
        }
        return out.toByteArray();
    }

    /** Width and height of {@link #confusionMatrix} for {@code n} classes. */
    static int[] confusionSize(int n) {
        int cell = Math.max(24, Math.min(90, 720 / n));
        return new int[] {Math.max(520, cell * n + 300), Math.max(440, cell * n + 170)};
    }

    /** The x ticks of a chart over points 0..n-1: the labels (dates) at the points, or round indices. */
    static void labelTicks(XYChart c, List<String> xLabels, int n) {
        // XChart labels every k-th point, with k the smallest that makes the labels unique and fit; that crowds
        // short labels such as indices, so those are only given at a round step (the blanks between are not
        // unique, which makes XChart pick k = step).
        List<String> labels = xLabels == null ? null : xLabels.stream().map(String::valueOf).toList();
        long step = labels == null ? indexTickStep(n) : 1;
        c.getStyler().setxAxisTickLabelsFormattingFunction(x -> {
            long i = Math.round(x);
            if (Math.abs(x - i) > 1e-9 || i < 0 || i >= n || i % step != 0) {
                return "";
            }
            return labels == null ? Long.toString(i) : labels.get((int) i);
        });
    }

    /** A round step (1, 2, 5, 10, 20, 50, ...) that gives at most about 12 index labels for {@code n} points. */
    static long indexTickStep(int n) {
        for (long decade = 1; ; decade *= 10) {
            for (long m : new long[] {1, 2, 5}) {
                if ((n - 1) / (m * decade) <= 12) {
                    return m * decade;
                }
            }
        }
    }

    static XYSeries addLine(XYChart c, String name, double[] values, Color color, int n) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            // A gap (NaN) breaks the line where there is no value.
            xs.add((double) i);
            ys.add(Double.isFinite(values[i]) ? values[i] : Double.NaN);
        }
        XYSeries s = c.addSeries(name, xs, ys);
        s.setMarker(n <= 40 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        s.setLineColor(color);
        s.setMarkerColor(color);
        return s;
    }

    static void styleCommon(Styler s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setChartTitleBoxVisible(false);
        s.setLegendBorderColor(Color.LIGHT_GRAY);
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        s.setToolTipsEnabled(false);
        if (s instanceof org.knowm.xchart.style.AxesChartStyler a) {
            a.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            a.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            a.setPlotGridLinesColor(new Color(0xE5, 0xE5, 0xE5));
        }
    }

    private static boolean plotted(String key) {
        if (NOT_PLOTTED.contains(key)) {
            return false;
        }
        for (String p : NOT_PLOTTED_PREFIXES) {
            if (key.startsWith(p)) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasPoints(List<Map<String, Double>> rows, String key) {
        for (Map<String, Double> row : rows) {
            Double v = row.get(key);
            if (v != null && Double.isFinite(v)) {
                return true;
            }
        }
        return false;
    }

    private static boolean integral(double[] xs) {
        for (double x : xs) {
            if (x != Math.rint(x)) {
                return false;
            }
        }
        return true;
    }

    /** Writes {@code image} to a temporary file in {@code png}'s folder, then moves it over {@code png}. */
    static Path writePng(BufferedImage image, Path png) throws IOException {
        Path target = png.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        // Not Files.createTempFile: its owner-only permissions would stay with the plot after the move.
        Path tmp = dir.resolve("." + target.getFileName() + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36)
                + ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                if (!ImageIO.write(image, "png", out)) {
                    throw new IOException("no PNG writer available");
                }
            }
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return png;
    }
}
