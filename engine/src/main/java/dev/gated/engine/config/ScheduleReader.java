package dev.gated.engine.config;

import dev.gated.engine.model.EarlyStopping;
import dev.gated.engine.model.LrSchedule;

import java.util.List;

/** Reads {@code training.lr_schedule}: a kind name, or a mapping with the kind and its settings. */
final class ScheduleReader {
    private final ReadContext ctx;

    ScheduleReader(ReadContext ctx) {
        this.ctx = ctx;
    }

    /** Keys each schedule kind takes (besides kind). */
    private static final java.util.Map<String, List<String>> SCHEDULE_KEYS = java.util.Map.of(
            "constant", List.of(),
            "step", List.of("step_size", "gamma"),
            "exponential", List.of("gamma"),
            "cosine", List.of("warmup_steps", "min_lr"),
            "one_cycle", List.of("max_lr", "pct_start", "div_factor", "final_div_factor"),
            "reduce_on_plateau", List.of("metric", "mode", "factor", "patience", "threshold", "cooldown", "min_lr"));

    /** {@code lr_schedule: cosine} (defaults) or a mapping with {@code kind}; null after a problem. */
    LrSchedule read(SectionReader training) {
        Node.Field f = training.field("lr_schedule");
        if (f == null) {
            return new LrSchedule.Constant();
        }
        SectionReader s;
        String kind;
        if (f.value() instanceof Node.ScalarNode sc && sc.value() instanceof String text) {
            s = new SectionReader(ctx, "training.lr_schedule", new Node.MapNode(sc.at()), sc.at(), true);
            kind = ctx.checkChoice(text, sc.at(), "training.lr_schedule", LrSchedule.KINDS);
        } else {
            s = training.sub("lr_schedule");
            if (!s.present()) {
                return null;
            }
            kind = s.choice("kind", LrSchedule.KINDS, null);
        }
        s.reportUnknownKeys();
        if (kind == null) {
            return null;
        }
        int before = ctx.problemCount();
        List<String> own = SCHEDULE_KEYS.get(kind);
        for (String key : Schema.SECTIONS.get("training.lr_schedule")) {
            Node.Field k = s.field(key);
            if (k != null && !key.equals("kind") && !own.contains(key)) {
                ctx.add(new Problem(k.keyAt(), "training.lr_schedule." + key, "'" + key + "' does not apply "
                        + "to lr_schedule kind " + kind + (own.isEmpty() ? ", which takes no settings"
                        : "; its settings are " + String.join(", ", own))));
            }
        }
        LrSchedule schedule = switch (kind) {
            case "constant" -> new LrSchedule.Constant();
            case "step" -> new LrSchedule.Step(s.optionalLong("step_size", 1, Integer.MAX_VALUE)
                    .map(Long::intValue).orElseGet(() -> {
                        if (s.field("step_size") == null) {
                            s.missingKey("step_size", "an integer >= 1, epochs between reductions");
                        }
                        return 1;
                    }), s.number("gamma", 0.1, v -> v > 0 && v <= 1, "in (0, 1]"));
            case "exponential" -> new LrSchedule.Exponential(s.optionalNumber("gamma", v -> v > 0 && v <= 1,
                    "in (0, 1]").orElseGet(() -> {
                        if (s.field("gamma") == null) {
                            s.missingKey("gamma", "a number in (0, 1], the factor per epoch");
                        }
                        return 1.0;
                    }));
            case "cosine" -> new LrSchedule.Cosine(s.optionalLong("warmup_steps", 0, Long.MAX_VALUE).orElse(0L),
                    s.number("min_lr", 0, v -> v >= 0, ">= 0"));
            case "one_cycle" -> new LrSchedule.OneCycle(s.optionalNumber("max_lr", v -> v > 0, "> 0"),
                    s.number("pct_start", 0.3, v -> v > 0 && v < 1, "in (0, 1)"),
                    s.number("div_factor", 25, v -> v > 0, "> 0"),
                    s.number("final_div_factor", 1e4, v -> v > 0, "> 0"));
            default -> {
                String metric = s.optionalString("metric").orElse("val_loss");
                String mode = s.choice("mode", List.of("min", "max"), EarlyStopping.maxByDefault(metric)
                        ? "max" : "min");
                yield new LrSchedule.ReduceOnPlateau(metric, "max".equals(mode),
                        s.number("factor", 0.1, v -> v > 0 && v < 1, "in (0, 1)"),
                        s.intValue("patience", 10, 0), s.number("threshold", 1e-4, v -> v >= 0, ">= 0"),
                        s.intValue("cooldown", 0, 0), s.number("min_lr", 0, v -> v >= 0, ">= 0"));
            }
        };
        return ctx.problemCount() > before ? null : schedule;
    }
}
