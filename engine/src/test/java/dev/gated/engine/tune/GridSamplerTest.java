package dev.gated.engine.tune;

import static dev.gated.engine.tune.TuneFixtures.choice;
import static dev.gated.engine.tune.TuneFixtures.ints;
import static dev.gated.engine.tune.TuneFixtures.logInts;
import static dev.gated.engine.tune.TuneFixtures.space;
import static dev.gated.engine.tune.TuneFixtures.uniform;
import static dev.gated.engine.tune.TuneFixtures.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Grid search: every combination exactly once, in a fixed order, conditional parameters varied only when active. */
class GridSamplerTest {
    @Test
    void fullProductFirstParamSlowest() {
        GridSampler g = new GridSampler(space(choice("cell", "lstm", "gru"), ints("hidden", 16, 48, 16),
                logInts("batch", 3, 4)));
        assertEquals(2 * 3 * 2, g.capacity());
        List<Map<String, Object>> all = all(g);
        assertEquals(Map.of("cell", "lstm", "hidden", 16L, "batch", 3L), all.get(0));
        assertEquals(List.of("cell", "hidden", "batch"), List.copyOf(all.get(0).keySet()));
        assertEquals(Map.of("cell", "lstm", "hidden", 16L, "batch", 4L), all.get(1));
        assertEquals(Map.of("cell", "lstm", "hidden", 32L, "batch", 3L), all.get(2));
        assertEquals(Map.of("cell", "gru", "hidden", 48L, "batch", 4L), all.get(11));
        Set<Map<String, Object>> expected = new HashSet<>();
        for (String c : List.of("lstm", "gru")) {
            for (long h : new long[] {16, 32, 48}) {
                for (long b : new long[] {3, 4}) {
                    expected.add(Map.of("cell", c, "hidden", h, "batch", b));
                }
            }
        }
        assertEquals(expected, new HashSet<>(all));
        assertEquals(all, all(new GridSampler(space(choice("cell", "lstm", "gru"), ints("hidden", 16, 48, 16),
                logInts("batch", 3, 4))))); // the same order every time
    }

    @Test
    void intGridStopsAtTheLastStep() {
        GridSampler g = new GridSampler(space(ints("hidden", 8, 30, 8)));
        assertEquals(3, g.capacity());
        assertEquals(List.of(8L, 16L, 24L), all(g).stream().map(m -> m.get("hidden")).toList());
    }

    @Test
    void conditionalParamsAreNotMultiplied() {
        GridSampler g = new GridSampler(space(choice("layers", 1L, 2L),
                when(choice("dropout", 0.0, 0.2, 0.4), "layers", Condition.Op.GT, 1)));
        assertEquals(4, g.capacity());
        List<Map<String, Object>> all = all(g);
        assertEquals(List.of(Map.of("layers", 1L), Map.of("layers", 2L, "dropout", 0.0),
                Map.of("layers", 2L, "dropout", 0.2), Map.of("layers", 2L, "dropout", 0.4)), all);
    }

    @Test
    void nestedConditionsAndLaterParams() {
        // kind=a: 1 + (x=1: 2 values of y) ... enumerate by hand: a,x1 | a,x2,y1 | a,x2,y2 | b ; times 2 of z.
        GridSampler g = new GridSampler(space(choice("kind", "a", "b"),
                when(ints("x", 1, 2, 1), "kind", Condition.Op.EQ, "a"),
                when(ints("y", 1, 2, 1), "x", Condition.Op.EQ, 2),
                choice("z", true, false)));
        assertEquals((1 + 2 + 1) * 2, g.capacity());
        List<Map<String, Object>> all = all(g);
        assertEquals(all.size(), new HashSet<>(all).size(), "no repeats");
        for (Map<String, Object> m : all) {
            assertEquals("a".equals(m.get("kind")), m.containsKey("x"));
            assertEquals(Long.valueOf(2).equals(m.get("x")), m.containsKey("y"));
            assertTrue(m.containsKey("z"));
        }
        assertEquals(Map.of("kind", "b", "z", false), all.get(7));
    }

    @Test
    void uniformIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GridSampler(space(choice("cell", "lstm"), uniform("training.learning_rate", 0.001, 0.1))));
        assertEquals("grid search needs a finite set of values: give training.learning_rate as choice or int",
                e.getMessage());
    }

    @Test
    void hugeGridsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GridSampler(space(ints("a", 1, 1000, 1), ints("b", 1, 1000, 1), ints("c", 1, 1000, 1))));
        assertTrue(e.getMessage().contains("more than 1000000 combinations"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new GridSampler(space(ints("a", 0, 1L << 40, 1))));
        assertEquals(1_000_000, new GridSampler(space(ints("a", 1, 1000, 1), ints("b", 1, 1000, 1))).capacity());
    }

    @Test
    void pastTheGridIsAnError() {
        GridSampler g = new GridSampler(space(choice("cell", "lstm", "gru")));
        assertThrows(IllegalStateException.class, () -> g.sample(2, List.of()));
        assertThrows(IllegalStateException.class, () -> g.sample(-1, List.of()));
    }

    private static List<Map<String, Object>> all(GridSampler g) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int n = 0; n < g.capacity(); n++) {
            out.add(g.sample(n, List.of()));
        }
        return out;
    }
}
