package dev.gated.engine.config;

import dev.gated.engine.tune.Condition;
import dev.gated.engine.tune.Param;
import dev.gated.engine.tune.SearchSpace;
import dev.gated.engine.tune.TrialOverrides;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a study file's {@code space}: job keys (as for {@code --set}) mapped to a distribution, each optionally
 * with {@code when}. Every value a parameter can take at its ends (each choice; low and high of a range) is
 * applied to the base job and validated as the job file would be, so a space that would make trials fail on a
 * bad value is reported before any trial runs.
 */
final class SpaceReader {
    private static final List<String> DISTRIBUTIONS = List.of("choice", "uniform", "loguniform", "int");
    private static final List<String> KEYS = List.of("choice", "uniform", "loguniform", "int", "step", "log", "when");
    private static final Pattern WHEN = Pattern.compile(
            "\\s*([A-Za-z_][A-Za-z0-9_.]*)\\s*(==|!=|<=|>=|<|>|\\bin\\b)\\s*(.+?)\\s*");

    /** The space, or null after a problem; and where each parameter was written. */
    record Result(SearchSpace space, Map<String, Location> at) {
        /** Grid search: a problem for each continuous parameter. */
        void requireFinite(ReadContext ctx) {
            for (Param p : space.params()) {
                if (p instanceof Param.Uniform) {
                    ctx.add(new Problem(at.get(p.key()), "space." + p.key(), "grid search needs a finite set of "
                            + "values: give " + p.key() + " as choice or int, or use sampler kind random, sobol or "
                            + "tpe"));
                }
            }
        }
    }

    private final ReadContext ctx;
    private final Node.Field field;
    private final Location rootAt;
    private final Path job;
    private final boolean jobValid;

    SpaceReader(ReadContext ctx, Node.Field field, Location rootAt, Path job, boolean jobValid) {
        this.ctx = ctx;
        this.field = field;
        this.rootAt = rootAt;
        this.job = job;
        this.jobValid = jobValid;
    }

    Result read() {
        Map<String, Location> at = new LinkedHashMap<>();
        if (field == null || !(field.value() instanceof Node.MapNode map) || map.fields().isEmpty()) {
            ctx.add(new Problem(field == null ? rootAt : field.value().at(), "space", "expected a mapping of job "
                    + "keys to distributions, e.g. training.learning_rate: {loguniform: [1.0e-4, 1.0e-1]}, found "
                    + (field == null ? "no space section" : field.value().describe())));
            return new Result(null, at);
        }
        int before = ctx.problemCount();
        List<Param> params = new ArrayList<>();
        for (Node.Field f : map.fields().values()) {
            at.put(f.key(), f.keyAt());
            Param p = param(f, params);
            if (p != null) {
                params.add(p);
                if (jobValid) {
                    checkAgainstJob(p, f.keyAt(), params);
                }
            }
        }
        return new Result(ctx.problemCount() > before ? null : new SearchSpace(params), at);
    }

