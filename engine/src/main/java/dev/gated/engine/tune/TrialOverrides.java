package dev.gated.engine.tune;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A trial's parameters as {@code --set} overrides of the base job. Values are written so that the job reader
 * reads back exactly the sampled value: doubles in a form YAML 1.1 reads as a float (with a signed exponent and
 * a decimal point), strings quoted (so {@code yes} or {@code 1e3} stay strings).
 */
public final class TrialOverrides {
    private TrialOverrides() {
    }

    /** {@code key=value} for one parameter. */
    public static String override(String key, Object value) {
        return key + "=" + scalar(value);
    }

    /** Overrides for every parameter, in order. */
    public static List<String> of(Map<String, Object> params) {
        List<String> out = new ArrayList<>();
        params.forEach((k, v) -> out.add(override(k, v)));
        return out;
    }

    /** The value as a YAML flow scalar that reads back as the same Long, Double, Boolean or String. */
    public static String scalar(Object value) {
        if (value instanceof Double d) {
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("not a finite number: " + d);
            }
            // Double.toString is the shortest repr that reads back exactly; YAML 1.1 needs "1.0e+10", not "1.0E10".
            String s = Double.toString(d).toLowerCase(Locale.ROOT);
            int e = s.indexOf('e');
            return e < 0 || s.charAt(e + 1) == '-' ? s : s.substring(0, e + 1) + "+" + s.substring(e + 1);
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Boolean) {
            return value.toString();
        }
        if (value instanceof String s) {
            return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        throw new IllegalArgumentException("a parameter value is a number, string or boolean, found " + value);
    }
}
