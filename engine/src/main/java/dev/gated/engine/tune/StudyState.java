package dev.gated.engine.tune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The study as its journal's records say it is. Record types: {@code study} (first: what the study is, to refuse
 * a folder made by another study), {@code claim} (a trial and its parameters), {@code reclaim} (an interrupted
 * trial picked up again), {@code epoch} (an intermediate value), {@code complete}, {@code pruned}, {@code failed}.
 * A trial's end is counted once: records after its first end are ignored, so nothing is counted twice.
 */
public final class StudyState {
    /** One trial as replayed. */
    public static final class Trial {
        final int number;
        final Map<String, Object> params;
        TrialState state = TrialState.RUNNING;
        double value = Double.NaN;
        final TreeMap<Integer, Double> intermediate = new TreeMap<>();
        double seconds;
        String reason = "";
        int prunedAt;
        int attempts = 1;
        String worker;

        Trial(int number, Map<String, Object> params, String worker) {
            this.number = number;
            this.params = params;
            this.worker = worker;
        }

        public TrialView view() {
            return new TrialView(number, params, state, value, intermediate, seconds);
        }

        public int number() {
            return number;
        }

        public TrialState state() {
            return state;
        }

        /** Why it was pruned or failed ("" otherwise). */
        public String reason() {
            return reason;
        }

        /** The epoch it was pruned at (0 unless pruned). */
        public int prunedAt() {
            return prunedAt;
        }

        /** How many times a worker started it (above 1 after an interruption). */
        public int attempts() {
            return attempts;
        }

        /** The worker that claimed it last. */
        public String worker() {
            return worker;
        }
    }

    private final Optional<String> fingerprint;
    private final Map<Integer, Trial> trials;

    private StudyState(Optional<String> fingerprint, Map<Integer, Trial> trials) {
        this.fingerprint = fingerprint;
        this.trials = trials;
    }

    public static StudyState replay(List<ObjectNode> records) {
        Optional<String> fingerprint = Optional.empty();
        Map<Integer, Trial> trials = new LinkedHashMap<>();
        for (ObjectNode r : records) {
            String type = r.path("type").asText();
            if (type.equals("study")) {
                fingerprint = fingerprint.or(() -> Optional.of(r.path("fingerprint").asText()));
                continue;
            }
            int n = r.path("trial").asInt(-1);
            Trial t = trials.get(n);
            if (type.equals("claim")) {
                if (t == null) {
                    trials.put(n, new Trial(n, params(r.path("params")), r.path("worker").asText()));
                }
                continue;
            }
            if (t == null || t.state != TrialState.RUNNING) {
                continue; // ended already: a second end (or a late epoch) is not counted
            }
            switch (type) {
                case "reclaim" -> {
                    t.attempts++;
                    t.worker = r.path("worker").asText();
                }
                case "epoch" -> t.intermediate.put(r.path("epoch").asInt(), r.path("value").asDouble(Double.NaN));
                case "complete" -> {
                    t.state = TrialState.COMPLETE;
                    t.value = r.path("value").asDouble(Double.NaN);
                    t.seconds = r.path("seconds").asDouble();
                }
                case "pruned" -> {
                    t.state = TrialState.PRUNED;
                    t.prunedAt = r.path("epoch").asInt();
                    t.reason = r.path("reason").asText();
                    t.seconds = r.path("seconds").asDouble();
                }
                case "failed" -> {
                    t.state = TrialState.FAILED;
                    t.reason = r.path("reason").asText();
                    t.seconds = r.path("seconds").asDouble();
                }
                default -> {
                    // A record type of a newer version: ignored, so that an older reader still replays the rest.
                }
            }
        }
        return new StudyState(fingerprint, trials);
    }

    private static Map<String, Object> params(JsonNode node) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            out.put(e.getKey(), v.isBoolean() ? (Object) v.asBoolean() : v.isIntegralNumber() ? (Object) v.asLong()
                    : v.isNumber() ? (Object) v.asDouble() : v.asText());
        }
        return out;
    }

    /** What the study's first record says it is; empty for a new journal. */
    public Optional<String> fingerprint() {
        return fingerprint;
    }

    public List<Trial> trials() {
        return List.copyOf(trials.values());
    }

    public Optional<Trial> trial(int number) {
        return Optional.ofNullable(trials.get(number));
    }

    public List<TrialView> views() {
        List<TrialView> out = new ArrayList<>();
        trials.values().forEach(t -> out.add(t.view()));
        return out;
    }

    public int count() {
        return trials.size();
    }

    public long count(TrialState state) {
        return trials.values().stream().filter(t -> t.state == state).count();
    }

    /** The best complete trial. */
    public Optional<Trial> best(Direction direction) {
        Trial best = null;
        for (Trial t : trials.values()) {
            if (t.state == TrialState.COMPLETE && (best == null || direction.better(t.value, best.value))) {
                best = t;
            }
        }
        return Optional.ofNullable(best);
    }
}