    private Param param(Node.Field f, List<Param> earlier) {
        String key = f.key();
        String path = "space." + key;
        if (key.startsWith("output.")) {
            ctx.add(new Problem(f.keyAt(), path, "the study sets output.dir and output.name of each trial (its folder "
                    + "in the study's trials/); tune other keys"));
            return null;
        }
        if (!(f.value() instanceof Node.MapNode m)) {
            ctx.add(new Problem(f.value().at(), path, "expected a mapping with one of " + String.join(", ",
                    DISTRIBUTIONS) + " (e.g. {choice: [16, 32]}), found " + f.value().describe()));
            return null;
        }
        for (Node.Field k : m.fields().values()) {
            if (!KEYS.contains(k.key())) {
                ctx.add(new Problem(k.keyAt(), null, Schema.unknownKey(k.key(), path, KEYS)));
                return null;
            }
        }
        List<String> given = DISTRIBUTIONS.stream().filter(m.fields()::containsKey).toList();
        if (given.size() != 1) {
            ctx.add(new Problem(m.at(), path, "expected exactly one of " + String.join(", ", DISTRIBUTIONS)
                    + ", found " + (given.isEmpty() ? "none" : String.join(" and ", given))));
            return null;
        }
        Optional<Condition> when = m.fields().containsKey("when") ? condition(m.fields().get("when"), path, earlier)
                : Optional.empty();
        if (when == null) {
            return null;
        }
        String kind = given.get(0);
        Node.Field d = m.fields().get(kind);
        if (kind.equals("choice")) {
            if (m.fields().containsKey("step") || m.fields().containsKey("log")) {
                ctx.add(new Problem(m.at(), path, "step and log apply to int and uniform, not to choice"));
                return null;
            }
            return choice(d, path, key, when);
        }
        double[] range = range(d, path + "." + kind, kind.equals("int"));
        boolean log = kind.equals("loguniform") || bool(m.fields().get("log"), path);
        if (range == null) {
            return null;
        }
        long step = 1;
        if (m.fields().containsKey("step")) {
            if (!kind.equals("int")) {
                ctx.add(new Problem(m.fields().get("step").keyAt(), path + ".step", "step applies to int ranges; "
                        + "for a float range on a grid use choice"));
                return null;
            }
            if (!(m.fields().get("step").value() instanceof Node.ScalarNode s && s.value() instanceof Long l && l >= 1)) {
                ctx.add(new Problem(m.fields().get("step").value().at(), path + ".step", "expected an integer >= 1, "
                        + "found " + m.fields().get("step").value().describe()));
                return null;
            }
            step = (Long) ((Node.ScalarNode) m.fields().get("step").value()).value();
        }
        try {
            return kind.equals("int") ? new Param.IntRange(key, (long) range[0], (long) range[1], step, log, when)
                    : new Param.Uniform(key, range[0], range[1], log, when);
        } catch (IllegalArgumentException e) {
            ctx.add(new Problem(d.value().at(), path, e.getMessage().substring(key.length() + 2)));
            return null;
        }
    }

