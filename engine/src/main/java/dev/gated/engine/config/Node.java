package dev.gated.engine.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The job file as a tree in which every value keeps its location (Jackson's own tree model drops them). */
sealed interface Node permits Node.MapNode, Node.ListNode, Node.ScalarNode {
    Location at();

    /** How the value is named in "expected …, found …" messages. */
    String describe();

    /** A key of a mapping, where the key itself was written, and its value. */
    record Field(String key, Location keyAt, Node value) {
    }

    /** A mapping; keys in file order. */
    record MapNode(Location at, Map<String, Field> fields) implements Node {
        MapNode(Location at) {
            this(at, new LinkedHashMap<>());
        }

        @Override
        public String describe() {
            return "a mapping";
        }
    }

    record ListNode(Location at, List<Node> items) implements Node {
        @Override
        public String describe() {
            return "a list";
        }
    }

    /** A scalar; {@code value} is a String, Long, java.math.BigInteger, Double, Boolean or null. */
    record ScalarNode(Location at, Object value, String text) implements Node {
        boolean isNull() {
            return value == null;
        }

        @Override
        public String describe() {
            if (value == null) {
                return "null";
            }
            if (value instanceof String s) {
                return "the string '" + s + "'";
            }
            if (value instanceof Boolean) {
                return "the boolean " + value;
            }
            return text;
        }
    }
}
