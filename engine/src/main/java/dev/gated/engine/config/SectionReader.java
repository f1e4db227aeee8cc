package dev.gated.engine.config;

import dev.gated.engine.util.Suggestions;

import java.math.BigInteger;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.DoublePredicate;

/** Reads the keys of one section; each method reports its own problems and returns a usable fallback. */
final class SectionReader {
    private final ReadContext ctx;
    private final String name;
    private final Node.MapNode map;
    private final Location at;
    private final boolean present;
    /** For a mapping inside a section: the key was written (with a value that may be wrong). */
    private boolean given;

    SectionReader(ReadContext ctx, String name, Node.MapNode map, Location at, boolean present) {
        this.ctx = ctx;
        this.name = name;
        this.map = map;
        this.at = at;
        this.present = present;
    }

    boolean present() {
        return present;
    }

    /** Where the section was written (or, when absent, where its parent is). */
    Location at() {
        return at;
    }

    /** The key of this sub-mapping was written, with a value that is not a mapping (already reported). */
    boolean givenNotMapping() {
        return map == null && given;
    }

    /**
     * The mapping under {@code key} as a section named {@code name.key}: absent (not present) when the key is
     * left out, reported and absent when it is not a mapping.
     */
    SectionReader sub(String key) {
        Node.Field f = field(key);
        String subName = name + "." + key;
        if (f == null) {
            return new SectionReader(ctx, subName, null, at, false);
        }
        if (f.value() instanceof Node.MapNode m) {
            return new SectionReader(ctx, subName, m, m.at(), true);
        }
        SectionReader s = new SectionReader(ctx, subName, null, f.value().at(), false);
        s.given = true;
        if (ctx.firstNotMapping(subName)) {
            wrong(f, "a mapping with the keys " + String.join(", ", ctx.schema().get(subName)));
        }
        return s;
    }

    /** One of {@code allowed} (a string), or {@code fallback}; null after a problem (or when required). */
    String choice(String key, List<String> allowed, String fallback) {
        Node.Field f = field(key);
        if (f == null) {
            if (fallback == null && present) {
                missing(key, "one of " + String.join(", ", allowed));
            }
            return fallback;
        }
        if (f.value() instanceof Node.ScalarNode s && s.value() instanceof String text) {
            return ctx.checkChoice(text, s.at(), path(key), allowed);
        }
        wrong(f, "one of " + String.join(", ", allowed));
        return null;
    }

    void missingKey(String key, String expected) {
        missing(key, expected);
    }

    Node.Field field(String key) {
        if (!ctx.schema().get(name).contains(key)) {
            throw new IllegalStateException("not in the schema: " + name + "." + key);
        }
        if (map == null) {
            return null;
        }
        Node.Field f = map.fields().get(key);
        // An explicit null is the same as leaving the key out.
        return f == null || (f.value() instanceof Node.ScalarNode s && s.isNull()) ? null : f;
    }

    void reportUnknownKeys() {
        if (map == null) {
            return;
        }
        List<String> allowed = ctx.schema().get(name);
        for (Node.Field f : map.fields().values()) {
            if (!allowed.contains(f.key())) {
                ctx.add(new Problem(f.keyAt(), null, Schema.unknownKey(f.key(), name, allowed)));
            }
        }
    }

    private String path(String key) {
        return name + "." + key;
    }

    private void wrong(Node.Field f, String expected) {
        ctx.add(new Problem(f.value().at(), path(f.key()), "expected " + expected + ", found "
                + f.value().describe()));
    }

    private void missing(String key, String expected) {
        ctx.add(new Problem(at, path(key), "missing required key '" + key + "' (expected " + expected + ")"));
    }

    /** False (after reporting it) when the key is given but does not apply. */
    boolean onlyFor(String key, boolean applies, String kind) {
        Node.Field f = field(key);
        if (f != null && !applies) {
            ctx.add(new Problem(f.keyAt(), path(key), "'" + key + "' applies only when data.kind is " + kind
                    + ", found data.kind " + map.fields().get("kind").value().describe()));
            return false;
        }
        return true;
    }