    private Param choice(Node.Field d, String path, String key, Optional<Condition> when) {
        if (!(d.value() instanceof Node.ListNode list) || list.items().isEmpty()) {
            ctx.add(new Problem(d.value().at(), path + ".choice", "expected a non-empty list of values, found "
                    + d.value().describe()));
            return null;
        }
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            Object v = scalar(list.items().get(i), path + ".choice[" + i + "]");
            if (v == null) {
                return null;
            }
            if (values.contains(v)) {
                ctx.add(new Problem(list.items().get(i).at(), path + ".choice[" + i + "]", "the value " + v
                        + " is listed twice"));
                return null;
            }
            values.add(v);
        }
        return new Param.Choice(key, values, when);
    }

    private Object scalar(Node n, String path) {
        if (n instanceof Node.ScalarNode s && s.value() != null && !(s.value() instanceof java.math.BigInteger)) {
            return s.value();
        }
        ctx.add(new Problem(n.at(), path, "expected a number, a string or a boolean, found " + n.describe()));
        return null;
    }

    private double[] range(Node.Field d, String path, boolean integers) {
        String expected = integers ? "[low, high] with integers low <= high" : "[low, high] with numbers low < high";
        if (d.value() instanceof Node.ListNode list && list.items().size() == 2) {
            double[] r = new double[2];
            for (int i = 0; i < 2; i++) {
                if (!(list.items().get(i) instanceof Node.ScalarNode s && (integers ? s.value() instanceof Long
                        : s.value() instanceof Number n && Double.isFinite(n.doubleValue())))) {
                    ctx.add(new Problem(list.items().get(i).at(), path + "[" + i + "]", "expected "
                            + (integers ? "an integer" : "a number") + ", found " + list.items().get(i).describe()));
                    return null;
                }
                r[i] = ((Number) ((Node.ScalarNode) list.items().get(i)).value()).doubleValue();
            }
            return r;
        }
        ctx.add(new Problem(d.value().at(), path, "expected " + expected + ", found " + d.value().describe()));
        return null;
    }

    private boolean bool(Node.Field f, String path) {
        if (f == null) {
            return false;
        }
        if (f.value() instanceof Node.ScalarNode s && s.value() instanceof Boolean b) {
            return b;
        }
        ctx.add(new Problem(f.value().at(), path + ".log", "expected true or false, found " + f.value().describe()));
        return false;
    }

    /** {@code when: "model.layers > 1"}; null after a problem. */
    private Optional<Condition> condition(Node.Field f, String path, List<Param> earlier) {
        String expected = "a condition on an earlier parameter like \"model.layers > 1\" or \"model.cell in [lstm, "
                + "gru]\" (operators ==, !=, <, <=, >, >=, in)";
        if (!(f.value() instanceof Node.ScalarNode s && s.value() instanceof String text)) {
            ctx.add(new Problem(f.value().at(), path + ".when", "expected " + expected + ", found "
                    + f.value().describe()));
            return null;
        }
        Matcher m = WHEN.matcher(text);
        if (!m.matches()) {
            ctx.add(new Problem(s.at(), path + ".when", "expected " + expected + ", found '" + text + "'"));
            return null;
        }
        String key = m.group(1);
        if (earlier.stream().noneMatch(p -> p.key().equals(key))) {
            ctx.add(new Problem(s.at(), path + ".when", "'" + key + "' is not a parameter before " + path.substring(6)
                    + " in the space; a condition refers to an earlier parameter"));
            return null;
        }
        Condition.Op op = switch (m.group(2)) {
            case "==" -> Condition.Op.EQ;
            case "!=" -> Condition.Op.NE;
            case "<" -> Condition.Op.LT;
            case "<=" -> Condition.Op.LE;
            case ">" -> Condition.Op.GT;
            case ">=" -> Condition.Op.GE;
            default -> Condition.Op.IN;
        };
        Object value = yamlValue(m.group(3), s.at());
        if (value == null || op == Condition.Op.IN && !(value instanceof List<?>)) {
            ctx.add(new Problem(s.at(), path + ".when", "expected " + (op == Condition.Op.IN ? "a list like [lstm, "
                    + "gru] after 'in'" : "a number, string or boolean after " + op.symbol()) + ", found '"
                    + m.group(3) + "'"));
            return null;
        }
        return Optional.of(new Condition(key, op, value));
    }

    /** A YAML scalar or flow list of scalars, as Long/Double/String/Boolean (lists of those); null if neither. */
    private static Object yamlValue(String text, Location at) {
        // Problems of the operand itself are reported as the condition's own, with what was expected.
        Node n = JobFiles.readValue(text, at, new ArrayList<>());
        if (n instanceof Node.ScalarNode s) {
            return s.value();
        }
        if (n instanceof Node.ListNode l) {
            List<Object> out = new ArrayList<>();
            for (Node item : l.items()) {
                if (!(item instanceof Node.ScalarNode s) || s.value() == null) {
                    return null;
                }
                out.add(s.value());
            }
            return out;
        }
        return null;
    }

    /**
     * Applies the parameter's extreme values to the base job (with earlier parameters set so that its condition
     * holds) and reports what the job reader says of each.
     */
    private void checkAgainstJob(Param p, Location at, List<Param> all) {
        List<Object> values;
        if (p instanceof Param.Choice c) {
            values = c.values();
        } else if (p instanceof Param.Uniform u) {
            values = List.of(u.low(), u.high());
        } else {
            Param.IntRange r = (Param.IntRange) p;
            values = List.of(r.low(), r.low() + (r.count() - 1) * r.step());
        }
        List<String> context = context(p, all);
        for (Object v : values) {
            List<String> overrides = new ArrayList<>(context);
            overrides.add(TrialOverrides.override(p.key(), v));
            try {
                JobFiles.load(job, overrides);
            } catch (JobConfigException e) {
                ctx.add(new Problem(at, "space." + p.key(), "the value " + v + " does not make a valid job: "
                        + String.join("; ", e.problems())));
                return; // one value's problem says enough
            }
        }
    }

    /** Overrides of earlier parameters that make {@code p}'s condition (and theirs, in turn) hold. */
    private static List<String> context(Param p, List<Param> all) {
        List<String> out = new ArrayList<>();
        Param q = p;
        while (q.when().isPresent()) {
            Condition c = q.when().get();
            Param earlier = all.stream().filter(x -> x.key().equals(c.key())).findFirst().orElseThrow();
            Object v = candidates(earlier).stream().filter(x -> c.holds(Map.of(c.key(), x))).findFirst().orElse(null);
            if (v == null) {
                break; // a condition no value satisfies: the parameter never applies; nothing to check with
            }
            out.add(0, TrialOverrides.override(earlier.key(), v));
            q = earlier;
        }
        return out;
    }

    /** Values to try for a condition: every choice, every integer of a short range, else the ends and middle. */
    private static List<Object> candidates(Param p) {
        if (p instanceof Param.Choice c) {
            return c.values();
        }
        if (p instanceof Param.IntRange r) {
            List<Object> out = new ArrayList<>();
            for (long i = 0; i < Math.min(r.count(), 1000); i++) {
                out.add(r.low() + i * r.step());
            }
            return out;
        }
        Param.Uniform u = (Param.Uniform) p;
        return List.of(u.low(), (u.low() + u.high()) / 2, u.high());
    }
}
