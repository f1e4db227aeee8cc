package dev.gated.engine.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The pruners' decisions on scripted learning curves. */
class PrunerTest {
    private static TrialView trial(int n, TrialState state, double... curve) {
        TreeMap<Integer, Double> im = new TreeMap<>();
        for (int e = 0; e < curve.length; e++) {
            im.put(e + 1, curve[e]);
        }
        return new TrialView(n, Map.of(), state, state == TrialState.COMPLETE ? curve[curve.length - 1] : Double.NaN,
                im, 1);
    }

    private static final StudyConfig.PrunerConfig MEDIAN = new StudyConfig.PrunerConfig(StudyConfig.PrunerKind.MEDIAN,
            1, 3, 3, 1);
    private static final StudyConfig.PrunerConfig ASHA = new StudyConfig.PrunerConfig(StudyConfig.PrunerKind.ASHA,
            1, 3, 0, 0);

    @Test
    void medianWaitsForStartupTrialsAndWarmup() {
        Pruner p = Pruner.of(MEDIAN, Direction.MINIMIZE, "val_loss");
        List<TrialView> done = List.of(trial(0, TrialState.COMPLETE, 1, 0.5, 0.4),
                trial(1, TrialState.COMPLETE, 1, 0.6, 0.5));
        // only 2 completed trials, 3 needed
        assertTrue(p.prune(trial(2, TrialState.RUNNING, 9, 9), 2, done).isEmpty());
        List<TrialView> three = new ArrayList<>(done);
        three.add(trial(3, TrialState.COMPLETE, 1, 0.7, 0.6));
        // epoch 1 is the warm-up
        assertTrue(p.prune(trial(2, TrialState.RUNNING, 9), 1, three).isEmpty());
        // median at epoch 2 of 0.5, 0.6, 0.7 is 0.6: 0.65 is pruned, 0.55 is not
        Optional<String> r = p.prune(trial(2, TrialState.RUNNING, 1, 0.65), 2, three);
        assertTrue(r.isPresent());
        assertTrue(r.get().contains("median 0.6"), r.get());
        assertTrue(p.prune(trial(2, TrialState.RUNNING, 1, 0.55), 2, three).isEmpty());
        // running and pruned trials are not part of the median
        List<TrialView> withRunning = new ArrayList<>(three);
        withRunning.add(trial(5, TrialState.RUNNING, 1, 0.1));
        withRunning.add(trial(6, TrialState.PRUNED, 1, 0.1));
        assertTrue(p.prune(trial(2, TrialState.RUNNING, 1, 0.55), 2, withRunning).isEmpty());
    }

    @Test
    void medianWhenMaximizing() {
        Pruner p = Pruner.of(MEDIAN, Direction.MAXIMIZE, "val_accuracy");
        List<TrialView> done = List.of(trial(0, TrialState.COMPLETE, 0.5, 0.8), trial(1, TrialState.COMPLETE, 0.5, 0.7),
                trial(3, TrialState.COMPLETE, 0.5, 0.6));
        assertTrue(p.prune(trial(2, TrialState.RUNNING, 0.5, 0.65), 2, done).isPresent());
        assertTrue(p.prune(trial(2, TrialState.RUNNING, 0.5, 0.75), 2, done).isEmpty());
    }

    @Test
    void ashaRungsAreAtMinEpochsTimesPowersOfTheFactor() {
        Pruner.Asha a = new Pruner.Asha(2, 3, Direction.MINIMIZE, "m");
        assertEquals(0, a.rung(2));
        assertEquals(1, a.rung(6));
        assertEquals(2, a.rung(18));
        assertEquals(-1, a.rung(1));
        assertEquals(-1, a.rung(3));
        assertEquals(-1, a.rung(7));
    }

    @Test
    void ashaPromotesTheBestThirdAtEachRung() {
        Pruner p = Pruner.of(ASHA, Direction.MINIMIZE, "val_loss");
        List<TrialView> others = new ArrayList<>();
        // Trials arrive one by one at rung 0 (epoch 1): the first goes on (it is the best so far) ...
        assertTrue(p.prune(trial(0, TrialState.RUNNING, 0.5), 1, others).isEmpty());
        others.add(trial(0, TrialState.COMPLETE, 0.5, 0.4, 0.3));
        // ... the second is worse than the first: with fewer than 3 at the rung only the best goes on
        assertTrue(p.prune(trial(1, TrialState.RUNNING, 0.6), 1, others).isPresent());
        others.add(trial(1, TrialState.PRUNED, 0.6));
        // a better one goes on
        assertTrue(p.prune(trial(2, TrialState.RUNNING, 0.45), 1, others).isEmpty());
        others.add(trial(2, TrialState.COMPLETE, 0.45, 0.35, 0.34));
        for (int i = 3; i < 9; i++) {
            others.add(trial(i, TrialState.PRUNED, 0.7 + i));
        }
        // 10 at the rung with this one: the best 3 go on (0.45, 0.5, and this 0.55); 0.65 does not
        assertTrue(p.prune(trial(9, TrialState.RUNNING, 0.55), 1, others).isEmpty());
        Optional<String> r = p.prune(trial(9, TrialState.RUNNING, 0.65), 1, others);
        assertTrue(r.isPresent());
        assertTrue(r.get().contains("best 3 of 10"), r.get());
        // epoch 2 is not a rung (rungs 1, 3, 9): never pruned there
        assertFalse(p.prune(trial(9, TrialState.RUNNING, 9, 9), 2, others).isPresent());
    }

    @Test
    void noneNeverPrunes() {
        Pruner p = Pruner.of(StudyConfig.PrunerConfig.NONE, Direction.MINIMIZE, "m");
        assertTrue(p.prune(trial(1, TrialState.RUNNING, 99), 1, List.of(trial(0, TrialState.COMPLETE, 0.1))).isEmpty());
    }
}
