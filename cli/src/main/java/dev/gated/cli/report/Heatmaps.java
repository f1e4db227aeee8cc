package dev.gated.cli.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.HeatMapSeries;

/**
 * The one way the plots draw a matrix as a heat map (the confusion matrix, attention weights): XChart's
 * {@link HeatMapChart} with the first row on top (XChart puts y index 0 at the bottom), the columns left to right,
 * a white-to-blue colour range, and optionally each cell's value.
 */
final class Heatmaps {
    /** The colour range: low values white, high values blue. */
    static final Color[] BLUES = {new Color(0xF7, 0xFB, 0xFF), new Color(0x6B, 0xAE, 0xD6),
            new Color(0x21, 0x71, 0xB5)};

    /**
     * How a heat map looks.
     *
     * @param width         image width in pixels
     * @param height        image height in pixels
     * @param valuePattern  a {@link java.text.DecimalFormat} pattern for the value in each cell, or null to show none
     * @param valueFontSize the size of the values' font
     * @param xLabelAngle   the rotation of the column labels in degrees (0: horizontal)
     */
    record Style(int width, int height, String valuePattern, int valueFontSize, int xLabelAngle) {
    }

    private Heatmaps() {
    }

    /**
     * Draws {@code values[row][column]} ({@code rows} top to bottom, {@code columns} left to right), coloured from
     * {@code min} to {@code max}. The callers check the shapes; labels need not be unique.
     */
    static BufferedImage draw(String title, String xTitle, String yTitle, List<String> columns, List<String> rows,
                              double[][] values, double min, double max, Style style) {
        int nRows = rows.size();
        int nCols = columns.size();
        if (values.length != nRows) {
            throw new IllegalArgumentException("heat map: " + values.length + " rows of values for " + nRows
                    + " row labels");
        }
        List<String> rowLabels = new ArrayList<>(rows);
        Collections.reverse(rowLabels); // XChart puts y index 0 at the bottom; the first row goes on top
        List<Number[]> heat = new ArrayList<>(nRows * nCols);
        for (int r = 0; r < nRows; r++) {
            if (values[r].length != nCols) {
                throw new IllegalArgumentException("heat map: row " + r + " has " + values[r].length
                        + " values for " + nCols + " column labels");
            }
            for (int c = 0; c < nCols; c++) {
                heat.add(new Number[] {c, nRows - 1 - r, values[r][c]});
            }
        }
        HeatMapChart chart = new HeatMapChartBuilder().width(style.width()).height(style.height())
                .title(title == null ? "" : title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        Plots.styleCommon(chart.getStyler());
        chart.getStyler().setShowValue(style.valuePattern() != null);
        if (style.valuePattern() != null) {
            chart.getStyler().setHeatMapValueDecimalPattern(style.valuePattern());
        }
        chart.getStyler().setValueFont(new Font(Font.SANS_SERIF, Font.PLAIN, style.valueFontSize()));
        chart.getStyler().setValueFontColor(Color.BLACK);
        chart.getStyler().setRangeColors(BLUES.clone());
        chart.getStyler().setDrawBorder(true);
        chart.getStyler().setXAxisLabelRotation(style.xLabelAngle());
        HeatMapSeries s = chart.addSeries("value", columns, rowLabels, heat);
        s.setMin(min);
        s.setMax(max > min ? max : min + 1);
        return BitmapEncoder.getBufferedImage(chart);
    }
}
