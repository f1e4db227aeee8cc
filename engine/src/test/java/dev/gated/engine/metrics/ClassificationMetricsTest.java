package dev.gated.engine.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {
    /**
     * actual    0 0 0 1 1 2 2 2 2 0, class 3 never present nor predicted
     * predicted 0 1 0 1 1 2 2 0 2 0
     */
    private static ClassificationMetrics example() {
        return ClassificationMetrics.accumulator(4)
                .add(new int[] {0, 1, 0, 1, 1}, new int[] {0, 0, 0, 1, 1})
                .add(new int[] {2, 2, 0, 2, 0}, new int[] {2, 2, 2, 2, 0})
                .result();
    }

    @Test
    void handComputedScores() {
        ClassificationMetrics m = example();
        assertEquals(10, m.count());
        assertEquals(4, m.classes());
        assertEquals(0.8, m.accuracy(), 1e-12);
        assertArrayEquals(new long[][] {{3, 1, 0, 0}, {0, 2, 0, 0}, {1, 0, 3, 0}, {0, 0, 0, 0}}, m.confusion());
        // precision: column-wise TP / predicted; class 3 is never predicted -> 0
        assertArrayEquals(new double[] {3.0 / 4, 2.0 / 3, 1, 0}, m.precision(), 1e-12);
        // recall: row-wise TP / actual; class 3 never occurs -> 0
        assertArrayEquals(new double[] {3.0 / 4, 1, 3.0 / 4, 0}, m.recall(), 1e-12);
        assertEquals(0.8, m.f1(1), 1e-12);
        assertEquals(6.0 / 7, m.f1(2), 1e-12);
        assertEquals(0, m.f1(3));
        assertEquals((0.75 + 0.8 + 6.0 / 7 + 0) / 4, m.macroF1(), 1e-12);
    }

    @Test
    void namedMetricsInOrder() {
        Map<String, Double> named = example().toMetrics("val_", List.of("a", "b", "c", "d"));
        assertEquals(List.of("val_accuracy", "val_macro_f1", "val_precision_a", "val_precision_b", "val_precision_c",
                "val_precision_d", "val_recall_a", "val_recall_b", "val_recall_c", "val_recall_d"),
                List.copyOf(named.keySet()));
        assertEquals(0.8, named.get("val_accuracy"), 1e-12);
        assertEquals(2.0 / 3, named.get("val_precision_b"), 1e-12);
        assertEquals(1.0, named.get("val_recall_b"), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> example().toMetrics("", List.of("a")));
    }

    @Test
    void recordIsImmutableAndComparesByContent() {
        ClassificationMetrics m = example();
        m.confusion()[0][0] = 99;
        m.precision()[0] = 99;
        assertEquals(3, m.confusion()[0][0]);
        assertEquals(example(), m);
        assertEquals(example().hashCode(), m.hashCode());
    }

    @Test
    void argmaxPerRow() {
        float[] logits = {1, 3, 2, 5, 5, 0, Float.NaN, 1, 0, -1, -2, -0.5f};
        assertArrayEquals(new int[] {1, 0, 1, 2}, ClassificationMetrics.argmax(logits, 4, 3));
        assertThrows(IllegalArgumentException.class, () -> ClassificationMetrics.argmax(logits, 3, 3));
    }

    @Test
    void errors() {
        ClassificationMetrics.Accumulator acc = ClassificationMetrics.accumulator(2);
        assertThrows(IllegalStateException.class, acc::result);
        assertThrows(IllegalArgumentException.class, () -> acc.add(new int[] {0}, new int[] {0, 1}));
        assertThrows(IllegalArgumentException.class, () -> acc.add(new int[] {2}, new int[] {0}));
        assertThrows(IllegalArgumentException.class, () -> acc.add(new int[] {0}, new int[] {-1}));
        assertThrows(IllegalArgumentException.class, () -> ClassificationMetrics.accumulator(0));
    }
}