    <E extends Enum<E>> E enumValue(String key, Class<E> type, E fallback) {
        List<String> allowed = Arrays.stream(type.getEnumConstants()).map(JobReader::key).toList();
        String expected = "one of " + String.join(", ", allowed);
        Node.Field f = field(key);
        if (f == null) {
            if (fallback == null && present) {
                missing(key, expected);
            }
            return fallback;
        }
        if (f.value() instanceof Node.ScalarNode s && s.value() instanceof String text) {
            for (E e : type.getEnumConstants()) {
                if (JobReader.key(e).equals(text)) {
                    return e;
                }
            }
            ctx.add(new Problem(s.at(), path(key), "expected " + expected + ", found '" + text + "'"
                    + Suggestions.closest(text, allowed).map(c -> "; did you mean '" + c + "'?").orElse("")));
            return null;
        }
        wrong(f, expected);
        return null;
    }

    Optional<String> optionalString(String key) {
        Node.Field f = field(key);
        if (f == null) {
            return Optional.empty();
        }
        // YAML reads `name: 2024` as a number; any scalar's text is a fine string.
        if (f.value() instanceof Node.ScalarNode s && !(s.value() instanceof Boolean)) {
            if (s.text().isEmpty()) {
                wrong(f, "a non-empty string");
                return Optional.empty();
            }
            return Optional.of(s.text());
        }
        wrong(f, "a string");
        return Optional.empty();
    }

