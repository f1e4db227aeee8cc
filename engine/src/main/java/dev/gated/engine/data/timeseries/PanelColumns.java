package dev.gated.engine.data.timeseries;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The roles of a forecasting file's numeric columns: the targets (forecast, and read as inputs), the other inputs
 * observed only up to the forecast origin, and the columns known in advance (given for the forecast steps too).
 * {@link #all()} orders them targets first, then the other observed inputs, then the known ones, each once.
 *
 * @param targets  the columns to forecast (at least one)
 * @param observed inputs known only up to the forecast origin; may repeat targets
 * @param known    inputs known in advance; none of them a target or an observed input
 */
public record PanelColumns(List<String> targets, List<String> observed, List<String> known) {
    public PanelColumns {
        targets = List.copyOf(targets);
        observed = List.copyOf(observed);
        known = List.copyOf(known);
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("targets: expected at least one column");
        }
        for (String k : known) {
            if (targets.contains(k) || observed.contains(k)) {
                throw new IllegalArgumentException("known column '" + k + "' is also a target or an observed input");
            }
        }
    }

    /** Targets, then the observed inputs that are not targets, then the known columns. */
    public List<String> all() {
        LinkedHashSet<String> all = new LinkedHashSet<>(targets);
        all.addAll(observed);
        all.addAll(known);
        return List.copyOf(all);
    }

    /** The observed inputs that are not targets. */
    public List<String> observedOnly() {
        List<String> out = new ArrayList<>(observed);
        out.removeAll(targets);
        return out;
    }

    /** Index in {@link #all()}, or -1. */
    public int index(String column) {
        return all().indexOf(column);
    }
}
