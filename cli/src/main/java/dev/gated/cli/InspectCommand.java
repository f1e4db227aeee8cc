package dev.gated.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.gated.engine.train.ModelFiles;
import dev.gated.engine.backend.DType;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.checkpoint.Checkpoint;
import dev.gated.engine.checkpoint.CheckpointFiles;
import dev.gated.engine.checkpoint.CheckpointStore;
import dev.gated.engine.io.ElementType;
import dev.gated.engine.io.HostTensor;
import dev.gated.engine.io.SafeTensors;
import dev.gated.engine.rnn.CellType;
import dev.gated.engine.rnn.RnnParam;
import dev.gated.engine.rnn.RnnSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** What a checkpoint, model or any safetensors file holds: format, model, training state, metrics, tensors. */
@Command(name = "inspect", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = Gated.Version.class,
        description = {"Show what a checkpoint, an exported model or any safetensors file holds: its format, the "
                + "model (cell, layers, hidden size, directions, input and output sizes, and the PyTorch modules "
                + "its tensors load into), the training state and metrics of a checkpoint, the parameter count "
                + "and every tensor (name, dtype, shape; model tensors first, then optimizer state).",
                "",
                "PATH may be a run folder: its newest usable checkpoint is inspected (checkpoints/last.safetensors "
                        + "unless it is corrupt or a step file is newer), else its model.safetensors.",
                "",
                "A checkpoint is fully verified (checksum included); a corrupt or truncated file is an error.",
                ""})
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PATH",
            description = "A .safetensors file (checkpoint, model or any other) or a run folder.")
    Path path;

    @Option(names = "--tensors", description = "Also show each tensor's values: min, max, mean, and how many are "
            + "NaN or infinite.")
    boolean tensorStats;

    @Option(names = "--json", description = "Print everything as one JSON object instead of text.")
    boolean json;

    /** The {@code format} metadata of a model exported by {@code gated export} (and of a run's model.safetensors). */
    static final String MODEL_FORMAT = ModelFiles.FORMAT;
    /** PyTorch's names: an {@code nn.LSTM}/{@code nn.GRU} attribute called rnn, an {@code nn.Linear} called head. */
    static final String RNN_PREFIX = "rnn.";
    static final String HEAD_WEIGHT = "head.weight";
    static final String HEAD_BIAS = "head.bias";

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<String> notes = new ArrayList<>();
        Path file = resolve(path, notes);
        Inspection ins = inspect(file);
        if (json) {
            out.println(toJson(ins, notes));
        } else {
            printText(out, ins, notes);
        }
        return Gated.OK;
    }

    // ---- finding and reading the file ----

    /** The file to inspect: {@code path} itself, or the newest usable checkpoint (else the model) of a run folder. */
    static Path resolve(Path path, List<String> notes) {
        if (!Files.isDirectory(path)) {
            if (!Files.exists(path)) {
                throw new IllegalArgumentException(path + ": no such file or directory");
            }
            return path;
        }
        Path checkpoints = path.resolve(CheckpointStore.DIRECTORY);
        Path model = path.resolve("model.safetensors");
        List<String> skipped = new ArrayList<>();
        if (Files.isDirectory(checkpoints)) {
            CheckpointStore.Latest latest = new CheckpointStore(path).latest();
            for (CheckpointStore.Skipped s : latest.skipped()) {
                skipped.add("skipped " + s.file() + ": " + s.reason());
            }
            if (latest.found().isPresent()) {
                notes.addAll(skipped);
                return latest.found().get().file();
            }
        }
        if (Files.isRegularFile(model)) {
            notes.addAll(skipped);
            if (Files.isDirectory(checkpoints)) {
                notes.add("no usable checkpoint in " + checkpoints + "; inspecting the final model");
            }
            return model;
        }
        throw new IllegalArgumentException(path + " is a folder without a usable checkpoint in "
                + CheckpointStore.DIRECTORY + "/ or a model.safetensors"
                + (skipped.isEmpty() ? "" : " (" + String.join("; ", skipped) + ")"));
    }

    /** Everything shown about one file. */
    record Inspection(Path file, long size, SafeTensors.Contents contents, Checkpoint checkpoint, Layout layout) {
        String format() {
            return checkpoint != null ? CheckpointFiles.FORMAT
                    : MODEL_FORMAT.equals(contents.metadata().get("format")) ? MODEL_FORMAT : "safetensors";
        }

        String formatDescription() {
            if (checkpoint != null) {
                return "gated checkpoint v" + CheckpointFiles.FORMAT_VERSION;
            }
            if (MODEL_FORMAT.equals(contents.metadata().get("format"))) {
                return "gated model";
            }
            String f = contents.metadata().get("format");
            return "plain safetensors" + (f == null ? "" : " (metadata format \"" + f + "\")");
        }

        Map<String, HostTensor> modelTensors() {
            return checkpoint != null ? checkpoint.modelTensors() : contents.tensors();
        }

        Map<String, String> metrics() {
            if (checkpoint != null) {
                return checkpoint.metrics();
            }
            Map<String, String> m = new LinkedHashMap<>();
            contents.metadata().forEach((k, v) -> {
                if (k.startsWith(CheckpointFiles.METRIC_PREFIX) && k.length() > CheckpointFiles.METRIC_PREFIX.length()) {
                    m.put(k.substring(CheckpointFiles.METRIC_PREFIX.length()), v);
                }
            });
            return m;
        }

        /** Metadata not shown elsewhere (not for checkpoints, whose fields are all shown). */
        Map<String, String> otherMetadata() {
            Map<String, String> m = new LinkedHashMap<>();
            if (checkpoint == null) {
                contents.metadata().forEach((k, v) -> {
                    if (!k.equals("format") && !k.equals("config") && !k.startsWith(CheckpointFiles.METRIC_PREFIX)) {
                        m.put(k, v);
                    }
                });
            }
            return m;
        }
    }

    static Inspection inspect(Path file) {
        long size;
        SafeTensors.Contents contents;
        try {
            size = Files.size(file);
            contents = SafeTensors.read(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        } catch (IOException e) {
            throw new IllegalStateException(file + ": cannot be read: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        }
        Checkpoint checkpoint = null;
        String config = contents.metadata().getOrDefault("config", "");
        if (CheckpointFiles.FORMAT.equals(contents.metadata().get("format"))) {
            // Verified: format version, checksum, every field. Throws CheckpointException naming the file.
            checkpoint = CheckpointFiles.read(file);
            config = checkpoint.config();
        }
        Map<String, HostTensor> model = checkpoint != null ? checkpoint.modelTensors() : contents.tensors();
        return new Inspection(file, size, contents, checkpoint, Layout.of(model, config, contents.metadata()));
    }

    // ---- the model's layout ----

    /**
     * The RNN + linear head that a set of PyTorch-named tensors describes. Shapes decide everything but the cell,
     * exactly: H is {@code rnn.weight_hh_l0}'s second dimension, I is {@code rnn.weight_ih_l0}'s, the gate count G
     * is the rows of {@code rnn.weight_hh_l0} over H (4: LSTM, 3: GRU), the output size is {@code head.weight}'s
     * rows. The cell is taken from the embedded config if there is one, else from a {@code cell} metadata field,
     * else from G. Disagreements end up in {@link #notes}, deviations from PyTorch's layout in {@link #problems}.
     */
    static final class Layout {
        private static final int MAX_LAYERS = 1000;
        private static final Pattern RNN_NAME = Pattern.compile("rnn\\.(?:weight|bias)_(?:ih|hh)_l(\\d+)(_reverse)?");

        CellType cell;
        String cellSource;
        Integer inputSize;
        Integer hiddenSize;
        Integer layers;
        Boolean bidirectional;
        Integer outputSize;
        DType dtype;
        long parameters;
        long rnnParameters;
        long headParameters;
        final List<String> notes = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
        /** The tensors PyTorch's state_dict has for this layout, in its order; null when the layout is unknown. */
        Map<String, Shape> expected;

        boolean known() {
            return expected != null;
        }

        static Layout of(Map<String, HostTensor> model, String configText, Map<String, String> metadata) {
            Layout l = new Layout();
            boolean f32 = true;
            boolean f64 = true;
            for (Map.Entry<String, HostTensor> e : model.entrySet()) {
                long n = e.getValue().numel();
                l.parameters += n;
                if (e.getKey().startsWith(RNN_PREFIX)) {
                    l.rnnParameters += n;
                } else if (e.getKey().startsWith("head.")) {
                    l.headParameters += n;
                }
                f32 &= e.getValue().type() == ElementType.F32;
                f64 &= e.getValue().type() == ElementType.F64;
            }
            l.dtype = f64 && !model.isEmpty() ? DType.FLOAT64 : f32 && !model.isEmpty() ? DType.FLOAT32 : null;

            HostTensor hh = model.get("rnn.weight_hh_l0");
            HostTensor ih = model.get("rnn.weight_ih_l0");
            HostTensor head = model.get(HEAD_WEIGHT);
            CellType byShape = null;
            Integer gates = null;
            if (hh != null && hh.shape().rank() == 2 && hh.shape().dim(1) > 0) {
                l.hiddenSize = hh.shape().dim(1);
                int rows = hh.shape().dim(0);
                if (rows % l.hiddenSize == 0) {
                    gates = rows / l.hiddenSize;
                    byShape = gates == 4 ? CellType.LSTM : gates == 3 ? CellType.GRU : null;
                }
            }
            if (ih != null && ih.shape().rank() == 2) {
                l.inputSize = ih.shape().dim(1);
            }
            if (head != null && head.shape().rank() == 2) {
                l.outputSize = head.shape().dim(0);
            }
            int maxLayer = -1;
            boolean reverse = false;
            boolean anyRnn = false;
            for (String name : model.keySet()) {
                Matcher m = RNN_NAME.matcher(name);
                if (m.matches()) {
                    anyRnn = true;
                    try {
                        maxLayer = Math.max(maxLayer, Integer.parseInt(m.group(1)));
                    } catch (NumberFormatException ignored) {
                        // absurd layer index: reported as an unexpected tensor below
                    }
                    reverse |= m.group(2) != null;
                }
            }
            if (anyRnn) {
                l.layers = maxLayer + 1;
                l.bidirectional = reverse;
            }

            Config config = Config.parse(configText, l.notes);
            String metaCell = metadata.get("cell");
            if (config.cell != null) {
                l.cell = config.cell;
                l.cellSource = "config";
            } else if (metaCell != null && parseCell(metaCell) != null) {
                l.cell = parseCell(metaCell);
                l.cellSource = "metadata";
            } else if (byShape != null) {
                l.cell = byShape;
                l.cellSource = "tensor shapes";
            }
            if (l.cell != null && byShape != null && l.cell != byShape) {
                l.notes.add("the " + l.cellSource + " says " + l.cell + " but rnn.weight_hh_l0 has " + gates
                        + "H rows, which is " + byShape);
            }
            compare(l.notes, "layers", config.layers, l.layers);
            compare(l.notes, "hidden", config.hidden, l.hiddenSize);
            compare(l.notes, "bidirectional", config.bidirectional, l.bidirectional);

            if (!anyRnn) {
                l.problems.add("no rnn.* tensors: not an RNN model saved by Gated or PyTorch");
            } else if (l.hiddenSize == null) {
                l.problems.add("rnn.weight_hh_l0 is missing or not 2-D, so the hidden size is unknown");
            } else if (l.inputSize == null) {
                l.problems.add("rnn.weight_ih_l0 is missing or not 2-D, so the input size is unknown");
            } else if (l.cell == null) {
                l.problems.add("the cell is unknown: no config or cell metadata, and rnn.weight_hh_l0 has "
                        + hh.shape().dim(0) + " rows for hidden size " + l.hiddenSize
                        + " (4H rows would be lstm, 3H gru)");
            } else if (l.outputSize == null) {
                l.problems.add("head.weight is missing or not 2-D, so the output size is unknown");
            } else if (l.inputSize <= 0) {
                l.problems.add("rnn.weight_ih_l0 has input size 0");
            } else if (l.layers > MAX_LAYERS) {
                l.problems.add("rnn.* tensors name layer " + (l.layers - 1) + "; more than " + MAX_LAYERS
                        + " layers is not a model Gated writes");
            } else {
                RnnSpec rnn = new RnnSpec(l.cell, l.inputSize, l.hiddenSize, l.layers, l.bidirectional,
                        l.dtype == null ? DType.FLOAT32 : l.dtype);
                Map<String, Shape> expected = new LinkedHashMap<>();
                // A words model's nn.Embedding comes first: [vocabulary, the RNN's input size].
                HostTensor embedding = model.get("embedding.weight");
                if (embedding != null && embedding.shape().rank() == 2) {
                    expected.put("embedding.weight", Shape.of(embedding.shape().dim(0), l.inputSize));
                }
                for (RnnParam p : rnn.parameters()) {
                    expected.put(RNN_PREFIX + p.name(), p.shape());
                }
                // model.input_norm: batch adds a BatchNorm over the inputs (weight, bias and its buffers).
                if (model.containsKey("input_norm.weight")) {
                    batchNorm(expected, "input_norm.", l.inputSize);
                }
                // model.norm: layer (or batch) adds a LayerNorm (BatchNorm) after every layer (all or none of them).
                if (model.containsKey("layer_norms.0.weight")) {
                    for (int k = 0; k < l.layers; k++) {
                        expected.put("layer_norms." + k + ".weight", Shape.of(rnn.outputSize()));
                        expected.put("layer_norms." + k + ".bias", Shape.of(rnn.outputSize()));
                    }
                }
                if (model.containsKey("batch_norms.0.weight")) {
                    for (int k = 0; k < l.layers; k++) {
                        batchNorm(expected, "batch_norms." + k + ".", rnn.outputSize());
                    }
                }
                expected.put(HEAD_WEIGHT, Shape.of(l.outputSize, rnn.outputSize()));
                expected.put(HEAD_BIAS, Shape.of(l.outputSize));
                l.expected = expected;
                l.problems.addAll(mismatches(model, expected));
            }
            return l;
        }

        /** A BatchNorm's parameters and buffers as PyTorch names them (num_batches_tracked is 0-d). */
        private static void batchNorm(Map<String, Shape> expected, String prefix, int features) {
            for (String name : List.of("weight", "bias", "running_mean", "running_var")) {
                expected.put(prefix + name, Shape.of(features));
            }
            expected.put(prefix + "num_batches_tracked", Shape.of());
        }

        private static List<String> mismatches(Map<String, HostTensor> model, Map<String, Shape> expected) {
            List<String> missing = new ArrayList<>();
            List<String> wrong = new ArrayList<>();
            List<String> unexpected = new ArrayList<>();
            for (Map.Entry<String, Shape> e : expected.entrySet()) {
                HostTensor t = model.get(e.getKey());
                if (t == null) {
                    missing.add(e.getKey() + " " + e.getValue());
                } else if (!t.shape().equals(e.getValue())) {
                    wrong.add(e.getKey() + " is " + t.shape() + ", expected " + e.getValue());
                }
            }
            for (Map.Entry<String, HostTensor> e : model.entrySet()) {
                if (!expected.containsKey(e.getKey())) {
                    unexpected.add(e.getKey() + " " + e.getValue().shape());
                }
            }
            List<String> out = new ArrayList<>();
            if (!missing.isEmpty()) {
                out.add("missing " + String.join(", ", missing));
            }
            if (!wrong.isEmpty()) {
                out.add("wrong shapes: " + String.join(", ", wrong));
            }
            if (!unexpected.isEmpty()) {
                out.add("unexpected " + String.join(", ", unexpected));
            }
            return out;
        }

        private static void compare(List<String> notes, String what, Object config, Object tensors) {
            if (config != null && tensors != null && !config.equals(tensors)) {
                notes.add("the config says " + what + " " + config + " but the tensors have " + tensors);
            }
        }

        /** "lstm, 2 layers, hidden 8, bidirectional, input 3, output 1, float32", with "?" for what is unknown. */
        String describe() {
            return (cell == null ? "unknown cell" : cell.toString())
                    + ", " + (layers == null ? "?" : layers) + (layers != null && layers == 1 ? " layer" : " layers")
                    + ", hidden " + orUnknown(hiddenSize)
                    + (bidirectional == null ? ", directions ?" : bidirectional ? ", bidirectional" : ", unidirectional")
                    + ", input " + orUnknown(inputSize) + ", output " + orUnknown(outputSize)
                    + ", " + (dtype == null ? "mixed dtypes" : dtype.toString());
        }

        /** The PyTorch modules, e.g. {@code rnn = nn.LSTM(3, 8, num_layers=2, bidirectional=True), head = ...}. */
        String torchModules() {
            if (!known()) {
                return null;
            }
            int directions = bidirectional ? 2 : 1;
            return "rnn = nn." + cell.name() + "(" + inputSize + ", " + hiddenSize
                    + (layers == 1 ? "" : ", num_layers=" + layers) + (bidirectional ? ", bidirectional=True" : "")
                    + "), head = nn.Linear(" + directions * hiddenSize + ", " + outputSize + ")";
        }

        private static String orUnknown(Integer v) {
            return v == null ? "?" : v.toString();
        }
    }

    private static CellType parseCell(String s) {
        try {
            return CellType.parse(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The {@code model} section of an embedded job config, read leniently: whatever is missing stays null. */
    private record Config(CellType cell, Integer layers, Integer hidden, Boolean bidirectional) {
        private static final YAMLMapper YAML = new YAMLMapper();

        static Config parse(String text, List<String> notes) {
            if (text == null || text.isBlank()) {
                return new Config(null, null, null, null);
            }
            JsonNode model;
            try {
                model = YAML.readTree(text).path("model");
            } catch (JsonProcessingException e) {
                notes.add("the embedded config is not valid YAML (" + e.getOriginalMessage() + "); ignored");
                return new Config(null, null, null, null);
            }
            CellType cell = null;
            if (model.path("cell").isTextual()) {
                cell = parseCell(model.path("cell").asText());
                if (cell == null) {
                    notes.add("the config's model.cell \"" + model.path("cell").asText() + "\" is not lstm or gru");
                }
            }
            return new Config(cell,
                    model.path("layers").isInt() ? model.path("layers").asInt() : null,
                    model.path("hidden").isInt() ? model.path("hidden").asInt() : null,
                    model.path("bidirectional").isBoolean() ? model.path("bidirectional").asBoolean() : null);
        }
    }

    // ---- tensor statistics (--tensors) ----

    record Stats(double min, double max, double mean, long nan, long inf) {
        static Stats of(HostTensor t) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            double sum = 0;
            long finite = 0;
            long nan = 0;
            long inf = 0;
            for (double v : t.toDoubleArray()) {
                if (Double.isNaN(v)) {
                    nan++;
                } else if (Double.isInfinite(v)) {
                    inf++;
                } else {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                    sum += v;
                    finite++;
                }
            }
            return finite == 0 ? new Stats(Double.NaN, Double.NaN, Double.NaN, nan, inf)
                    : new Stats(min, max, sum / finite, nan, inf);
        }

        String describe() {
            return String.format(Locale.ROOT, "min %.6g  max %.6g  mean %.6g", min, max, mean)
                    + (nan + inf == 0 ? "" : "  NaN " + nan + "  inf " + inf);
        }
    }

    // ---- text ----

    private void printText(PrintWriter out, Inspection ins, List<String> notes) {
        Layout l = ins.layout();
        out.printf(Locale.ROOT, "file: %s%n", ins.file());
        out.printf(Locale.ROOT, "size: %,d bytes (%s)%n", ins.size(), humanBytes(ins.size()));
        out.printf(Locale.ROOT, "format: %s%n", ins.formatDescription());
        for (String n : notes) {
            out.printf(Locale.ROOT, "note: %s%n", n);
        }
        out.printf(Locale.ROOT, "model: %s%n", l.describe());
        if (l.cellSource != null) {
            out.printf(Locale.ROOT, "  cell from the %s; sizes from the tensor shapes%n", l.cellSource);
        }
        if (l.known()) {
            out.printf(Locale.ROOT, "  pytorch: %s%n", l.torchModules());
        }
        for (String n : l.notes) {
            out.printf(Locale.ROOT, "  note: %s%n", n);
        }
        for (String p : l.problems) {
            out.printf(Locale.ROOT, "  does not load into that model: %s%n", p);
        }
        out.printf(Locale.ROOT, "parameters: %,d (rnn %,d, head %,d)%n", l.parameters, l.rnnParameters,
                l.headParameters);
        Checkpoint c = ins.checkpoint();
        if (c != null) {
            out.printf(Locale.ROOT, "step: %d%n", c.state().step());
            out.printf(Locale.ROOT, "epoch: %d (%d batches of it done)%n", c.state().epoch(), c.state().batchInEpoch());
            out.printf(Locale.ROOT, "optimizer: %s (its step %d), learning rate %s%n", c.state().optimizer(),
                    c.state().optimizerStep(), c.state().learningRate());
            out.printf(Locale.ROOT, "checksum: %s (verified)%n", ins.contents().metadata().get("checksum"));
        }
        Map<String, String> metrics = ins.metrics();
        out.printf(Locale.ROOT, "metrics: %s%n", metrics.isEmpty() ? "none" : joined(metrics));
        Map<String, String> other = ins.otherMetadata();
        if (!other.isEmpty()) {
            out.printf(Locale.ROOT, "metadata: %s%n", joined(other));
        }

        Map<String, HostTensor> all = ins.contents().tensors();
        int width = all.keySet().stream().mapToInt(String::length).max().orElse(0);
        int shapeWidth = all.values().stream().mapToInt(t -> t.shape().toString().length()).max().orElse(0);
        int model = ins.modelTensors().size();
        int optimizer = c == null ? 0 : c.optimizerTensors().size();
        out.printf(Locale.ROOT, "tensors: %d%s%n", all.size(),
                c == null ? "" : " (" + model + " model, " + optimizer + " optimizer)");
        for (Map.Entry<String, HostTensor> e : all.entrySet()) {
            HostTensor t = e.getValue();
            String line = String.format(Locale.ROOT, "  %-" + width + "s  %-3s  %-" + shapeWidth + "s", e.getKey(),
                    t.type().safetensorsName(), t.shape());
            if (tensorStats) {
                line += "  " + Stats.of(t).describe();
            }
            out.println(line.stripTrailing());
        }
    }

    private static String joined(Map<String, String> m) {
        StringBuilder b = new StringBuilder();
        m.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append('=').append(shorten(v)));
        return b.toString();
    }

    private static String shorten(String v) {
        String oneLine = v.replace("\n", "\\n");
        return oneLine.length() > 80 ? oneLine.substring(0, 77) + "..." : oneLine;
    }

    static String humanBytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    // ---- JSON ----

    private String toJson(Inspection ins, List<String> notes) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        Layout l = ins.layout();
        root.put("file", ins.file().toString());
        root.put("size_bytes", ins.size());
        root.put("format", ins.format());
        if (ins.checkpoint() != null) {
            root.put("format_version", CheckpointFiles.FORMAT_VERSION);
        }
        root.put("format_description", ins.formatDescription());
        strings(root.putArray("notes"), notes);

        ObjectNode model = root.putObject("model");
        model.put("cell", l.cell == null ? null : l.cell.toString());
        model.put("cell_source", l.cellSource);
        model.put("layers", l.layers);
        model.put("hidden_size", l.hiddenSize);
        model.put("bidirectional", l.bidirectional);
        model.put("input_size", l.inputSize);
        model.put("output_size", l.outputSize);
        model.put("dtype", l.dtype == null ? null : l.dtype.toString());
        model.put("pytorch", l.torchModules());
        model.put("matches_pytorch_layout", l.known() && l.problems.isEmpty());
        strings(model.putArray("notes"), l.notes);
        strings(model.putArray("problems"), l.problems);
        root.put("parameter_count", l.parameters);
        ObjectNode counts = root.putObject("parameter_counts");
        counts.put("rnn", l.rnnParameters);
        counts.put("head", l.headParameters);

        Checkpoint c = ins.checkpoint();
        if (c != null) {
            ObjectNode training = root.putObject("training");
            training.put("step", c.state().step());
            training.put("epoch", c.state().epoch());
            training.put("batch_in_epoch", c.state().batchInEpoch());
            training.put("optimizer", c.state().optimizer());
            training.put("optimizer_step", c.state().optimizerStep());
            training.put("learning_rate", c.state().learningRate());
            root.put("checksum", ins.contents().metadata().get("checksum"));
            root.put("config", c.config());
        }
        ObjectNode metrics = root.putObject("metrics");
        ins.metrics().forEach(metrics::put);
        if (c == null) {
            ObjectNode metadata = root.putObject("metadata");
            ins.contents().metadata().forEach(metadata::put);
        }

        ArrayNode tensors = root.putArray("tensors");
        for (Map.Entry<String, HostTensor> e : ins.contents().tensors().entrySet()) {
            HostTensor t = e.getValue();
            ObjectNode n = tensors.addObject();
            n.put("name", e.getKey());
            n.put("group", c != null && e.getKey().startsWith(CheckpointFiles.OPTIMIZER_PREFIX) ? "optimizer" : "model");
            n.put("dtype", t.type().safetensorsName());
            ArrayNode shape = n.putArray("shape");
            for (int d : t.shape().dims()) {
                shape.add(d);
            }
            n.put("numel", t.numel());
            if (tensorStats) {
                Stats s = Stats.of(t);
                ObjectNode stats = n.putObject("stats");
                number(stats, "min", s.min());
                number(stats, "max", s.max());
                number(stats, "mean", s.mean());
                stats.put("nan", s.nan());
                stats.put("inf", s.inf());
            }
        }
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the JSON output: " + e.getOriginalMessage(), e);
        }
    }

    /** JSON has no NaN: a tensor without finite values gets null. */
    private static void number(ObjectNode node, String key, double v) {
        if (Double.isFinite(v)) {
            node.put(key, v);
        } else {
            node.putNull(key);
        }
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
