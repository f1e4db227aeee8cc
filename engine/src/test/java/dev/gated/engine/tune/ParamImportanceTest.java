package dev.gated.engine.tune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ParamImportanceTest {
    private static final SearchSpace NUMERIC = new SearchSpace(List.of(
            new Param.Uniform("a", 0, 1, false, Optional.empty()),
            new Param.Uniform("b", 1e-4, 1e-1, true, Optional.empty()),
            new Param.IntRange("c", 1, 64, 1, false, Optional.empty())));

    private static TrialView complete(int number, Map<String, Object> params, double value) {
        return new TrialView(number, params, TrialState.COMPLETE, value, new TreeMap<>(), 1.0);
    }

    /** value = 3 a + 1.5 u + noise, u = (log10 b + 4) / 3 uniform on [0, 1): a strong, b weak, c not at all. */
    private static List<TrialView> numericTrials(int n, long seed) {
        Random r = new Random(seed);
        List<TrialView> trials = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double a = r.nextDouble();
            double b = Math.pow(10, -4 + 3 * r.nextDouble());
            long c = 1 + r.nextInt(64);
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("a", a);
            p.put("b", b);
            p.put("c", c);
            trials.add(complete(i, p, 3 * a + (Math.log10(b) + 4) / 2 + 0.3 * r.nextGaussian()));
        }
        return trials;
    }

    private static double sum(Map<String, Double> m) {
        return m.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    @Test
    void theParameterTheObjectiveDependsOnRanksFirstAndNoiseLast() {
        for (long seed = 1; seed <= 10; seed++) { // not one lucky draw
            Map<String, Double> imp = ParamImportance.of(NUMERIC, numericTrials(80, seed), Direction.MINIMIZE);
            assertEquals(List.of("a", "b", "c"), List.copyOf(imp.keySet()), "seed " + seed + ": " + imp);
            assertTrue(imp.get("a") > 0.5, imp.toString());
            assertTrue(imp.get("c") < 0.15, imp.toString());
            assertEquals(1.0, sum(imp), 1e-12);
            // Direction only flips the ranks: the shares are the same.
            Map<String, Double> max = ParamImportance.of(NUMERIC, numericTrials(80, seed), Direction.MAXIMIZE);
            imp.forEach((k, v) -> assertEquals(v, max.get(k), 1e-12, k));
        }
    }

    @Test
    void oneDivergedTrialDoesNotDecide() {
        List<TrialView> trials = new ArrayList<>(numericTrials(80, 11));
        TrialView t = trials.get(0);
        trials.set(0, complete(t.number(), t.params(), 1e12)); // its rank is the last one, no more
        Map<String, Double> imp = ParamImportance.of(NUMERIC, trials, Direction.MINIMIZE);
        assertEquals("a", imp.keySet().iterator().next(), imp.toString());
        assertTrue(imp.get("a") > 0.6, imp.toString());
    }

    @Test
    void categoricalAndBooleanParametersGroupByValue() {
        SearchSpace space = new SearchSpace(List.of(
                new Param.Choice("model.cell", List.of("gru", "lstm", "rnn"), Optional.empty()),
                new Param.Choice("data.standardize", List.of(true, false), Optional.empty()),
                new Param.Uniform("training.dropout", 0, 0.5, false, Optional.empty())));
        Random r = new Random(3);
        List<TrialView> trials = new ArrayList<>();
        Map<String, Double> cellValue = Map.of("gru", 1.0, "lstm", 2.0, "rnn", 5.0);
        for (int i = 0; i < 60; i++) {
            String cell = List.of("gru", "lstm", "rnn").get(i % 3);
            boolean std = r.nextBoolean();
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("model.cell", cell);
            p.put("data.standardize", std);
            p.put("training.dropout", 0.5 * r.nextDouble());
            trials.add(complete(i, p, cellValue.get(cell) + (std ? 0.3 : 0) + 0.1 * r.nextGaussian()));
        }
        Map<String, Double> imp = ParamImportance.of(space, trials, Direction.MINIMIZE);
        assertEquals(List.of("model.cell", "data.standardize", "training.dropout"), List.copyOf(imp.keySet()),
                imp.toString());
        assertTrue(imp.get("model.cell") > 0.6, imp.toString());
        assertEquals(1.0, sum(imp), 1e-12);
    }

    @Test
    void onlyCompleteTrialsWhereTheParameterIsSetCount() {
        List<TrialView> trials = new ArrayList<>(numericTrials(40, 5));
        // Pruned and failed trials whose c would explain everything if they counted.
        for (int i = 0; i < 40; i++) {
            Map<String, Object> p = Map.of("a", 0.5, "b", 0.01, "c", (long) (i % 2 == 0 ? 1 : 64));
            trials.add(new TrialView(100 + i, p, i % 2 == 0 ? TrialState.PRUNED : TrialState.FAILED, Double.NaN,
                    new TreeMap<>(Map.of(1, i % 2 == 0 ? 0.0 : 1e9)), 1.0));
        }
        trials.add(complete(200, Map.of("a", 0.5, "b", 0.01, "c", 3L), Double.NaN));
        Map<String, Double> imp = ParamImportance.of(NUMERIC, trials, Direction.MINIMIZE);
        assertEquals("a", imp.keySet().iterator().next(), imp.toString());
        assertTrue(imp.get("c") < 0.2, imp.toString());
    }

    @Test
    void tooFewTrialsOrOneGroupGiveZeros() {
        Map<String, Double> zeros = new LinkedHashMap<>(Map.of("a", 0.0, "b", 0.0, "c", 0.0));
        assertEquals(zeros, ParamImportance.of(NUMERIC, List.of(), Direction.MINIMIZE));
        assertEquals(List.of("a", "b", "c"), List.copyOf(ParamImportance.of(NUMERIC, List.of(), Direction.MINIMIZE)
                .keySet()), "every parameter, in space order");
        assertEquals(zeros, ParamImportance.of(NUMERIC, numericTrials(2, 1), Direction.MINIMIZE));
        // c is the same in every trial: one group, 0; a and b share everything.
        List<TrialView> trials = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            trials.add(complete(i, Map.of("a", i / 10.0, "b", 0.001 * (i + 1), "c", 8L), i));
        }
        Map<String, Double> imp = ParamImportance.of(NUMERIC, trials, Direction.MINIMIZE);
        assertEquals(0.0, imp.get("c"));
        assertEquals(0.5, imp.get("a"), 1e-12);
        assertEquals(0.5, imp.get("b"), 1e-12);
        // All objectives equal: nothing to explain.
        List<TrialView> flat = numericTrials(20, 2).stream().map(t -> complete(t.number(), t.params(), 1.0))
                .toList();
        assertEquals(zeros, ParamImportance.of(NUMERIC, flat, Direction.MINIMIZE));
    }

    @Test
    void ranksAverageTiesAndBinsKeepTiesTogether() {
        assertArrayEquals(new double[] {1, 2.5, 2.5, 4}, ParamImportance.ranks(new double[] {0.1, 3, 3, 7}));
        assertArrayEquals(new double[] {3, 1, 2}, ParamImportance.ranks(new double[] {9, -1, 0}));
        Param c = NUMERIC.params().get(2);
        // Few distinct values: by value.
        assertArrayEquals(new int[] {0, 1, 0, 2}, ParamImportance.groups(c, List.of(4L, 8L, 4.0, 16L)));
        // Eight distinct values: four quantile bins of two.
        List<Object> eight = List.of(8L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertArrayEquals(new int[] {3, 0, 0, 1, 1, 2, 2, 3}, ParamImportance.groups(c, eight));
        // A value most trials share takes one bin; the rest are not pulled into it.
        List<Object> heavy = new ArrayList<>(List.of(1L, 2L, 3L, 4L));
        for (int i = 0; i < 12; i++) {
            heavy.add(9L);
        }
        int[] g = ParamImportance.groups(c, heavy);
        assertEquals(0, g[0]);
        for (int i = 4; i < heavy.size(); i++) {
            assertEquals(g[4], g[i]);
        }
        assertTrue(g[4] > g[0]);
    }

    @Test
    void etaSquaredIsTheBetweenGroupShare() {
        // Group means 1.5 and 3.5 around 2.5: between 4 * 1 = 4, total 5.
        assertEquals(0.8, ParamImportance.etaSquared(new int[] {0, 0, 1, 1}, new double[] {1, 2, 3, 4}), 1e-12);
        assertEquals(0.0, ParamImportance.etaSquared(new int[] {0, 0, 0}, new double[] {1, 2, 3}));
        assertEquals(1.0, ParamImportance.etaSquared(new int[] {0, 1, 0, 1}, new double[] {1, 2, 1, 2}), 1e-12);
    }
}
