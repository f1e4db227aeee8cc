package dev.gated.engine.forecast;

import java.util.Arrays;
import java.util.List;

/**
 * Forecasts for a list of origins, in the data's units: a point forecast per origin, horizon step and target, and
 * for a probabilistic forecaster the quantiles too (ascending per step and target).
 *
 * @param origins   the origins, in order
 * @param point     {@code [origin][step][target]}
 * @param quantiles {@code [origin][step][target][level]}, or null for a point forecaster
 * @param levels    the quantile levels (empty for a point forecaster)
 */
public record Forecasts(List<Origin> origins, double[][][] point, double[][][][] quantiles, double[] levels) {
    public Forecasts {
        origins = List.copyOf(origins);
        if (point.length != origins.size() || (quantiles != null && quantiles.length != origins.size())) {
            throw new IllegalArgumentException("expected one forecast per origin (" + origins.size() + "), got "
                    + point.length);
        }
        levels = levels.clone();
    }

    @Override
    public double[] levels() {
        return levels.clone();
    }

    public boolean probabilistic() {
        return quantiles != null;
    }

    public int horizon() {
        return point.length == 0 ? 0 : point[0].length;
    }

    /** From decoded network outputs {@code [origin][step][target][level]}: the point forecast is the median. */
    static Forecasts ofDecoded(List<Origin> origins, double[][][][] decoded, double[] levels, int median) {
        int n = decoded.length;
        double[][][] point = new double[n][][];
        for (int i = 0; i < n; i++) {
            point[i] = new double[decoded[i].length][];
            for (int h = 0; h < decoded[i].length; h++) {
                point[i][h] = new double[decoded[i][h].length];
                for (int j = 0; j < decoded[i][h].length; j++) {
                    point[i][h][j] = decoded[i][h][j][median];
                }
            }
        }
        return new Forecasts(origins, point, levels.length == 0 ? null : decoded, levels);
    }

    @Override
    public String toString() {
        return "Forecasts[" + origins.size() + " origins, horizon " + horizon() + ", levels "
                + Arrays.toString(levels) + "]";
    }
}
