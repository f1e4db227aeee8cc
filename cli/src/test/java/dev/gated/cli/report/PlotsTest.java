package dev.gated.cli.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotsTest {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    @TempDir
    Path dir;

    private static BufferedImage readPng(Path png) throws IOException {
        byte[] bytes = Files.readAllBytes(png);
        assertTrue(bytes.length > PNG_SIGNATURE.length, "PNG too short");
        byte[] head = new byte[PNG_SIGNATURE.length];
        System.arraycopy(bytes, 0, head, 0, head.length);
        assertArrayEquals(PNG_SIGNATURE, head, "not a PNG signature");
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "ImageIO could not read " + png);
        return image;
    }

    /** No temporary files are left next to the plots. */
    private void assertOnlyFiles(String... names) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<String> found = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(Stream.of(names).sorted().toList(), found);
        }
    }

    private static List<Map<String, Double>> regressionRows(int epochs) {
        List<Map<String, Double>> rows = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) {
            Map<String, Double> row = new LinkedHashMap<>();
            row.put("epoch", (double) e);
            row.put("step", e * 100.0);
            row.put("lr", 0.01);
            row.put("train_loss", 500.0 / (e * e));
            row.put("val_loss", 600.0 / (e * e) + 0.5);
            row.put("val_mae", 3.0 / e);
            row.put("val_rmse", 4.0 / e);
            row.put("val_mape", 12.0 / e);
            row.put("seconds", 4.2);
            row.put("samples_per_s", 812.0);
            rows.add(row);
        }
        return rows;
    }

    @Test
    void trainingCurvesDrawsAGridOfCharts() throws IOException {
        Path png = dir.resolve("curves.png");
        assertSame(png, Plots.trainingCurves(regressionRows(20), png));
        BufferedImage image = readPng(png);
        // loss, val_mae, val_rmse, val_mape: 4 charts, 2 columns, 2 rows
        assertEquals(2 * Plots.CURVE_WIDTH, image.getWidth());
        assertEquals(2 * Plots.CURVE_HEIGHT, image.getHeight());
        assertOnlyFiles("curves.png");
    }

    @Test
    void trainingCurvesSkipsMissingPointsAndOddCharts() throws IOException {
        List<Map<String, Double>> rows = new ArrayList<>();
        for (int e = 1; e <= 7; e++) {
            Map<String, Double> row = new LinkedHashMap<>();
            row.put("epoch", (double) e);
            row.put("train_loss", e == 3 ? Double.NaN : 1.0 / e);
            if (e % 2 == 0) {
                row.put("val_loss", 1.2 / e);
                row.put("val_accuracy", 0.5 + e * 0.05);
            }
            row.put("train_accuracy", 0.4 + e * 0.06);
            row.put("val_precision_sine", 0.9);
            row.put("val_recall_sine", 0.8);
            rows.add(row);
        }
        rows.add(Map.of("epoch", 8.0)); // a row with no metrics at all
        Path png = dir.resolve("curves.png");
        Plots.trainingCurves(rows, png);
        BufferedImage image = readPng(png);
        // "loss" and "accuracy" (train_accuracy with val_accuracy): one row of two
        assertEquals(2 * Plots.CURVE_WIDTH, image.getWidth());
        assertEquals(Plots.CURVE_HEIGHT, image.getHeight());
    }

    @Test
    void trainingCurvesWithOneChartAndOneEpoch() throws IOException {
        Path png = dir.resolve("one.png");
        Plots.trainingCurves(List.of(Map.of("epoch", 1.0, "train_loss", 0.25)), png);
        BufferedImage image = readPng(png);
        assertEquals(Plots.CURVE_WIDTH, image.getWidth());
        assertEquals(Plots.CURVE_HEIGHT, image.getHeight());
    }

    @Test
    void trainingCurvesCapsTheNumberOfCharts() throws IOException {
        List<Map<String, Double>> rows = new ArrayList<>();
        for (int e = 1; e <= 3; e++) {
            Map<String, Double> row = new LinkedHashMap<>();
            row.put("epoch", (double) e);
            row.put("train_loss", 1.0 / e);
            for (int m = 0; m < 10; m++) {
                row.put("val_metric" + m, m + 1.0 / e);
            }
            rows.add(row);
        }
        Path png = dir.resolve("many.png");
        Plots.trainingCurves(rows, png);
        BufferedImage image = readPng(png);
        assertEquals(Plots.MAX_CURVE_CHARTS, 6);
        assertEquals(2 * Plots.CURVE_WIDTH, image.getWidth());
        assertEquals(3 * Plots.CURVE_HEIGHT, image.getHeight());
    }

    @Test
    void trainingCurvesRejectsBadInput() {
        Path png = dir.resolve("bad.png");
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> Plots.trainingCurves(List.of(), png));
        assertTrue(empty.getMessage().contains("no epoch rows"), empty.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Plots.trainingCurves(null, png));
        IllegalArgumentException nothing = assertThrows(IllegalArgumentException.class,
                () -> Plots.trainingCurves(List.of(Map.of("epoch", 1.0, "lr", 0.1, "seconds", 2.0)), png));
        assertTrue(nothing.getMessage().contains("no metric values"), nothing.getMessage());
        assertTrue(Files.notExists(png));
    }

    @Test
    void predictedVsActualWithIndexAndWithLabels() throws IOException {
        int n = 120;
        double[] actual = new double[n];
        double[] predicted = new double[n];
        List<String> dates = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            actual[i] = 400 + 3 * Math.sin(i * 2 * Math.PI / 12) + i * 0.2;
            predicted[i] = i < 12 ? Double.NaN : actual[i] + 0.5 * Math.cos(i);
            dates.add(String.format("%d-%02d-01", 2010 + i / 12, i % 12 + 1));
        }
        Path byIndex = Plots.predictedVsActual("co2 test split", null, actual, predicted, "ppm",
                dir.resolve("index.png"));
        Path byDate = Plots.predictedVsActual("co2 test split", dates, actual, predicted, "ppm",
                dir.resolve("dates.png"));
        for (Path png : List.of(byIndex, byDate)) {
            BufferedImage image = readPng(png);
            assertEquals(Plots.SERIES_WIDTH, image.getWidth());
            assertEquals(Plots.SERIES_HEIGHT, image.getHeight());
        }
        readPng(Plots.predictedVsActual(null, List.of("only"), new double[] {1}, new double[] {2}, null,
                dir.resolve("single.png")));
    }

    @Test
    void predictedVsActualRejectsMismatchedLengths() {
        Path png = dir.resolve("bad.png");
        IllegalArgumentException lengths = assertThrows(IllegalArgumentException.class,
                () -> Plots.predictedVsActual("t", null, new double[3], new double[2], "y", png));
        assertTrue(lengths.getMessage().contains("3 actual values but 2 predicted"), lengths.getMessage());
        IllegalArgumentException labels = assertThrows(IllegalArgumentException.class,
                () -> Plots.predictedVsActual("t", List.of("a", "b"), new double[3], new double[3], "y", png));
        assertTrue(labels.getMessage().contains("2 x labels for 3 points"), labels.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> Plots.predictedVsActual("t", null, new double[0], new double[0], "y", png));
        assertTrue(empty.getMessage().contains("no points"), empty.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Plots.predictedVsActual("t", null, null, new double[0], "y", png));
        assertTrue(Files.notExists(png));
    }

    @Test
    void confusionMatrixDrawsAHeatMap() throws IOException {
        long[][] counts = {{50, 3, 0}, {4, 41, 7}, {0, 2, 60}};
        Path png = Plots.confusionMatrix(counts, List.of("sine", "square", "sawtooth"), dir.resolve("cm.png"));
        BufferedImage image = readPng(png);
        int[] size = Plots.confusionSize(3);
        assertEquals(size[0], image.getWidth());
        assertEquals(size[1], image.getHeight());

        // All zeros, no names, many classes: still drawn.
        int n = 25;
        Path big = Plots.confusionMatrix(new long[n][n], null, dir.resolve("big.png"));
        BufferedImage bigImage = readPng(big);
        assertEquals(Plots.confusionSize(n)[0], bigImage.getWidth());
        assertEquals(Plots.confusionSize(n)[1], bigImage.getHeight());
    }

    @Test
    void confusionMatrixRejectsBadInput() {
        Path png = dir.resolve("bad.png");
        IllegalArgumentException square = assertThrows(IllegalArgumentException.class,
                () -> Plots.confusionMatrix(new long[][] {{1, 2, 3}, {4, 5, 6}}, null, png));
        assertTrue(square.getMessage().contains("square"), square.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> Plots.confusionMatrix(new long[0][0], List.of(), png));
        assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
        IllegalArgumentException names = assertThrows(IllegalArgumentException.class,
                () -> Plots.confusionMatrix(new long[][] {{1, 0}, {0, 1}}, List.of("a", "b", "c"), png));
        assertTrue(names.getMessage().contains("3 class names for a 2x2 matrix"), names.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> Plots.confusionMatrix(new long[][] {{1, -1}, {0, 1}}, null, png));
        assertTrue(negative.getMessage().contains("negative"), negative.getMessage());
        assertTrue(Files.notExists(png));
    }

    @Test
    void anExistingFileIsReplacedAndBadInputLeavesItAlone() throws IOException {
        Path png = dir.resolve("cm.png");
        Files.writeString(png, "not an image", StandardCharsets.UTF_8);
        // Bad input: the old file is untouched.
        assertThrows(IllegalArgumentException.class,
                () -> Plots.confusionMatrix(new long[][] {{1, 2}}, null, png));
        assertEquals("not an image", Files.readString(png, StandardCharsets.UTF_8));
        // Good input: the file is replaced by a whole PNG, and no temporary file is left behind.
        Plots.confusionMatrix(new long[][] {{5, 1}, {2, 7}}, List.of("no", "yes"), png);
        readPng(png);
        Plots.trainingCurves(regressionRows(3), dir.resolve("curves.png"));
        Plots.trainingCurves(regressionRows(5), dir.resolve("curves.png"));
        readPng(dir.resolve("curves.png"));
        assertOnlyFiles("cm.png", "curves.png");
    }

    @Test
    void missingFoldersAreCreated() throws IOException {
        Path png = dir.resolve("plots/deeper/forecast.png");
        Plots.predictedVsActual("t", null, new double[] {1, 2, 3}, new double[] {1, 2.5, 2.9}, "y", png);
        readPng(png);
    }

    @Test
    void setsHeadlessUnlessAlreadySet() {
        Plots.confusionSize(2); // loads the class
        assertNotNull(System.getProperty("java.awt.headless"));
    }
}
