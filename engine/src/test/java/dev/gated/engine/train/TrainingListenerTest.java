package dev.gated.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link TrainingListener#both}: every event reaches both listeners, the first before the second. */
class TrainingListenerTest {
    @Test
    void bothForwardsEveryEventInOrder() {
        List<String> seen = new ArrayList<>();
        TrainingListener both = TrainingListener.both(recorder("a", seen), recorder("b", seen));
        Path run = Path.of("run");
        both.onStart(new TrainingListener.Start(run, "cpu", "why", 1, 1, 1, 1, 0, null));
        both.onStep(new TrainingListener.Step(1, 1, 1, 0.5, 1, 1, 0, 1, 0.1));
        both.onEpoch(new TrainingListener.Epoch(1, 1, Map.of(), true, 1));
        both.onCheckpoint(run.resolve("c"), "last", 1);
        both.onWarning("w");
        both.onReport("t", List.of());
        both.onEnd(new TrainingListener.End(run, 1, 1, Map.of(), List.of()));
        List<String> expected = new ArrayList<>();
        for (String event : List.of("start", "step", "epoch", "checkpoint", "warning", "report", "end")) {
            expected.add("a:" + event);
            expected.add("b:" + event);
        }
        assertEquals(expected, seen);
    }

    private static TrainingListener recorder(String name, List<String> seen) {
        return new TrainingListener() {
            @Override
            public void onStart(Start start) {
                seen.add(name + ":start");
            }

            @Override
            public void onStep(Step step) {
                seen.add(name + ":step");
            }

            @Override
            public void onEpoch(Epoch epoch) {
                seen.add(name + ":epoch");
            }

            @Override
            public void onCheckpoint(Path file, String kind, long step) {
                seen.add(name + ":checkpoint");
            }

            @Override
            public void onWarning(String message) {
                seen.add(name + ":warning");
            }

            @Override
            public void onReport(String title, List<String> lines) {
                seen.add(name + ":report");
            }

            @Override
            public void onEnd(End end) {
                seen.add(name + ":end");
            }
        };
    }
}
