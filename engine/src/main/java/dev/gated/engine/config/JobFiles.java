package dev.gated.engine.config;

import dev.gated.engine.data.timeseries.CalendarFeature;
import dev.gated.engine.data.words.EmbeddingFormat;
import dev.gated.engine.io.AtomicFiles;
import dev.gated.engine.model.EarlyStopping;
import dev.gated.engine.model.LrSchedule;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads job files into {@link JobConfig} and writes the resolved configuration back.
 *
 * <p>A job file is YAML ({@code .yaml}, {@code .yml}) or JSON ({@code .json}, read with the JSON parser so that
 * syntax errors are JSON's); its keys and defaults are listed on {@link JobConfig}. Every problem (syntax, duplicate
 * key, unknown key, wrong type, value out of range, unknown choice, missing required key) is reported with the
 * file, line and column, the field path, what was expected and what was found, and for a misspelt key or value the
 * closest allowed one; all problems of a file are reported together, sorted by position, in one
 * {@link JobConfigException}.
 */
public final class JobFiles {
    private static final JsonFactory JSON = JsonFactory.builder().build();
    // `model:` with nothing after it is null (an empty section), not the empty string.
    private static final YAMLFactory YAML = YAMLFactory.builder().enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
            .build();

    private JobFiles() {
    }

    /** Same as {@link #load(Path, List)} without overrides. */
    public static JobConfig load(Path file) {
        return load(file, List.of());
    }

    /**
     * Reads, applies overrides to, and validates a job file.
     *
     * @param file      a {@code .yaml}, {@code .yml} or {@code .json} job file
     * @param overrides {@code section.key=value} settings (the CLI's {@code --set}), applied in order before
     *                  validation; the value is read as a YAML scalar or flow collection ({@code 0.01},
     *                  {@code gru}, {@code [0.8, 0.1, 0.1]}; empty for null, which means the default)
     * @throws JobConfigException   if the file cannot be read or any problem is found
     */
    public static JobConfig load(Path file, List<String> overrides) {
        return load(file, overrides, true);
    }

    private static JobConfig load(Path file, List<String> overrides, boolean checkFiles) {
        String source = file.toString();
        List<Problem> problems = new ArrayList<>();
        Node root = parse(file, "job file", problems);
        if (root != null) {
            for (int i = 0; i < overrides.size(); i++) {
                root = applyOverride(root, overrides.get(i), i + 1, problems);
            }
        }
        String name = stem(file);
        if (!JobReader.validName(name)) {
            name = "run";
        }
        Path baseDir = checkFiles ? file.toAbsolutePath().getParent() : null;
        JobConfig config = root == null ? null : new JobReader(problems, name, baseDir).read(root);
        if (!problems.isEmpty()) {
            throw new JobConfigException(source, problems);
        }
        return config;
    }

    /**
     * A run folder's recorded job ({@code job.yaml}, every value written out): read as {@link #load(Path)} does,
     * except that the files it names are not opened (a run can be evaluated after its pre-trained embedding file
     * is gone: the trained weights hold the vectors).
     */
    public static JobConfig loadRecorded(Path file) {
        return load(file, List.of(), false);
    }

    /** The file name without its extension: a job's default run name, a study's default name. */
    static String stem(Path file) {
        String fileName = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        return fileName.contains(".") ? fileName.substring(0, fileName.lastIndexOf('.')) : fileName;
    }

    /** A value written on one line (a --set value, a study condition's operand) as a YAML scalar or flow node. */
    static Node readValue(String text, Location at, List<Problem> problems) {
        try (JsonParser p = YAML.createParser(text)) {
            return TreeReader.read(p, at.source(), at.order(), problems);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading from a String
        }
    }

