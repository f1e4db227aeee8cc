package dev.gated.engine.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link Node} tree from a Jackson token stream (the YAML or the JSON parser), keeping each token's
 * location, and reports duplicate keys (which Jackson's tree model would silently merge).
 */
final class TreeReader {
    private final JsonParser parser;
    private final String source;
    private final int order;
    private final List<Problem> problems;

    private TreeReader(JsonParser parser, String source, int order, List<Problem> problems) {
        this.parser = parser;
        this.source = source;
        this.order = order;
        this.problems = problems;
    }

    /**
     * Reads one document. Syntax errors are added to {@code problems} and give {@code null}; an empty document
     * gives a null scalar.
     */
    static Node read(JsonParser parser, String source, int order, List<Problem> problems) throws IOException {
        TreeReader r = new TreeReader(parser, source, order, problems);
        try {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return new Node.ScalarNode(new Location(source, order, order == 0 ? 1 : 0, order == 0 ? 1 : 0),
                        null, "null");
            }
            Node root = r.value();
            if (parser.nextToken() != null) {
                problems.add(new Problem(r.here(), null, "expected a single document, found more content"));
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            Location at = l == null ? r.here() : r.at(l);
            problems.add(new Problem(at, null, "syntax error: " + syntaxMessage(e)));
            return null;
        }
    }

    private Node value() throws IOException {
        JsonToken t = parser.currentToken();
        Location at = here();
        switch (t) {
            case START_OBJECT: {
                Node.MapNode map = new Node.MapNode(at);
                for (JsonToken k = parser.nextToken(); k != JsonToken.END_OBJECT; k = parser.nextToken()) {
                    String key = parser.currentName();
                    Location keyAt = here();
                    parser.nextToken();
                    Node v = value();
                    Node.Field previous = map.fields().get(key);
                    if (previous != null) {
                        problems.add(new Problem(keyAt, null, "duplicate key '" + key + "'"
                                + (previous.keyAt().line() > 0 ? " (first at line " + previous.keyAt().line() + ")" : "")));
                    } else {
                        map.fields().put(key, new Node.Field(key, keyAt, v));
                    }
                }
                return map;
            }
            case START_ARRAY: {
                List<Node> items = new ArrayList<>();
                for (JsonToken k = parser.nextToken(); k != JsonToken.END_ARRAY; k = parser.nextToken()) {
                    items.add(value());
                }
                return new Node.ListNode(at, List.copyOf(items));
            }
            case VALUE_STRING:
                return new Node.ScalarNode(at, parser.getText(), parser.getText());
            case VALUE_NUMBER_INT: {
                Object v = parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        ? parser.getBigIntegerValue() : (Object) parser.getLongValue();
                return new Node.ScalarNode(at, v, parser.getText());
            }
            case VALUE_NUMBER_FLOAT:
                return new Node.ScalarNode(at, parser.getDoubleValue(), parser.getText());
            case VALUE_TRUE:
            case VALUE_FALSE:
                return new Node.ScalarNode(at, t == JsonToken.VALUE_TRUE, parser.getText());
            case VALUE_NULL:
                return new Node.ScalarNode(at, null, "null");
            default:
                // VALUE_EMBEDDED_OBJECT: YAML !!binary and the like.
                return new Node.ScalarNode(at, parser.getText(), String.valueOf(parser.getText()));
        }
    }

    private Location here() {
        return at(parser.currentTokenLocation());
    }

    private Location at(JsonLocation l) {
        // Overrides are one-line YAML snippets: their line and column say nothing useful.
        return order == 0 ? new Location(source, 0, Math.max(l.getLineNr(), 1), Math.max(l.getColumnNr(), 1))
                : new Location(source, order, 0, 0);
    }

    /** Jackson's message without its location suffix and source snippet, on one line. */
    private static String syntaxMessage(JsonProcessingException e) {
        String m = e.getOriginalMessage();
        if (m == null) {
            return e.getClass().getSimpleName();
        }
        // SnakeYAML messages carry an indented copy of the offending line and a caret; keep the words.
        StringBuilder b = new StringBuilder();
        for (String line : m.split("\\R")) {
            String s = line.strip();
            if (s.isEmpty() || s.startsWith("^") || s.startsWith("in 'reader'") || line.startsWith("    ")) {
                continue;
            }
            if (b.length() > 0) {
                b.append("; ");
            }
            b.append(s);
        }
        return b.toString();
    }
}
