package dev.gated.engine.config;

import dev.gated.engine.util.Suggestions;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The sections of a job file and their keys, in the order the resolved file writes them. */
final class Schema {
    private Schema() {
    }

    static final Map<String, List<String>> SECTIONS = sections();

    /** The top-level sections only (a job file's own keys). */
    static List<String> topLevel() {
        return SECTIONS.keySet().stream().filter(k -> !k.contains(".")).toList();
    }

    private static Map<String, List<String>> sections() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("data", List.of("kind", "path", "input_columns", "target_columns", "date_column", "sequence_column",
                "label_column", "window", "horizon", "stride", "split", "max_length", "nan_policy", "standardize",
                "id_column", "known_columns", "calendar", "text_column", "tokenizer", "vocabulary", "truncation",
                "source_column", "target_column"));
        m.put("model", List.of("cell", "layers", "hidden", "bidirectional", "head", "init_from", "init", "dropout",
                "residual", "layer_norm", "norm", "input_norm", "embedding"));
        m.put("task", List.of("kind"));
        m.put("forecast", List.of("scaling", "difference", "target", "season", "strategy", "quantiles",
                "moving_average", "backtest"));
        m.put("translation", List.of("attention", "teacher_forcing", "beam_width", "length_penalty",
                "max_output_length", "attention_plots"));
        m.put("training", List.of("optimizer", "learning_rate", "momentum", "weight_decay", "batch_size", "epochs", "steps",
                "shuffle", "seed", "clip_grad_norm", "device", "precision", "checkpoint_every_steps", "keep_checkpoints",
                "clip_grad_value", "l1", "l2", "penalize_biases", "input_noise", "lr_schedule", "early_stopping",
                "nesterov", "betas", "eps", "alpha", "centered", "lr_decay", "initial_accumulator_value",
                "health", "on_nonfinite", "rollback_lr_factor", "max_rollbacks",
                "bucketing", "curriculum", "tbptt"));
        // Mappings inside a section, named section.key.
        m.put("data.tokenizer", List.of("lowercase", "punctuation", "numbers", "nfkc", "huggingface"));
        m.put("data.vocabulary", List.of("min_count", "max_size"));
        m.put("model.embedding", List.of("dim", "pretrained", "format", "freeze"));
        m.put("model.init", List.of("weights", "recurrent", "forget_bias", "head"));
        m.put("model.dropout", List.of("input", "output", "between"));
        m.put("training.lr_schedule", List.of("kind", "step_size", "gamma", "warmup_steps", "min_lr", "max_lr",
                "pct_start", "div_factor", "final_div_factor", "metric", "mode", "factor", "patience", "threshold",
                "cooldown"));
        m.put("training.early_stopping", List.of("metric", "mode", "patience", "min_delta", "restore_best"));
        m.put("training.health", List.of("every_steps", "sequences"));
        m.put("training.bucketing", List.of("buckets"));
        m.put("training.curriculum", List.of("start_length", "epochs"));
        m.put("training.tbptt", List.of("forward", "backward"));
        m.put("forecast.backtest", List.of("folds", "mode", "refit", "fold_size"));
        m.put("translation.teacher_forcing", List.of("start", "end"));
        m.put("output", List.of("dir", "name", "plots"));
        return java.util.Collections.unmodifiableMap(m);
    }

    /** "unknown key 'x' in training; did you mean 'y'?" or "…; expected one of a, b, c". */
    static String unknownKey(String key, String where, List<String> allowed) {
        return "unknown key '" + key + "' in " + where + Suggestions.closest(key, allowed)
                .map(s -> "; did you mean '" + s + "'?")
                .orElse("; expected one of " + String.join(", ", allowed));
    }
}
