package dev.gated.engine.metrics;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Classification scores over a set of predictions: accuracy, the confusion matrix, per-class precision and recall,
 * and the macro-averaged F1.
 *
 * <p>For class c: precision = TP / (TP + FP) (of the predictions of c, the share that were right), recall =
 * TP / (TP + FN) (of the examples of c, the share found), F1 = 2PR / (P + R). Each is 0 where its denominator is 0
 * (a class never predicted, or never present), so no score is NaN. Macro F1 is the plain mean of the per-class F1
 * over all classes, as scikit-learn's {@code f1_score(average='macro', zero_division=0)}.
 *
 * @param count     number of predictions scored
 * @param accuracy  share of predictions equal to the actual class
 * @param confusion {@code confusion[a][p]}: how many examples of actual class a were predicted as p
 * @param precision per class
 * @param recall    per class
 * @param macroF1   mean of the per-class F1
 */
public record ClassificationMetrics(long count, double accuracy, long[][] confusion, double[] precision,
                                    double[] recall, double macroF1) {
    /** Copies the arrays in (and out, through the accessors), so the record stays immutable. */
    public ClassificationMetrics {
        confusion = Arrays.stream(confusion).map(long[]::clone).toArray(long[][]::new);
        precision = precision.clone();
        recall = recall.clone();
        int c = confusion.length;
        for (long[] row : confusion) {
            if (row.length != c) {
                throw new IllegalArgumentException("confusion: expected a square " + c + " x " + c + " matrix, got "
                        + "a row of " + row.length);
            }
        }
        if (precision.length != c || recall.length != c) {
            throw new IllegalArgumentException("precision, recall: expected " + c + " values each, got "
                    + precision.length + " and " + recall.length);
        }
    }

    /** An empty accumulator for {@code classes} classes. */
    public static Accumulator accumulator(int classes) {
        return new Accumulator(classes);
    }

    /**
     * The index of the largest value in each row of {@code logits} [rows, classes] (row-major): the predicted class.
     * Ties go to the lowest index; a NaN never wins over a number.
     */
    public static int[] argmax(float[] logits, int rows, int classes) {
        if (rows < 0 || classes < 1 || logits == null || logits.length != (long) rows * classes) {
            throw new IllegalArgumentException("argmax: expected " + rows + " x " + classes + " logits (classes >= 1),"
                    + " got " + (logits == null ? "null" : logits.length + " values"));
        }
        int[] out = new int[rows];
        for (int r = 0; r < rows; r++) {
            int base = r * classes;
            int best = 0;
            for (int c = 1; c < classes; c++) {
                float v = logits[base + c];
                if (v > logits[base + best] || (Float.isNaN(logits[base + best]) && !Float.isNaN(v))) {
                    best = c;
                }
            }
            out[r] = best;
        }
        return out;
    }

    /** Number of classes. */
    public int classes() {
        return confusion.length;
    }

    @Override
    public long[][] confusion() {
        return Arrays.stream(confusion).map(long[]::clone).toArray(long[][]::new);
    }

    @Override
    public double[] precision() {
        return precision.clone();
    }

    @Override
    public double[] recall() {
        return recall.clone();
    }

    /** F1 of class {@code c}: 2PR / (P + R), 0 if both are 0. */
    public double f1(int c) {
        return f1(precision[c], recall[c]);
    }

    private static double f1(double p, double r) {
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /**
     * The scores as named metrics, in this order: {@code prefix + "accuracy"}, {@code prefix + "macro_f1"}, then
     * {@code prefix + "precision_" + name} for every class, then {@code prefix + "recall_" + name} for every class.
     *
     * @param classNames one name per class, in class order
     */
    public Map<String, Double> toMetrics(String prefix, List<String> classNames) {
        if (classNames.size() != classes()) {
            throw new IllegalArgumentException("classNames: expected " + classes() + " names, got "
                    + classNames.size());
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(prefix + "accuracy", accuracy);
        m.put(prefix + "macro_f1", macroF1);
        for (int c = 0; c < classes(); c++) {
            m.put(prefix + "precision_" + classNames.get(c), precision[c]);
        }
        for (int c = 0; c < classes(); c++) {
            m.put(prefix + "recall_" + classNames.get(c), recall[c]);
        }
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClassificationMetrics m && count == m.count
                && Double.compare(accuracy, m.accuracy) == 0 && Double.compare(macroF1, m.macroF1) == 0
                && Arrays.deepEquals(confusion, m.confusion) && Arrays.equals(precision, m.precision)
                && Arrays.equals(recall, m.recall);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(new Object[] {count, accuracy, confusion, precision, recall, macroF1});
    }

    @Override
    public String toString() {
        return "ClassificationMetrics(count=" + count + ", accuracy=" + accuracy + ", macroF1=" + macroF1
                + ", confusion=" + Arrays.deepToString(confusion) + ", precision=" + Arrays.toString(precision)
                + ", recall=" + Arrays.toString(recall) + ")";
    }

    /** Counts predictions over several batches. */
    public static final class Accumulator {
        private final long[][] confusion;

        private Accumulator(int classes) {
            if (classes < 1) {
                throw new IllegalArgumentException("classes: expected >= 1, got " + classes);
            }
            this.confusion = new long[classes][classes];
        }

        /** Adds pairs (predicted[i], actual[i]); both arrays the same length, classes in [0, classes). */
        public Accumulator add(int[] predicted, int[] actual) {
            if (predicted.length != actual.length) {
                throw new IllegalArgumentException("metrics: expected as many predictions as actual classes, got "
                        + predicted.length + " and " + actual.length);
            }
            int c = confusion.length;
            for (int i = 0; i < predicted.length; i++) {
                if (predicted[i] < 0 || predicted[i] >= c || actual[i] < 0 || actual[i] >= c) {
                    throw new IllegalArgumentException("metrics: pair " + i + ": expected classes in [0, " + c
                            + "), got predicted " + predicted[i] + " and actual " + actual[i]);
                }
            }
            for (int i = 0; i < predicted.length; i++) {
                confusion[actual[i]][predicted[i]]++;
            }
            return this;
        }

        /** The scores of everything added; an error if nothing was. */
        public ClassificationMetrics result() {
            int c = confusion.length;
            long n = 0;
            long correct = 0;
            long[] predictedAs = new long[c];
            long[] actuallyIs = new long[c];
            for (int a = 0; a < c; a++) {
                for (int p = 0; p < c; p++) {
                    n += confusion[a][p];
                    predictedAs[p] += confusion[a][p];
                    actuallyIs[a] += confusion[a][p];
                }
                correct += confusion[a][a];
            }
            if (n == 0) {
                throw new IllegalStateException("metrics: expected at least one prediction, got none");
            }
            double[] precision = new double[c];
            double[] recall = new double[c];
            double f1Sum = 0;
            for (int k = 0; k < c; k++) {
                precision[k] = predictedAs[k] == 0 ? 0 : (double) confusion[k][k] / predictedAs[k];
                recall[k] = actuallyIs[k] == 0 ? 0 : (double) confusion[k][k] / actuallyIs[k];
                f1Sum += f1(precision[k], recall[k]);
            }
            return new ClassificationMetrics(n, (double) correct / n, confusion, precision, recall, f1Sum / c);
        }
    }
}