    Optional<Path> path(String key, boolean required) {
        Optional<String> s = optionalString(key);
        if (s.isEmpty()) {
            if (required && field(key) == null) {
                missing(key, "a file path");
            }
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(s.get()));
        } catch (InvalidPathException e) {
            wrong(field(key), "a file path (" + e.getReason() + ")");
            return Optional.empty();
        }
    }

    List<String> stringList(String key, boolean required, boolean applies, String kind) {
        if (!onlyFor(key, applies, kind)) {
            return List.of();
        }
        Node.Field f = field(key);
        String expected = "a non-empty list of column names";
        if (f == null) {
            if (required) {
                missing(key, expected + " for data.kind csv");
            }
            return List.of();
        }
        if (!(f.value() instanceof Node.ListNode list) || list.items().isEmpty()) {
            wrong(f, expected);
            return List.of();
        }
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < list.items().size(); i++) {
            Node item = list.items().get(i);
            String itemPath = path(key) + "[" + i + "]";
            if (!(item instanceof Node.ScalarNode s) || s.isNull() || s.value() instanceof Boolean
                    || s.text().isEmpty()) {
                ctx.add(new Problem(item.at(), itemPath, "expected a column name, found " + item.describe()));
            } else if (!seen.add(s.text())) {
                ctx.add(new Problem(item.at(), itemPath, "column '" + s.text() + "' is listed twice"));
            } else {
                out.add(s.text());
            }
        }
        return out;
    }

    boolean bool(String key, boolean fallback) {
        Node.Field f = field(key);
        if (f == null) {
            return fallback;
        }
        if (f.value() instanceof Node.ScalarNode s && s.value() instanceof Boolean b) {
            return b;
        }
        wrong(f, "true or false");
        return fallback;
    }

    /** A number (integers accepted), finite and satisfying {@code ok}. */
    private Double numberOf(Node node, String path, DoublePredicate ok, String range) {
        String expected = "a number " + range;
        if (node instanceof Node.ScalarNode s && s.value() instanceof Number n) {
            double v = n.doubleValue();
            if (Double.isFinite(v) && ok.test(v)) {
                return v;
            }
            ctx.add(new Problem(node.at(), path, "expected " + expected + ", found " + s.describe()));
            return null;
        }
        ctx.add(new Problem(node.at(), path, "expected " + expected + ", found " + node.describe()));
        return null;
    }

    double number(String key, double fallback, DoublePredicate ok, String range) {
        return optionalNumber(key, ok, range).orElse(fallback);
    }

    Optional<Double> optionalNumber(String key, DoublePredicate ok, String range) {
        Node.Field f = field(key);
        return f == null ? Optional.empty() : Optional.ofNullable(numberOf(f.value(), path(key), ok, range));
    }

    int intValue(String key, int fallback, int min) {
        return optionalLong(key, min, Integer.MAX_VALUE).map(Long::intValue).orElse(fallback);
    }

    Optional<Long> optionalLong(String key, long min, long max) {
        Node.Field f = field(key);
        if (f == null) {
            return Optional.empty();
        }
        String expected = min == Long.MIN_VALUE ? "an integer" : max == Integer.MAX_VALUE || max == Long.MAX_VALUE
                ? "an integer >= " + min : "an integer in [" + min + ", " + max + "]";
        if (f.value() instanceof Node.ScalarNode s && (s.value() instanceof Long || s.value() instanceof BigInteger)) {
            Number n = (Number) s.value();
            if (n instanceof Long l && l >= min && l <= max) {
                return Optional.of(l);
            }
            if (n instanceof BigInteger) {
                expected += max == Long.MAX_VALUE || min == Long.MIN_VALUE ? " that fits in 64 bits" : "";
            } else if (n.longValue() > max) {
                expected += " and <= " + max;
            }
        }
        wrong(f, expected);
        return Optional.empty();
    }

    Split split(String key) {
        Node.Field f = field(key);
        if (f == null) {
            return Split.DEFAULT;
        }
        String expected = "a list of 3 fractions [train, validation, test]";
        if (!(f.value() instanceof Node.ListNode list) || list.items().size() != 3) {
            ctx.add(new Problem(f.value().at(), path(key), "expected " + expected + ", found "
                    + (f.value() instanceof Node.ListNode l ? "a list of " + l.items().size() : f.value().describe())));
            return null;
        }
        double[] v = new double[3];
        String[] names = {"train", "validation", "test"};
        boolean ok = true;
        for (int i = 0; i < 3; i++) {
            Double d = numberOf(list.items().get(i), path(key) + "[" + i + "]",
                    i == 0 ? x -> x > 0 && x <= 1 : x -> x >= 0 && x <= 1,
                    i == 0 ? "in (0, 1] (the " + names[i] + " fraction)" : "in [0, 1] (the " + names[i] + " fraction)");
            if (d == null) {
                ok = false;
            } else {
                v[i] = d;
            }
        }
        if (!ok) {
            return null;
        }
        double sum = v[0] + v[1] + v[2];
        if (Math.abs(sum - 1) > Split.SUM_TOLERANCE) {
            ctx.add(new Problem(f.value().at(), path(key), "expected fractions that sum to 1, found "
                    + list.items().stream().map(n -> ((Node.ScalarNode) n).text()).toList() + " (sum " + Math.round(sum * 1e9) / 1e9 + ")"));
            return null;
        }
        return new Split(v[0], v[1], v[2]);
    }

    /**
     * The top-level section {@code name} of {@code root}: absent (after a problem) when required and missing or
     * empty, an empty present section when optional and missing, absent after a problem when not a mapping.
     */
    static SectionReader section(ReadContext ctx, Node.MapNode root, String name, boolean required) {
        Node.Field f = root.fields().get(name);
        if (f == null) {
            if (required) {
                ctx.add(new Problem(root.at(), name, "missing required section '" + name + "'"));
                return new SectionReader(ctx, name, null, root.at(), false);
            }
            return new SectionReader(ctx, name, new Node.MapNode(root.at()), root.at(), true);
        }
        Node v = f.value();
        if (v instanceof Node.MapNode m) {
            return new SectionReader(ctx, name, m, v.at(), true);
        }
        if (v instanceof Node.ScalarNode sc && sc.isNull()) {
            if (required) {
                ctx.add(new Problem(f.keyAt(), name, "section '" + name + "' is empty; expected a mapping with "
                        + "its required keys"));
                return new SectionReader(ctx, name, null, f.keyAt(), false);
            }
            return new SectionReader(ctx, name, new Node.MapNode(v.at()), v.at(), true);
        }
        ctx.add(new Problem(v.at(), name, "expected a mapping, found " + v.describe()));
        return new SectionReader(ctx, name, null, v.at(), false);
    }
}