    /**
     * The located tree of a YAML or JSON file ({@code what}: "job file", "study file"), or null when it is empty.
     *
     * @throws JobConfigException if the file has another extension, cannot be read, or is not valid YAML/JSON
     */
    static Node parse(Path file, String what, List<Problem> problems) {
        String source = file.toString();
        String fileName = file.getFileName() == null ? source : file.getFileName().toString();
        String lower = fileName.toLowerCase(Locale.ROOT);
        boolean json = lower.endsWith(".json");
        Location fileAt = new Location(source, 0, 0, 0);
        if (!json && !lower.endsWith(".yaml") && !lower.endsWith(".yml")) {
            throw new JobConfigException(source, List.of(new Problem(fileAt, null,
                    "expected a " + what + " ending in .yaml, .yml or .json")));
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new JobConfigException(source, List.of(new Problem(fileAt, null, "no such " + what)));
        } catch (IOException e) {
            throw new JobConfigException(source, List.of(new Problem(fileAt, null, "cannot read the " + what + ": "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()))));
        }
        try (JsonParser p = json ? JSON.createParser(text) : YAML.createParser(text)) {
            return TreeReader.read(p, source, 0, problems);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading from a String
        }
    }

    private static Node applyOverride(Node root, String override, int order, List<Problem> problems) {
        Location at = new Location("--set " + override, order, 0, 0);
        int eq = override.indexOf('=');
        String path = eq < 0 ? override : override.substring(0, eq).strip();
        String[] parts = path.split("\\.", -1);
        if (eq < 0 || parts.length < 2 || parts.length > 3 || java.util.Arrays.stream(parts).anyMatch(String::isEmpty)) {
            problems.add(new Problem(at, null, "expected section.key=value (like training.learning_rate=0.01) or "
                    + "section.key.key=value (like training.lr_schedule.kind=cosine)"));
            return root;
        }
        List<String> keys = Schema.topLevel().contains(parts[0]) ? Schema.SECTIONS.get(parts[0]) : null;
        if (keys == null) {
            problems.add(new Problem(at, null, Schema.unknownKey(parts[0], "the job file", Schema.topLevel())));
            return root;
        }
        if (!keys.contains(parts[1])) {
            problems.add(new Problem(at, null, Schema.unknownKey(parts[1], parts[0], keys)));
            return root;
        }
        List<String> subKeys = Schema.SECTIONS.get(parts[0] + "." + parts[1]);
        if (parts.length == 3 && (subKeys == null || !subKeys.contains(parts[2]))) {
            problems.add(new Problem(at, null, subKeys == null ? "'" + parts[0] + "." + parts[1] + "' is a single "
                    + "value, not a mapping; expected " + parts[0] + "." + parts[1] + "=value"
                    : Schema.unknownKey(parts[2], parts[0] + "." + parts[1], subKeys)));
            return root;
        }
        Node value = readValue(override.substring(eq + 1), at, problems);
        if (value == null) {
            return root;
        }
        if (!(root instanceof Node.MapNode map)) {
            return root; // the reader reports the root itself
        }
        Node.Field section = map.fields().get(parts[0]);
        Node.MapNode sectionMap;
        if (section != null && section.value() instanceof Node.MapNode m) {
            sectionMap = m;
        } else {
            sectionMap = new Node.MapNode(at);
            map.fields().put(parts[0], new Node.Field(parts[0], at, sectionMap));
        }
        if (parts.length == 2) {
            sectionMap.fields().put(parts[1], new Node.Field(parts[1], at, value));
            return root;
        }
        Node.Field sub = sectionMap.fields().get(parts[1]);
        Node.MapNode subMap;
        if (sub != null && sub.value() instanceof Node.MapNode m) {
            subMap = m;
        } else {
            // A shorthand `lr_schedule: cosine` becomes {kind: cosine} so that a nested override can extend it,
            // and `teacher_forcing: 0.8` becomes {start: 0.8}.
            subMap = new Node.MapNode(at);
            if (sub != null && sub.value() instanceof Node.ScalarNode sc && sc.value() instanceof String
                    && parts[1].equals("lr_schedule")) {
                subMap.fields().put("kind", new Node.Field("kind", sub.keyAt(), sc));
            } else if (sub != null && sub.value() instanceof Node.ScalarNode sc && sc.value() instanceof Number
                    && parts[0].equals("translation") && parts[1].equals("teacher_forcing")) {
                subMap.fields().put("start", new Node.Field("start", sub.keyAt(), sc));
            }
            sectionMap.fields().put(parts[1], new Node.Field(parts[1], at, subMap));
        }
        subMap.fields().put(parts[2], new Node.Field(parts[2], at, value));
        return root;
    }

    /**
     * Writes {@code config} as a YAML job file with every key that applies to its data kind (optional keys left
     * unset are written as {@code null}; csv-only and sequences-only keys are left out for other kinds), so that
     * {@link #load} gives back an equal config. Written atomically: a reader sees the old
     * file or the complete new one.
     *
     * @throws UncheckedIOException if the file cannot be written (it is then left unchanged)
     */
    public static void writeResolved(JobConfig config, Path file) {
        try {
            AtomicFiles.write(file, toYaml(config).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The resolved config as YAML text. */
    public static String toYaml(JobConfig c) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        DataConfig d = c.data();
        ObjectNode data = root.putObject("data");
        data.put("kind", JobReader.key(d.kind()));
        data.put("path", d.path().toString());
        strings(data.putArray("input_columns"), d.inputColumns());
        strings(data.putArray("target_columns"), d.targetColumns());
        data.put("date_column", d.dateColumn().orElse(null));
        data.put("sequence_column", d.sequenceColumn());
        data.put("label_column", d.labelColumn());
        data.put("window", d.window());
        data.put("horizon", d.horizon());
        data.put("stride", d.stride());
        data.putArray("split").add(d.split().train()).add(d.split().validation()).add(d.split().test());
        data.put("max_length", d.maxLength().orElse(null));
        data.put("nan_policy", JobReader.key(d.nanPolicy()));
        data.put("standardize", d.standardize());
        data.put("id_column", d.idColumn().orElse(null));
        // Empty lists are written as null (left out): the reader asks for a non-empty list when the key is given.
        if (d.knownColumns().isEmpty()) {
            data.putNull("known_columns");
        } else {
            strings(data.putArray("known_columns"), d.knownColumns());
        }
        if (d.calendar().isEmpty()) {
            data.putNull("calendar");
        } else {
            strings(data.putArray("calendar"), d.calendar().stream().map(CalendarFeature::key).toList());
        }
        d.words().ifPresent(w -> writeWords(data, w));
        d.parallel().ifPresent(p -> writeParallel(data, p));
        ModelConfig m = c.model();
        ObjectNode model = root.putObject("model");
        model.put("cell", JobReader.key(m.cell()));
        model.put("layers", m.layers());
        model.put("hidden", m.hidden());
        model.put("bidirectional", m.bidirectional());
        model.put("head", JobReader.key(m.head()));
        model.put("init_from", m.initFrom().map(Path::toString).orElse(null));
        ObjectNode init = model.putObject("init");
        init.put("weights", JobReader.key(m.init().weights()));
        init.put("recurrent", m.init().orthogonal() ? "orthogonal" : "same");
        init.put("forget_bias", m.init().forgetBias().orElse(null));
        init.put("head", JobReader.key(m.init().head()));
        ObjectNode dropout = model.putObject("dropout");
        dropout.put("input", m.dropout().input());
        dropout.put("output", m.dropout().output());
        dropout.put("between", m.dropout().between());
        model.put("residual", m.stacking().residual());
        // norm replaces the old layer_norm key; a recorded job spells it the new way only.
        model.put("norm", m.stacking().norm().name().toLowerCase(java.util.Locale.ROOT));
        model.put("input_norm", m.stacking().inputNorm() ? "batch" : "none");
        m.embedding().ifPresent(e -> {
            ObjectNode emb = model.putObject("embedding");
            emb.put("dim", e.dim());
            emb.put("pretrained", e.pretrained().map(Path::toString).orElse(null));
            emb.put("format", e.format().map(EmbeddingFormat::option).orElse("auto"));
            emb.put("freeze", e.freeze());
        });
        root.putObject("task").put("kind", JobReader.key(c.task().kind()));
        if (c.task().kind() == TaskKind.FORECAST) {
            writeForecast(root.putObject("forecast"), c.forecast());
        }
        c.translation().ifPresent(tc -> writeTranslation(root.putObject("translation"), tc));
        TrainingConfig t = c.training();
        ObjectNode training = root.putObject("training");
        training.put("optimizer", JobReader.key(t.optimizer()));
        training.put("learning_rate", t.learningRate());
        training.put("momentum", t.momentum());
        training.put("weight_decay", t.weightDecay());
        training.put("batch_size", t.batchSize());
        if (t.steps().isPresent()) {
            training.put("steps", t.steps().get());
        } else {
            training.put("epochs", t.epochs());
        }
        training.put("shuffle", t.shuffle());
        training.put("seed", t.seed());
        training.put("clip_grad_norm", t.clipGradNorm().orElse(null));
        training.put("device", JobReader.key(t.device()));
        training.put("precision", JobReader.key(t.precision()));
        training.put("checkpoint_every_steps", t.checkpointEverySteps().orElse(null));
        training.put("keep_checkpoints", t.keepCheckpoints());
        training.put("clip_grad_value", t.clipGradValue().orElse(null));
        training.put("l1", t.l1());
        training.put("l2", t.l2());
        training.put("penalize_biases", t.penalizeBiases());
        training.put("input_noise", t.inputNoise());
        writeOptimizerOptions(training, t.optimizer(), t.optimizerOptions());
        writeSchedule(training.putObject("lr_schedule"), t.lrSchedule());
        if (t.bucketing().isPresent()) {
            training.putObject("bucketing").put("buckets", t.bucketing().get().buckets());
        } else {
            training.put("bucketing", false);
        }
        if (t.curriculum().isPresent()) {
            ObjectNode cur = training.putObject("curriculum");
            cur.put("start_length", t.curriculum().get().startLength());
            cur.put("epochs", t.curriculum().get().epochs());
        } else {
            training.putNull("curriculum");
        }
        if (t.tbptt().isPresent()) {
            ObjectNode tb = training.putObject("tbptt");
            tb.put("forward", t.tbptt().get().forward());
            tb.put("backward", t.tbptt().get().backward());
        } else {
            training.putNull("tbptt");
        }
        if (t.earlyStopping().isPresent()) {
            EarlyStopping e = t.earlyStopping().get();
            ObjectNode es = training.putObject("early_stopping");
            es.put("metric", e.metric());
            es.put("mode", e.max() ? "max" : "min");
            es.put("patience", e.patience());
            es.put("min_delta", e.minDelta());
            es.put("restore_best", e.restoreBest());
        } else {
            training.putNull("early_stopping");
        }
        HealthConfig h = t.health();
        ObjectNode health = training.putObject("health");
        health.put("every_steps", h.everySteps());
        health.put("sequences", h.sequences());
        training.put("on_nonfinite", h.onNonFinite().key());
        if (h.onNonFinite() == HealthConfig.OnNonFinite.ROLLBACK) {
            training.put("rollback_lr_factor", h.rollbackLrFactor());
            training.put("max_rollbacks", h.maxRollbacks());
        }
        ObjectNode output = root.putObject("output");
        output.put("dir", c.output().dir().toString());
        output.put("name", c.output().name());
        output.put("plots", c.output().plots());
        // Keys that apply to other data kinds are not written: the reader rejects them.
        DataKind k = d.kind();
        if (k != DataKind.CSV) {
            data.remove(List.of("target_columns", "date_column", "horizon", "id_column", "known_columns", "calendar"));
        } else {
            data.remove("standardize"); // forecast.scaling says it
        }
        if (k != DataKind.CSV && k != DataKind.SEQUENCES) {
            data.remove(List.of("input_columns", "nan_policy"));
        }
        if (k != DataKind.SEQUENCES) {
            data.remove(List.of("sequence_column"));
        }
        if (k != DataKind.SEQUENCES && k != DataKind.WORDS) {
            data.remove("label_column");
        }
        if (k != DataKind.SEQUENCES && k != DataKind.WORDS && k != DataKind.PARALLEL) {
            data.remove("max_length");
        }
        if (k == DataKind.WORDS || k == DataKind.PARALLEL) {
            data.remove(List.of("input_columns", "nan_policy", "standardize"));
        }
        if (k != DataKind.CSV && k != DataKind.TEXT) {
            data.remove(List.of("window", "stride"));
        }
        if (k == DataKind.TEXT) {
            data.remove("standardize");
        }
        ObjectMapper mapper = new YAMLMapper(YAMLFactory.builder()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).build());
        try {
            return "# Resolved job configuration: every key with its value, defaults filled in.\n"
                    + mapper.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeWords(ObjectNode data, WordsConfig w) {
        data.put("text_column", w.textColumn());
        writeTokenizer(data, w.tokenizer());
        ObjectNode v = data.putObject("vocabulary");
        v.put("min_count", w.minCount());
        v.put("max_size", w.maxSize());
        data.put("truncation", JobReader.key(w.truncation()));
    }

    private static void writeParallel(ObjectNode data, ParallelConfig p) {
        data.put("source_column", p.sourceColumn());
        data.put("target_column", p.targetColumn());
        writeTokenizer(data, p.tokenizer());
        ObjectNode v = data.putObject("vocabulary");
        v.put("min_count", p.minCount());
        v.put("max_size", p.maxSize());
    }

    private static void writeTokenizer(ObjectNode data, dev.gated.engine.data.words.TokenizerOptions tokenizer) {
        ObjectNode t = data.putObject("tokenizer");
        t.put("lowercase", tokenizer.lowercase());
        if (tokenizer.huggingface().isPresent()) {
            t.put("huggingface", tokenizer.huggingface().get().file().toString());
            return;
        }
        t.put("punctuation", JobReader.key(tokenizer.punctuation()));
        t.put("numbers", JobReader.key(tokenizer.numbers()));
        t.put("nfkc", tokenizer.nfkc());
    }

    private static void writeTranslation(ObjectNode o, TranslationConfig t) {
        o.put("attention", JobReader.key(t.attention()));
        if (t.scheduledSampling()) {
            ObjectNode tf = o.putObject("teacher_forcing");
            tf.put("start", t.teacherForcingStart());
            tf.put("end", t.teacherForcingEnd());
        } else {
            o.put("teacher_forcing", t.teacherForcingStart());
        }
        o.put("beam_width", t.beamWidth());
        o.put("length_penalty", t.lengthPenalty());
        o.put("max_output_length", t.maxOutputLength());
        o.put("attention_plots", t.attentionPlots());
    }

    private static void writeForecast(ObjectNode o, ForecastConfig f) {
        o.put("scaling", f.scaling().key());
        o.put("difference", f.difference());
        o.put("target", f.target().key());
        if (f.season().isPresent()) {
            o.put("season", f.season().get());
        } else {
            o.put("season", "auto");
        }
        o.put("strategy", f.strategy().key());
        if (f.quantiles().isEmpty()) {
            o.putNull("quantiles");
        } else {
            f.quantiles().forEach(o.putArray("quantiles")::add);
        }
        o.put("moving_average", f.movingAverage().orElse(null));
        ObjectNode b = o.putObject("backtest");
        b.put("folds", f.backtest().folds());
        b.put("mode", f.backtest().mode().key());
        b.put("refit", f.backtest().refit());
        b.put("fold_size", f.backtest().foldSize().orElse(null));
    }

    /** Only the keys that apply to the optimizer: the reader rejects the others. */
    private static void writeOptimizerOptions(ObjectNode training, OptimizerKind kind, OptimizerOptions o) {
        java.util.Map<String, Runnable> writers = new java.util.LinkedHashMap<>();
        writers.put("nesterov", () -> training.put("nesterov", o.nesterov()));
        writers.put("betas", () -> training.putArray("betas").add(o.beta1()).add(o.beta2()));
        writers.put("eps", () -> training.put("eps", o.eps()));
        writers.put("alpha", () -> training.put("alpha", o.alpha()));
        writers.put("centered", () -> training.put("centered", o.centered()));
        writers.put("lr_decay", () -> training.put("lr_decay", o.lrDecay()));
        writers.put("initial_accumulator_value", () -> training.put("initial_accumulator_value",
                o.initialAccumulatorValue()));
        writers.forEach((key, write) -> {
            if (TrainingReader.OPTIMIZER_KEYS.get(key).contains(kind)) {
                write.run();
            }
        });
    }

    private static void writeSchedule(ObjectNode o, LrSchedule schedule) {
        o.put("kind", schedule.kind());
        if (schedule instanceof LrSchedule.Step st) {
            o.put("step_size", st.stepSize());
            o.put("gamma", st.gamma());
        } else if (schedule instanceof LrSchedule.Exponential e) {
            o.put("gamma", e.gamma());
        } else if (schedule instanceof LrSchedule.Cosine c) {
            o.put("warmup_steps", c.warmupSteps());
            o.put("min_lr", c.minLr());
        } else if (schedule instanceof LrSchedule.OneCycle c) {
            o.put("max_lr", c.maxLr().orElse(null));
            o.put("pct_start", c.pctStart());
            o.put("div_factor", c.divFactor());
            o.put("final_div_factor", c.finalDivFactor());
        } else if (schedule instanceof LrSchedule.ReduceOnPlateau r) {
            o.put("metric", r.metric());
            o.put("mode", r.max() ? "max" : "min");
            o.put("factor", r.factor());
            o.put("patience", r.patience());
            o.put("threshold", r.threshold());
            o.put("cooldown", r.cooldown());
            o.put("min_lr", r.minLr());
        }
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
