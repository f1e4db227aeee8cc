package dev.gated.engine.data.timeseries;

import dev.gated.engine.util.FloatArrays;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-column standardization {@code z = (x - mean) / std}, fitted on the training part only and then applied
 * unchanged to validation, test and new data; {@link #inverse} brings the model's outputs back to original units.
 *
 * <p>{@code std} is the population standard deviation (divided by n) of the training rows. A column that is
 * constant over the training rows (std at most {@code 1e-12 * max(1, |mean|)}) gets {@code std = 1}, so its values
 * are only shifted by the mean; such columns are listed by {@link #constantColumns()} so a caller can warn.
 *
 * <p>The parameters are plain doubles: {@link #toMap()} gives {@code "mean.<column>"} and {@code "std.<column>"}
 * entries that {@link #fromMap} reads back, to be saved next to the model.
 */
public final class Standardizer {
    private static final String MEAN = "mean.";
    private static final String STD = "std.";

    private final List<String> columns;
    private final double[] mean;
    private final double[] std;
    private final List<String> constant;

    private Standardizer(List<String> columns, double[] mean, double[] std, List<String> constant) {
        this.columns = List.copyOf(columns);
        this.mean = mean;
        this.std = std;
        this.constant = List.copyOf(constant);
    }

    /** Fits every column of {@code train} (inputs and targets) on its rows; {@code train} must not be empty. */
    public static Standardizer fit(TimeSeries train) {
        int n = train.length();
        if (n == 0) {
            throw new IllegalArgumentException("standardizer: expected at least one training row, got none");
        }
        List<String> cols = train.columns();
        double[] mean = new double[cols.size()];
        double[] std = new double[cols.size()];
        List<String> constant = new ArrayList<>();
        for (int c = 0; c < cols.size(); c++) {
            double sum = 0;
            for (int t = 0; t < n; t++) {
                sum += train.value(c, t);
            }
            double m = sum / n;
            double ss = 0;
            for (int t = 0; t < n; t++) {
                double d = train.value(c, t) - m;
                ss += d * d;
            }
            double s = Math.sqrt(ss / n);
            mean[c] = m;
            if (s <= 1e-12 * Math.max(1, Math.abs(m))) {
                std[c] = 1;
                constant.add(cols.get(c));
            } else {
                std[c] = s;
            }
        }
        return new Standardizer(cols, mean, std, constant);
    }

    /** Parameters written by {@link #toMap()}; every column needs a finite mean and a positive finite std. */
    public static Standardizer fromMap(Map<String, Double> params) {
        if (params == null || params.isEmpty()) {
            throw new IllegalArgumentException("standardizer: expected mean.<column> and std.<column> entries, "
                    + "got none");
        }
        Map<String, Double> means = new LinkedHashMap<>();
        Map<String, Double> stds = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : params.entrySet()) {
            String k = e.getKey();
            if (k.startsWith(MEAN) && k.length() > MEAN.length()) {
                means.put(k.substring(MEAN.length()), e.getValue());
            } else if (k.startsWith(STD) && k.length() > STD.length()) {
                stds.put(k.substring(STD.length()), e.getValue());
            } else {
                throw new IllegalArgumentException("standardizer: expected keys mean.<column> or std.<column>, "
                        + "got '" + k + "'");
            }
        }
        if (!means.keySet().equals(stds.keySet())) {
            throw new IllegalArgumentException("standardizer: expected a mean and a std for every column, got means "
                    + "for " + means.keySet() + " and stds for " + stds.keySet());
        }
        List<String> cols = new ArrayList<>(means.keySet());
        double[] mean = new double[cols.size()];
        double[] std = new double[cols.size()];
        for (int c = 0; c < cols.size(); c++) {
            Double m = means.get(cols.get(c));
            Double s = stds.get(cols.get(c));
            if (m == null || !Double.isFinite(m)) {
                throw new IllegalArgumentException("standardizer: mean." + cols.get(c) + ": expected a finite "
                        + "number, got " + m);
            }
            if (s == null || !(s > 0) || !Double.isFinite(s)) {
                throw new IllegalArgumentException("standardizer: std." + cols.get(c) + ": expected a finite "
                        + "number > 0, got " + s);
            }
            mean[c] = m;
            std[c] = s;
        }
        return new Standardizer(cols, mean, std, List.of());
    }

    /** The parameters as {@code mean.<column>} and {@code std.<column>} entries, in column order. */
    public Map<String, Double> toMap() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int c = 0; c < columns.size(); c++) {
            out.put(MEAN + columns.get(c), mean[c]);
        }
        for (int c = 0; c < columns.size(); c++) {
            out.put(STD + columns.get(c), std[c]);
        }
        return Collections.unmodifiableMap(out);
    }

    public List<String> columns() {
        return columns;
    }

    /** Columns that were constant over the training rows and got std 1 (empty after {@link #fromMap}). */
    public List<String> constantColumns() {
        return constant;
    }

    public double mean(String column) {
        return mean[index(column)];
    }

    public double std(String column) {
        return std[index(column)];
    }

    private int index(String column) {
        int i = columns.indexOf(column);
        if (i < 0) {
            throw new IllegalArgumentException("standardizer: expected a fitted column, one of " + columns
                    + ", got '" + column + "'");
        }
        return i;
    }

    /** {@code (x - mean) / std} for one column. */
    public double transform(String column, double x) {
        int i = index(column);
        return (x - mean[i]) / std[i];
    }

    /** {@code z * std + mean} for one column. */
    public double inverse(String column, double z) {
        int i = index(column);
        return z * std[i] + mean[i];
    }

    /** Every column of {@code series} standardized (all of its columns must have been fitted). */
    public TimeSeries transform(TimeSeries series) {
        return map(series, true);
    }

    /** Every column of a standardized series back in original units. */
    public TimeSeries inverse(TimeSeries series) {
        return map(series, false);
    }

    private TimeSeries map(TimeSeries series, boolean forward) {
        List<String> cols = series.columns();
        double[][] out = new double[cols.size()][series.length()];
        for (int c = 0; c < cols.size(); c++) {
            int i = index(cols.get(c));
            for (int t = 0; t < series.length(); t++) {
                double v = series.value(c, t);
                out[c][t] = forward ? (v - mean[i]) / std[i] : v * std[i] + mean[i];
            }
        }
        return series.withValues(out);
    }

    /**
     * Standardized values in original units: {@code values} is {@code [B, columns.size()]} row-major, e.g. a
     * model's predictions {@code y[B, O]} with {@code columns} the target columns.
     */
    public double[] inverse(List<String> columns, float[] values) {
        return inverse(columns, FloatArrays.toDouble(values));
    }

    /** {@link #inverse(List, float[])} for doubles. */
    public double[] inverse(List<String> columns, double[] values) {
        return apply(columns, values, false);
    }

    /** Original values {@code [B, columns.size()]} standardized. */
    public double[] transform(List<String> columns, double[] values) {
        return apply(columns, values, true);
    }

    private double[] apply(List<String> cols, double[] values, boolean forward) {
        int o = cols.size();
        if (o == 0 || values.length % o != 0) {
            throw new IllegalArgumentException("values: expected a multiple of " + o + " values [B, " + o
                    + "] for columns " + cols + ", got " + values.length);
        }
        int[] idx = new int[o];
        for (int j = 0; j < o; j++) {
            idx[j] = index(cols.get(j));
        }
        double[] out = new double[values.length];
        for (int k = 0; k < values.length; k++) {
            int i = idx[k % o];
            out[k] = forward ? (values[k] - mean[i]) / std[i] : values[k] * std[i] + mean[i];
        }
        return out;
    }
}
