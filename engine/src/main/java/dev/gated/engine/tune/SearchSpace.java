package dev.gated.engine.tune;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The parameters of a study, in file order. A condition refers to an earlier parameter only, so that assigning
 * in order decides every condition before the parameter it guards.
 */
public record SearchSpace(List<Param> params) {
    public SearchSpace {
        params = List.copyOf(params);
        for (int i = 0; i < params.size(); i++) {
            Param p = params.get(i);
            for (int j = 0; j < i; j++) {
                if (params.get(j).key().equals(p.key())) {
                    throw new IllegalArgumentException("the search space names " + p.key() + " twice");
                }
            }
            if (p.when().isPresent()) {
                String k = p.when().get().key();
                if (params.subList(0, i).stream().noneMatch(q -> q.key().equals(k))) {
                    throw new IllegalArgumentException(p.key() + ": its condition refers to " + k
                            + ", which is not an earlier parameter of the search space");
                }
            }
        }
    }

    public int size() {
        return params.size();
    }

    /**
     * Assigns the parameters in order: {@code value.apply(index, param)} gives each active parameter's value;
     * parameters whose condition does not hold are left out.
     */
    public Map<String, Object> assign(BiFunction<Integer, Param, Object> value) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            Param p = params.get(i);
            if (p.when().isEmpty() || p.when().get().holds(out)) {
                out.put(p.key(), value.apply(i, p));
            }
        }
        return out;
    }
}
