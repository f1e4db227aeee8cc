package dev.gated.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gated.engine.tune.StudyJournal;
import dev.gated.engine.tune.StudyState;
import dev.gated.engine.tune.TrialState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A tiny study for the tune tests (the Seattle weather data copied next to a small job, a random sampler) and the
 * checks of its journal that every way of running workers must pass.
 */
final class TuneStudies {
    static final Path SEATTLE_CSV = (Files.isDirectory(Path.of("../examples")) ? Path.of("../examples")
            : Path.of("examples")).resolve("forecast/seattle-weather.csv");
    /** The study folder relative to the folder gated tune runs in: study.dir's default runs/tune, name "study". */
    static final Path STUDY_DIR = Path.of("runs", "tune", "study");
    private static final List<String> ENDS = List.of("complete", "pruned", "failed");

    private TuneStudies() {
    }

    /**
     * Writes {@code study.yaml}, {@code job.yaml} and {@code seattle-weather.csv} into {@code dir}, all paths
     * relative (so the folder works wherever it is mounted); returns the study file.
     *
     * @param training more {@code training:} lines, e.g. {@code "checkpoint_every_steps: 5"}
     */
    static Path write(Path dir, int trials, int epochs, String device, String... training) throws IOException {
        Files.createDirectories(dir);
        Files.copy(SEATTLE_CSV, dir.resolve("seattle-weather.csv"));
        List<String> job = new ArrayList<>(List.of(
                "data:",
                "  kind: csv",
                "  path: seattle-weather.csv",
                "  date_column: date",
                "  input_columns: [temp_max, temp_min, precipitation, wind]",
                "  target_columns: [temp_max]",
                "  window: 14",
                "  horizon: 1",
                "  split: [0.7, 0.15, 0.15]",
                "model:",
                "  cell: lstm",
                "  hidden: 8",
                "task:",
                "  kind: forecast",
                "training:",
                "  optimizer: adam",
                "  learning_rate: 0.005",
                "  batch_size: 32",
                "  epochs: " + epochs,
                "  seed: 42",
                "  device: " + device));
        for (String t : training) {
            job.add("  " + t);
        }
        job.addAll(List.of("output:", "  plots: false", ""));
        Files.writeString(dir.resolve("job.yaml"), String.join("\n", job));
        Path study = dir.resolve("study.yaml");
        Files.writeString(study, String.join("\n",
                "study:",
                "  job: job.yaml",
                "  seed: 3",
                "objective:",
                "  metric: val_rmse",
                "budget:",
                "  trials: " + trials,
                "sampler:",
                "  kind: random",
                "space:",
                "  training.learning_rate: {loguniform: [1.0e-3, 3.0e-2]}",
                "  model.hidden: {int: [4, 12]}",
                ""));
        return study;
    }

    /** The journal of the study folder {@code studyDir}, as read and as replayed. */
    record Journal(List<ObjectNode> records, StudyState state) {
        static Journal read(Path studyDir) {
            List<ObjectNode> records = new StudyJournal(studyDir).read();
            return new Journal(records, StudyState.replay(records));
        }

        List<ObjectNode> ofType(String type) {
            return records.stream().filter(r -> r.path("type").asText().equals(type)).toList();
        }

        /** Trials claimed (first claims, not reclaims), by worker name. */
        Map<String, Long> claimsByWorker() {
            return ofType("claim").stream().collect(Collectors.groupingBy(r -> r.path("worker").asText(),
                    TreeMap::new, Collectors.counting()));
        }

        /** The values of the complete trials. */
        Map<Integer, Double> completeValues() {
            Map<Integer, Double> out = new LinkedHashMap<>();
            for (StudyState.Trial t : state.trials()) {
                if (t.state() == TrialState.COMPLETE) {
                    out.put(t.number(), t.view().value());
                }
            }
            return out;
        }

        /**
         * The study is done with exactly {@code budget} trials, numbered 0..budget-1: each claimed once, each ended
         * once (one complete, pruned or failed record in the raw journal), none running.
         */
        void assertEveryTrialEndedOnce(int budget) {
            assertEquals(budget, state.count(), () -> "trials in the journal\n" + this);
            Map<Integer, Long> claims = count(ofType("claim"));
            Map<Integer, Long> ends = new TreeMap<>();
            ENDS.forEach(t -> count(ofType(t)).forEach((k, v) -> ends.merge(k, v, Long::sum)));
            for (int n = 0; n < budget; n++) {
                assertEquals(1L, claims.getOrDefault(n, 0L), "claims of trial " + n + "\n" + this);
                assertEquals(1L, ends.getOrDefault(n, 0L), "ends of trial " + n + "\n" + this);
                assertNotEquals(TrialState.RUNNING, state.trial(n).orElseThrow().state(), "trial " + n);
            }
            assertEquals(new TreeSet<>(claims.keySet()), new TreeSet<>(ends.keySet()), "claimed = ended");
            assertTrue(state.count(TrialState.COMPLETE) > 0, () -> "no trial completed\n" + this);
        }

        private static Map<Integer, Long> count(List<ObjectNode> records) {
            return records.stream().collect(Collectors.groupingBy(r -> r.path("trial").asInt(), TreeMap::new,
                    Collectors.counting()));
        }

        @Override
        public String toString() {
            return records.stream().map(ObjectNode::toString).collect(Collectors.joining("\n"));
        }
    }
}
